/**
 * `async-api list`, `history` and `redrive`: one command each over the API's list, history and
 * redrive routes. Like the other commands they print through `--output`/`--query`. Reads are retried
 * as describe is; a redrive only when throttled (429: nothing happened), because after a network
 * error or a 5xx the first attempt may have redriven the execution, and a second one would be
 * refused as "not FAILED" and hide that it worked.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { LIST_MAX_RESULTS, LIST_STATUSES } from '../lambda-src/list-executions/handler';
import { ApiError } from './api';
import { type CommandContext, print, retryIo } from './cli-commands';
import { connectClient, unknownJobError } from './cli-connect';
import { type CliIo, ExitCode } from './cli-io';
import type { GlobalFlags } from './cli-options';
import { callWithRetries } from './retry';

/** Most events the history route returns per page (Step Functions' own limit). */
export const HISTORY_PAGE_MAX = 1000;
/** Pages `--all` follows at most, so a runaway listing ends with a note instead of running for ever. */
export const MAX_PAGES = 1000;

/** `list`'s options. */
export interface ListFlags extends GlobalFlags {
  job?: string;
  status?: string;
  maxResults?: number;
  nextToken?: string;
  all?: boolean;
}

/** `history`'s options. */
export interface HistoryFlags extends GlobalFlags {
  maxResults?: number;
  nextToken?: string;
  reverse?: boolean;
  /** commander's `--no-data`: false when given. */
  data: boolean;
  all?: boolean;
}

/** Adds `list`, `history` and `redrive` to the program; `setExit` receives each command's exit code. */
export function addJobCommands(
  program: Command,
  io: CliIo,
  context: CommandContext,
  setExit: (code: ExitCode) => void,
  parseArn: (value: string) => string,
  helpAfter: string,
): void {
  const flagsOf = <T extends GlobalFlags>(command: Command): T => command.optsWithGlobals<T>();

  program
    .command('list')
    .description('List executions newest first, of every job or one: {"executions", "nextToken"}.')
    .addOption(new Option('--job <name>', 'only this job (default: every job of the API)'))
    .addOption(
      new Option('--status <status>', `only this status: ${LIST_STATUSES.join(', ')} (any case)`).argParser(
        parseStatus,
      ),
    )
    .addOption(
      new Option('--max-results <n>', `executions per page, ${LIST_MAX_RESULTS.min}-${LIST_MAX_RESULTS.max}`).argParser(
        pageSize(LIST_MAX_RESULTS.max),
      ),
    )
    .option('--next-token <token>', 'continue from a previous page (same --job, --status and --max-results)')
    .option('--all', 'follow nextToken and print every page as one list')
    .addHelpText('after', helpAfter)
    .action(async (_options: unknown, command: Command) => {
      setExit(await listCommand(flagsOf(command), io, context));
    });

  program
    .command('history')
    .description('Print an execution\'s history events, oldest first: {"events", "nextToken"}.')
    .argument('<executionArn>', 'execution ARN', parseArn)
    .addOption(
      new Option('--max-results <n>', `events per page, 1-${HISTORY_PAGE_MAX} (default 100)`).argParser(
        pageSize(HISTORY_PAGE_MAX),
      ),
    )
    .option('--next-token <token>', 'continue from a previous page (same --max-results and --reverse)')
    .option('--reverse', 'newest first')
    .option('--no-data', "leave out the events' input and output")
    .option('--all', 'follow nextToken and print every page as one list')
    .addHelpText('after', helpAfter)
    .action(async (arn: string, _options: unknown, command: Command) => {
      setExit(await historyCommand(arn, flagsOf(command), io, context));
    });

  program
    .command('redrive')
    .description(
      'Redrive a FAILED, TIMED_OUT or ABORTED execution from where it stopped (same ARN): {"executionArn", "redriveDate"}. Follow it with `async-api wait`.',
    )
    .argument('<executionArn>', 'execution ARN', parseArn)
    .addHelpText('after', helpAfter)
    .action(async (arn: string, _options: unknown, command: Command) => {
      setExit(await redriveCommand(arn, flagsOf(command), io, context));
    });
}

/** `list`: one page, or every page with `--all`. */
export async function listCommand(flags: ListFlags, io: CliIo, context: CommandContext): Promise<ExitCode> {
  const { client } = await connectClient(flags, io, context);
  const request = {
    ...(flags.job !== undefined ? { job: flags.job } : {}),
    ...(flags.status !== undefined ? { status: flags.status } : {}),
    ...(flags.maxResults !== undefined ? { maxResults: flags.maxResults } : {}),
  };
  const result = await pages(
    (nextToken, signal) => client.listExecutions({ ...request, ...(nextToken ? { nextToken } : {}) }, signal),
    (page) => page.executions,
    flags,
    io,
  ).catch((err: unknown) => {
    throw (flags.job !== undefined && unknownJobError(err, flags.job)) || err;
  });
  print(io, flags, 'ListExecutions', { executions: result.items, nextToken: result.nextToken });
  return ExitCode.Succeeded;
}

/** `history <arn>`: one page of events, or every page with `--all`. */
export async function historyCommand(
  executionArn: string,
  flags: HistoryFlags,
  io: CliIo,
  context: CommandContext,
): Promise<ExitCode> {
  const { client } = await connectClient(flags, io, context);
  const request = {
    executionArn,
    ...(flags.maxResults !== undefined ? { maxResults: flags.maxResults } : {}),
    ...(flags.reverse ? { reverseOrder: true } : {}),
    ...(flags.data === false ? { includeExecutionData: false } : {}),
  };
  let omitted = false;
  const result = await pages(
    async (nextToken, signal) => {
      const page = await client.getExecutionHistory({ ...request, ...(nextToken ? { nextToken } : {}) }, signal);
      omitted ||= page.executionDataOmitted === true;
      return page;
    },
    (page) => page.events,
    flags,
    io,
  );
  // The route leaves out the data of an event too large for Lambda's response, and says so.
  print(io, flags, 'GetExecutionHistory', {
    events: result.items,
    nextToken: result.nextToken,
    ...(omitted ? { executionDataOmitted: true } : {}),
  });
  return ExitCode.Succeeded;
}

/** `redrive <arn>`: prints `{executionArn, redriveDate}`. */
export async function redriveCommand(
  executionArn: string,
  flags: GlobalFlags,
  io: CliIo,
  context: CommandContext,
): Promise<ExitCode> {
  const { client } = await connectClient(flags, io, context);
  const result = await callWithRetries((signal) => client.redriveExecution(executionArn, signal), {
    ...retryIo(io),
    shouldRetry: (err) => err instanceof ApiError && err.status === 429,
  });
  print(io, flags, 'RedriveExecution', result);
  return ExitCode.Succeeded;
}

/** Reads one page from `--next-token`, or with `--all` every page from there, each with retries. */
async function pages<P extends { nextToken: string | null }, T>(
  read: (nextToken: string | undefined, signal: AbortSignal) => Promise<P>,
  itemsOf: (page: P) => readonly T[],
  flags: { nextToken?: string; all?: boolean; quiet?: boolean },
  io: CliIo,
): Promise<{ items: T[]; nextToken: string | null }> {
  const items: T[] = [];
  let nextToken: string | undefined = flags.nextToken;
  for (let count = 0; count < MAX_PAGES; count++) {
    const token = nextToken;
    const page = await callWithRetries((signal) => read(token, signal), retryIo(io));
    items.push(...itemsOf(page));
    nextToken = page.nextToken ?? undefined;
    if (!flags.all || nextToken === undefined) return { items, nextToken: nextToken ?? null };
  }
  if (!flags.quiet) io.stderr.write(`async-api: stopped after ${MAX_PAGES} pages; continue with --next-token\n`);
  return { items, nextToken: nextToken ?? null };
}

function parseStatus(value: string): string {
  const status = value.toUpperCase();
  if (!LIST_STATUSES.includes(status)) {
    throw new InvalidArgumentError(`Allowed choices are ${LIST_STATUSES.join(', ')} (any case).`);
  }
  return status;
}

function pageSize(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < 1 || n > max) {
      throw new InvalidArgumentError(`Expected an integer from 1 to ${max}.`);
    }
    return n;
  };
}
