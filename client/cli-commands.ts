/**
 * The `async-api` commands: each takes its parsed flags, calls the library and returns the exit
 * code. Results go to stdout through {@link print} (one date format, ISO 8601; `--query`;
 * `--output`); progress and notes go to stderr unless `--quiet`.
 */
import type { Command } from 'commander';
import { type ApiClient, ApiError, type ExecutionDescription } from './api';
import { apiErrorText, connectClient, explainMissingJob, reattachCommand } from './cli-connect';
import { type CliIo, ExitCode, readInput, UsageError } from './cli-io';
import type { DescribeFlags, GlobalFlags, RunFlags, StartFlags, StopFlags, WaitFlags } from './cli-options';
import type { Connection } from './config';
import {
  type StartOrAttachResult,
  startOrAttach,
  type WaitOptions,
  waitAfterStart,
  waitForExecution,
} from './execution';
import { compileQuery, failureSummary, isoFromEpochSeconds, renderOutput } from './output';
import { type PollResult, WaitOutcome } from './poll';
import {
  canShowSpinner,
  formatDuration,
  type ProgressReporter,
  plainProgress,
  silentProgress,
  spinnerProgress,
} from './progress';
import { callWithRetries } from './retry';
import { DEFAULT_SCHEDULE } from './schedule';

/** What a command learnt about the connection, for the error report's hints. */
export interface CommandContext {
  connection?: Connection;
}

/** `start`: prints `{executionArn, startDate, attached}`. */
export async function startCommand(flags: StartFlags, io: CliIo, context: CommandContext): Promise<ExitCode> {
  const input = await readInput(flags.input, io);
  const { connection, client } = await connectClient(flags, io, context);
  const started = await startNamed(client, connection, flags, input, io);
  if (started.attached && !flags.quiet)
    io.stderr.write(`async-api: ${attachedNote(started, 'not starting another')}\n`);
  print(io, flags, 'StartExecution', {
    executionArn: started.executionArn,
    startDate: isoFromEpochSeconds(started.startDate),
    attached: started.attached,
  });
  return ExitCode.Succeeded;
}

/** `describe <arn>`: one describe (with retries). */
export async function describeCommand(
  arn: string,
  flags: DescribeFlags,
  io: CliIo,
  context: CommandContext,
): Promise<ExitCode> {
  const { client } = await connectClient(flags, io, context);
  const { description } = await callWithRetries((signal) => client.describeExecution(arn, signal), retryIo(io));
  print(io, flags, 'DescribeExecution', flags.outputOnly ? description.output : description);
  return ExitCode.Succeeded;
}

/** `stop <arn>`: prints `{executionArn, stopDate}`. */
export async function stopCommand(
  arn: string,
  flags: StopFlags,
  io: CliIo,
  context: CommandContext,
): Promise<ExitCode> {
  const { client } = await connectClient(flags, io, context);
  const request = { executionArn: arn, error: flags.error, cause: flags.cause };
  const { stopDate } = await callWithRetries((signal) => client.stopExecution(request, signal), retryIo(io));
  print(io, flags, 'StopExecution', { executionArn: arn, stopDate: isoFromEpochSeconds(stopDate) });
  return ExitCode.Succeeded;
}

/** `run`: start (or re-attach by name), then wait. */
export async function runCommand(
  flags: RunFlags,
  command: Command,
  io: CliIo,
  context: CommandContext,
): Promise<ExitCode> {
  const input = await readInput(flags.input, io);
  const { connection, client } = await connectClient(flags, io, context);
  const now = io.now ?? Date.now;
  const sentAtMs = now();
  const started = await startNamed(client, connection, flags, input, io);
  const times = { sentAtMs, arrivedAtMs: now(), wallAtArrivalMs: (io.wallClock ?? Date.now)() };
  if (started.attached && !flags.quiet) io.stderr.write(`async-api: ${attachedNote(started, 'attaching to it')}\n`);
  return waitCommand(
    started.executionArn,
    flags,
    command,
    io,
    context,
    client,
    waitAfterStart(started, times, minIntervalFor(flags)),
  );
}

/** `wait <arn>` (and the waiting half of `run`): polls until the execution ends. */
export async function waitCommand(
  arn: string,
  flags: WaitFlags,
  command: Command,
  io: CliIo,
  context: CommandContext,
  existingClient?: ApiClient,
  afterStart: Pick<WaitOptions, 'startedAtMs' | 'firstPollAfterMs'> = {},
): Promise<ExitCode> {
  const client = existingClient ?? (await connectClient(flags, io, context)).client;
  const now = io.now ?? Date.now;
  const controller = new AbortController();
  const progress: ProgressReporter = flags.quiet
    ? silentProgress
    : canShowSpinner(io.stderr)
      ? await spinnerProgress(io.stderr, arn, now)
      : plainProgress(io.stderr, arn);
  const unsubscribe = io.onInterrupt?.(() => controller.abort()) ?? (() => undefined);
  let result: PollResult<ExecutionDescription>;
  try {
    result = await waitForExecution(client, arn, {
      timeoutMs: flags.timeout,
      maxIntervalMs: flags.maxInterval,
      minIntervalMs: minIntervalFor(flags),
      // A 404 is normal only right after this client's own start; for any other ARN it is final.
      ...(afterStart.startedAtMs === undefined ? { notFoundGraceMs: 0 } : {}),
      ...afterStart,
      signal: controller.signal,
      now,
      wallClock: io.wallClock,
      sleep: io.sleep,
      random: io.random,
      onProgress: (event) => progress.update(event),
    });
  } catch (err) {
    progress.clear();
    throw err;
  } finally {
    unsubscribe();
  }

  return reportOutcome(result, { arn, flags, command, io, context, client, progress });
}

/** What {@link reportOutcome} needs of the wait it reports. */
interface WaitReport {
  readonly arn: string;
  readonly flags: WaitFlags;
  readonly command: Command;
  readonly io: CliIo;
  readonly context: CommandContext;
  readonly client: ApiClient;
  readonly progress: ProgressReporter;
}

/** Prints how a wait ended (a line on stderr, the description on stdout) and returns the exit code. */
async function reportOutcome(result: PollResult<ExecutionDescription>, report: WaitReport): Promise<ExitCode> {
  const { arn, flags, command, io, context, client, progress } = report;
  const took = `after ${formatDuration(result.elapsedMs)} (${result.requests} requests)`;
  const description = result.detail;
  switch (result.outcome) {
    case WaitOutcome.Succeeded:
    case WaitOutcome.Failed:
    case WaitOutcome.TimedOut:
    case WaitOutcome.Aborted: {
      const failure = failureSummary(description?.error, description?.cause);
      progress.finish(
        `${result.outcome} ${took}${failure ? `: ${failure}` : ''}`,
        result.outcome === WaitOutcome.Succeeded,
      );
      if (!flags.outputOnly) print(io, flags, 'DescribeExecution', description);
      else if (result.outcome === WaitOutcome.Succeeded)
        print(io, flags, 'DescribeExecution', description?.output ?? null);
      return OUTCOME_EXIT[result.outcome];
    }
    case WaitOutcome.DeadlinePassed: {
      progress.finish(`still ${result.status ?? 'not visible'} ${took}; --timeout passed`, false);
      if (description && !flags.outputOnly) print(io, flags, 'DescribeExecution', description);
      io.stderr.write(
        `async-api: deadline passed; the execution is still running. Re-attach with: ${reattachCommand(arn, command, context.connection)}\n`,
      );
      return ExitCode.DeadlinePassed;
    }
    case WaitOutcome.Interrupted: {
      progress.clear();
      if (flags.stopOnInterrupt) {
        await stopAfterInterrupt(client, arn, io);
        return ExitCode.Interrupted;
      }
      io.stderr.write(
        `async-api: interrupted; the execution keeps running. Re-attach with: ${reattachCommand(arn, command, context.connection)}\n`,
      );
      return ExitCode.Interrupted;
    }
    case WaitOutcome.Error: {
      progress.clear();
      const err = result.error;
      const message =
        err instanceof ApiError ? apiErrorText(err, context.connection) : (err?.message ?? 'unknown error');
      io.stderr.write(`async-api: ${message.includes(arn) ? message : `${message} (${arn})`}\n`);
      return ExitCode.ApiError;
    }
  }
}

const OUTCOME_EXIT: Readonly<
  Record<WaitOutcome.Succeeded | WaitOutcome.Failed | WaitOutcome.TimedOut | WaitOutcome.Aborted, ExitCode>
> = {
  [WaitOutcome.Succeeded]: ExitCode.Succeeded,
  [WaitOutcome.Failed]: ExitCode.Failed,
  [WaitOutcome.TimedOut]: ExitCode.TimedOut,
  [WaitOutcome.Aborted]: ExitCode.Aborted,
};

/** Writes a result to stdout with `--query` and `--output` applied; `title` is the table's, as the AWS CLI names it. */
export function print(io: CliIo, flags: GlobalFlags, title: string, value: unknown): void {
  const query = flags.query === undefined ? undefined : compileQuery(flags.query);
  io.stdout.write(
    renderOutput(value ?? null, { format: flags.output, query, title, width: io.stdout.columns || undefined }),
  );
}

/** Starts with a name (given or generated) so that retries are safe; see {@link startOrAttach}. */
function startNamed(
  client: ApiClient,
  connection: Connection,
  flags: StartFlags,
  input: unknown,
  io: CliIo,
): Promise<StartOrAttachResult> {
  const webhook = flags.webhook === undefined ? {} : { webhook: flags.webhook, job: webhookJob(connection) };
  const start = (request: { input: unknown; name: string }) =>
    callWithRetries(
      (signal) => client.startExecution({ ...request, job: connection.job, ...webhook }, signal),
      retryIo(io),
    );
  const started = startOrAttach(start, {
    input,
    name: flags.name,
    stateMachineArn: connection.stateMachineArn,
    newName: io.newName,
  });
  const { job } = connection;
  return job === undefined
    ? started
    : started.catch(async (err: unknown) => {
        throw err instanceof ApiError && err.status === 404 ? await explainMissingJob(client, job, err) : err;
      });
}

// The webhook routes are per job: --job, else the default job the outputs file names.
function webhookJob(connection: Connection): string {
  const job = connection.job ?? connection.defaultJob;
  if (job === undefined)
    throw new UsageError(
      '--webhook needs --job <name>: the webhook routes are POST /<job>/start-execution-with-webhook',
    );
  return job;
}

function attachedNote(started: StartOrAttachResult, action: string): string {
  return started.nameGenerated
    ? `the start was retried and its first attempt had created ${started.name}; ${action}`
    : `an execution named ${started.name} already exists; ${action}`;
}

/** The delay bound is max(1 s, 25 %); a max interval below 1 s also shortens the minimum. */
function minIntervalFor(flags: WaitFlags): number {
  return Math.min(DEFAULT_SCHEDULE.minIntervalMs, flags.maxInterval);
}

async function stopAfterInterrupt(client: ApiClient, arn: string, io: CliIo): Promise<void> {
  try {
    const request = { executionArn: arn, cause: 'interrupted (async-api --stop-on-interrupt)' };
    await callWithRetries((signal) => client.stopExecution(request, signal), { ...retryIo(io), maxRetries: 2 });
    io.stderr.write(`async-api: interrupted; stopped ${arn}\n`);
  } catch (err) {
    io.stderr.write(
      `async-api: interrupted; stopping ${arn} failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  }
}

/** The retry options a command takes from its io (injected sleep and randomness in tests). */
export function retryIo(io: CliIo): { sleep?: CliIo['sleep']; random?: CliIo['random'] } {
  return { sleep: io.sleep, random: io.random };
}
