/**
 * `async-api` command line: a shallow wrapper that parses arguments (commander), resolves the
 * connection, calls the library and maps outcomes to exit codes. `main(argv, io)` returns the exit
 * code instead of exiting, so tests run it in-process with their own streams, env and clock.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { ApiClient, ApiError, AuthError, type Auth, type ExecutionDescription } from './api';
import { ConfigError, resolveConnection, type Connection, type ConnectionSettings } from './config';
import {
  EXECUTION_ARN_FORMAT,
  executionNameProblem,
  isExecutionArn,
  startOrAttach,
  waitAfterStart,
  waitForExecution,
  type StartOrAttachResult,
  type WaitOptions,
} from './execution';
import { WaitOutcome, type PollResult } from './poll';
import { canShowSpinner, formatDuration, plainProgress, silentProgress, spinnerProgress, type ProgressReporter, type ProgressStream } from './progress';
import { callWithRetries } from './retry';
import { DEFAULT_SCHEDULE } from './schedule';

/** Exit codes; also listed in `--help` and docs/client.md. */
export enum ExitCode {
  Succeeded = 0,
  Failed = 1,
  Usage = 2,
  TimedOut = 3,
  Aborted = 4,
  DeadlinePassed = 5,
  ApiError = 6,
  /** 128 + SIGINT, the shell convention for Ctrl-C. */
  Interrupted = 130,
}

/** The CLI's view of the world; {@link processIo} gives the real one. */
export interface CliIo {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
  /** For `--input -`. */
  readonly stdin?: AsyncIterable<string | Uint8Array>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Registers a Ctrl-C handler while waiting; returns the unregister function. */
  readonly onInterrupt?: (handler: () => void) => () => void;
  /**
   * Credential provider for SigV4. Default: static keys from `env` (AWS_ACCESS_KEY_ID,
   * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) unless a profile is chosen, else the AWS SDK's Node
   * provider chain — the chain's own first step, but reading `env` rather than `process.env`.
   */
  readonly credentials?: (options: { profile?: string; region: string }) => AwsCredentialIdentityProvider;
  readonly fetch?: typeof fetch;
  /** Clock, sleep and randomness of the polling loop (tests pass virtual ones). */
  readonly now?: () => number;
  /** Epoch clock compared with the API's dates (an execution's age). Default `Date.now`. */
  readonly wallClock?: () => number;
  /** Generates execution names when `--name` is absent. Default `crypto.randomUUID`. */
  readonly newName?: () => string;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/** Default deadline of `wait`/`run`. */
export const DEFAULT_TIMEOUT_MS = 60 * 60_000;

const COMMANDS = ['start', 'describe', 'stop', 'wait', 'run'] as const;
const EXIT_CODES_HELP = `
Exit codes:
  0    SUCCEEDED (start, describe, stop: the call succeeded)
  1    FAILED
  2    usage or bad input
  3    TIMED_OUT
  4    ABORTED
  5    deadline (--timeout) passed; the execution is still running
  6    API, auth or network error (after retries)
  130  interrupted (Ctrl-C); the execution keeps running unless --stop-on-interrupt`;

/** A mistake in the command line or its input: exit 2 with one line. */
class UsageError extends Error {}

/** The real process: stdio, environment, cwd, SIGINT. The only place the CLI touches `process`. */
export function processIo(): CliIo {
  // A reader that stops early (`async-api ... | head`) is not our failure.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      process.once('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

/**
 * Runs the CLI with `argv` (arguments after the program name) and returns the exit code.
 * Never throws and never calls `process.exit`.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.Succeeded;
  let active: Command | undefined;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  program.hook('preSubcommand', (_parent, sub) => {
    active = sub;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(err, active ?? program, io);
  }
}

function buildProgram(io: CliIo, setExit: (code: ExitCode) => void): Command {
  const program = new Command('async-api')
    .description('Start, watch and stop executions of the async HTTP API (POST /start-execution, /describe-execution, /stop-execution).')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      // Usage errors are reported as one line by reportError; commander's own text is dropped.
      writeErr: () => undefined,
      outputError: () => undefined,
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText('after', `${EXIT_CODES_HELP}\n\nRun \`async-api <command> --help\` for a command's options; docs/client.md has examples.`);

  withConnectionOptions(
    program.command('start').description('Start an execution and print {"executionArn", "startDate", "attached"}.')
  )
    .addOption(inputOption())
    .addOption(nameOption())
    .addOption(stateMachineOption())
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options: StartFlags, command: Command) => {
      setExit(await startCommand(options, command, io));
    });

  withConnectionOptions(
    program
      .command('describe')
      .description('Print the execution\'s description as JSON.')
      .argument('<executionArn>', 'execution ARN', parseExecutionArn)
  )
    .option('--output-only', "print only the execution's output")
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (arn: string, options: DescribeFlags, command: Command) => {
      setExit(await describeCommand(arn, options, command, io));
    });

  withConnectionOptions(
    program.command('stop').description('Stop a running execution.').argument('<executionArn>', 'execution ARN', parseExecutionArn)
  )
    .option('--error <code>', 'error code recorded on the stopped execution')
    .option('--cause <text>', 'cause recorded on the stopped execution')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (arn: string, options: StopFlags, command: Command) => {
      setExit(await stopCommand(arn, options, command, io));
    });

  withWaitOptions(
    withConnectionOptions(
      program
        .command('wait')
        .description('Wait until the execution ends; print its final description as JSON.')
        .argument('<executionArn>', 'execution ARN', parseExecutionArn)
    )
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (arn: string, options: WaitFlags, command: Command) => {
      setExit(await waitCommand(arn, options, command, io, undefined));
    });

  withWaitOptions(
    withConnectionOptions(program.command('run').description('Start an execution, then wait for it (re-attaches by --name).'))
  )
    .addOption(inputOption())
    .addOption(nameOption())
    .addOption(stateMachineOption())
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options: RunFlags, command: Command) => {
      setExit(await runCommand(options, command, io));
    });

  return program;
}

interface ConnectionFlags {
  endpoint?: string;
  auth?: string;
  region?: string;
  profile?: string;
  token?: string;
  outputsFile?: string;
  stack?: string;
}
interface StartFlags extends ConnectionFlags {
  input?: string;
  name?: string;
  stateMachineArn?: string;
}
interface DescribeFlags extends ConnectionFlags {
  outputOnly?: boolean;
}
interface StopFlags extends ConnectionFlags {
  error?: string;
  cause?: string;
}
interface WaitFlags extends ConnectionFlags {
  timeout: number;
  maxInterval: number;
  outputOnly?: boolean;
  quiet?: boolean;
  stopOnInterrupt?: boolean;
}
interface RunFlags extends WaitFlags, StartFlags {}

function withConnectionOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'API base URL (default: $ASYNC_API_ENDPOINT, else api_endpoint from the outputs file)')
    .addOption(
      new Option('--auth <mode>', 'authorisation (default: $ASYNC_API_AUTH, else api_auth from the outputs file, else iam)').choices([
        'iam',
        'jwt',
        'none',
      ])
    )
    .option('--region <region>', 'region for SigV4 (default: $AWS_REGION, $AWS_DEFAULT_REGION, outputs\' region, endpoint host)')
    .option('--profile <name>', 'AWS profile for credentials (default: the standard credential chain)')
    .option('--token <jwt>', 'bearer token for --auth jwt (default: $ASYNC_API_TOKEN)')
    .option('--outputs-file <path>', 'outputs file written by `cdktf output` (default: cdktf.outputs.json)')
    .option('--stack <id>', 'stack of the outputs file to use when it has several');
}

function withWaitOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--timeout <duration>', 'give up waiting after this long, exit 5 (e.g. 90s, 15m, 2h)')
        .argParser(parseDuration)
        .default(DEFAULT_TIMEOUT_MS, '60m')
    )
    .addOption(
      new Option('--max-interval <duration>', 'longest pause between polls')
        .argParser(parseDuration)
        .default(DEFAULT_SCHEDULE.maxIntervalMs, '20s')
    )
    .option('--output-only', "print only the execution's output instead of the whole description")
    .option('-q, --quiet', 'no progress on stderr')
    .option('--stop-on-interrupt', 'on Ctrl-C also stop the execution');
}

function inputOption(): Option {
  return new Option('--input <json|@file|->', 'execution input: JSON text, @file, or - for stdin (default: {})');
}

function nameOption(): Option {
  return new Option('--name <name>', 'execution name (default: a random UUID); an existing execution of that name is re-attached').argParser(
    (value: string) => {
      const problem = executionNameProblem(value);
      if (problem) throw new InvalidArgumentError(`An execution name ${problem}.`);
      return value;
    }
  );
}

function stateMachineOption(): Option {
  return new Option('--state-machine-arn <arn>', 'state machine ARN, to attach by --name (default: state_machine_arn from the outputs file)');
}

async function startCommand(flags: StartFlags, _command: Command, io: CliIo): Promise<ExitCode> {
  const input = await readInput(flags.input, io);
  const connection = connect(flags, io);
  const client = await buildClient(connection, io);
  const started = await startNamed(client, connection, flags, input, io);
  if (started.attached) io.stderr.write(`async-api: ${attachedNote(started, 'not starting another')}\n`);
  printJson(io, { executionArn: started.executionArn, startDate: started.startDate ?? null, attached: started.attached });
  return ExitCode.Succeeded;
}

async function describeCommand(arn: string, flags: DescribeFlags, _command: Command, io: CliIo): Promise<ExitCode> {
  const client = await buildClient(connect(flags, io), io);
  const { description } = await callWithRetries((signal) => client.describeExecution(arn, signal), retryIo(io));
  printJson(io, flags.outputOnly ? description.output : description);
  return ExitCode.Succeeded;
}

async function stopCommand(arn: string, flags: StopFlags, _command: Command, io: CliIo): Promise<ExitCode> {
  const client = await buildClient(connect(flags, io), io);
  const request = { executionArn: arn, error: flags.error, cause: flags.cause };
  const { stopDate } = await callWithRetries((signal) => client.stopExecution(request, signal), retryIo(io));
  printJson(io, { executionArn: arn, stopDate: Number.isFinite(stopDate) ? stopDate : null });
  return ExitCode.Succeeded;
}

async function runCommand(flags: RunFlags, command: Command, io: CliIo): Promise<ExitCode> {
  const input = await readInput(flags.input, io);
  const connection = connect(flags, io);
  const client = await buildClient(connection, io);
  const now = io.now ?? Date.now;
  const sentAtMs = now();
  const started = await startNamed(client, connection, flags, input, io);
  const times = { sentAtMs, arrivedAtMs: now(), wallAtArrivalMs: (io.wallClock ?? Date.now)() };
  if (started.attached && !flags.quiet) io.stderr.write(`async-api: ${attachedNote(started, 'attaching to it')}\n`);
  return waitCommand(started.executionArn, flags, command, io, client, waitAfterStart(started, times, minIntervalFor(flags)));
}

/** Starts with a name (given or generated) so that retries are safe; see {@link startOrAttach}. */
function startNamed(client: ApiClient, connection: Connection, flags: StartFlags, input: unknown, io: CliIo): Promise<StartOrAttachResult> {
  return startOrAttach((request) => callWithRetries((signal) => client.startExecution(request, signal), retryIo(io)), {
    input,
    name: flags.name,
    stateMachineArn: connection.stateMachineArn,
    newName: io.newName,
  });
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

async function waitCommand(
  arn: string,
  flags: WaitFlags,
  command: Command,
  io: CliIo,
  existingClient: ApiClient | undefined,
  afterStart: Pick<WaitOptions, 'startedAtMs' | 'firstPollAfterMs'> = {}
): Promise<ExitCode> {
  const client = existingClient ?? (await buildClient(connect(flags, io), io));
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

  const took = `after ${formatDuration(result.elapsedMs)} (${result.requests} requests)`;
  const description = result.detail;
  switch (result.outcome) {
    case WaitOutcome.Succeeded:
    case WaitOutcome.Failed:
    case WaitOutcome.TimedOut:
    case WaitOutcome.Aborted: {
      const failure = description?.error || description?.cause ? `: ${[description.error, description.cause].filter(Boolean).join(': ')}` : '';
      progress.finish(`${result.outcome} ${took}${failure}`, result.outcome === WaitOutcome.Succeeded);
      if (!flags.outputOnly) printJson(io, description);
      else if (result.outcome === WaitOutcome.Succeeded) printJson(io, description?.output ?? null);
      return OUTCOME_EXIT[result.outcome];
    }
    case WaitOutcome.DeadlinePassed: {
      progress.finish(`still ${result.status ?? 'not visible'} ${took}; --timeout passed`, false);
      if (description && !flags.outputOnly) printJson(io, description);
      io.stderr.write(`async-api: deadline passed; the execution is still running. Re-attach with: ${reattachCommand(arn, command)}\n`);
      return ExitCode.DeadlinePassed;
    }
    case WaitOutcome.Interrupted: {
      progress.clear();
      if (flags.stopOnInterrupt) {
        await stopAfterInterrupt(client, arn, io);
        return ExitCode.Interrupted;
      }
      io.stderr.write(`async-api: interrupted; the execution keeps running. Re-attach with: ${reattachCommand(arn, command)}\n`);
      return ExitCode.Interrupted;
    }
    case WaitOutcome.Error: {
      progress.clear();
      const message = result.error?.message ?? 'unknown error';
      io.stderr.write(`async-api: ${message.includes(arn) ? message : `${message} (${arn})`}\n`);
      return ExitCode.ApiError;
    }
  }
}

const OUTCOME_EXIT: Readonly<Record<WaitOutcome.Succeeded | WaitOutcome.Failed | WaitOutcome.TimedOut | WaitOutcome.Aborted, ExitCode>> = {
  [WaitOutcome.Succeeded]: ExitCode.Succeeded,
  [WaitOutcome.Failed]: ExitCode.Failed,
  [WaitOutcome.TimedOut]: ExitCode.TimedOut,
  [WaitOutcome.Aborted]: ExitCode.Aborted,
};

async function stopAfterInterrupt(client: ApiClient, arn: string, io: CliIo): Promise<void> {
  try {
    await callWithRetries((signal) => client.stopExecution({ executionArn: arn, cause: 'interrupted (async-api --stop-on-interrupt)' }, signal), {
      ...retryIo(io),
      maxRetries: 2,
    });
    io.stderr.write(`async-api: interrupted; stopped ${arn}\n`);
  } catch (err) {
    io.stderr.write(`async-api: interrupted; stopping ${arn} failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

function retryIo(io: CliIo): { sleep?: CliIo['sleep']; random?: CliIo['random'] } {
  return { sleep: io.sleep, random: io.random };
}

function connect(flags: ConnectionFlags & { stateMachineArn?: string }, io: CliIo): Connection {
  const settings: ConnectionSettings = {
    endpoint: flags.endpoint,
    auth: flags.auth,
    region: flags.region,
    token: flags.token,
    profile: flags.profile,
    outputsFile: flags.outputsFile,
    stack: flags.stack,
    stateMachineArn: flags.stateMachineArn,
  };
  return resolveConnection({ settings, env: io.env, cwd: io.cwd });
}

async function buildClient(connection: Connection, io: CliIo): Promise<ApiClient> {
  let auth: Auth;
  if (connection.auth === 'iam') {
    const region = connection.region as string;
    const credentials = io.credentials ?? (await defaultCredentials(io.env));
    auth = { mode: 'iam', region, credentials: credentials({ profile: connection.profile, region }) };
  } else if (connection.auth === 'jwt') {
    auth = { mode: 'jwt', token: connection.token as string };
  } else {
    auth = { mode: 'none' };
  }
  return new ApiClient({ endpoint: connection.endpoint, auth, fetch: io.fetch });
}

/**
 * The SDK's chain (env, SSO, shared files, process, container, instance), loaded only for iam. Its
 * env step reads `process.env`, so that step is done here on the CLI's own `env`, with the chain's
 * rule: static keys count only when no profile is chosen (--profile or AWS_PROFILE).
 */
async function defaultCredentials(env: CliIo['env']): Promise<NonNullable<CliIo['credentials']>> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return ({ profile, region }) => {
    const chosenProfile = profile ?? nonEmpty(env.AWS_PROFILE);
    const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
    const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
    if (chosenProfile === undefined && accessKeyId !== undefined && secretAccessKey !== undefined) {
      const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
      return async () => ({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) });
    }
    return fromNodeProviderChain({ profile: chosenProfile, clientConfig: { region } });
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

async function readInput(spec: string | undefined, io: CliIo): Promise<unknown> {
  if (spec === undefined) return {};
  let text: string;
  let source: string;
  if (spec === '-') {
    if (!io.stdin) throw new UsageError('--input - needs stdin, which is not available');
    text = await readAll(io.stdin);
    source = 'from stdin';
  } else if (spec.startsWith('@')) {
    const path = resolve(io.cwd, spec.slice(1));
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new UsageError(`--input ${spec}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}); pass JSON text, @file or - for stdin`);
    }
    source = `in ${path}`;
  } else {
    text = spec;
    source = 'text';
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--input ${source} is not valid JSON (${err instanceof Error ? err.message : String(err)}); pass JSON text, @file or - for stdin`);
  }
}

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function parseExecutionArn(value: string): string {
  if (!isExecutionArn(value)) throw new InvalidArgumentError(`Expected an execution ARN like ${EXECUTION_ARN_FORMAT}.`);
  return value;
}

/** `90` (seconds), `500ms`, `90s`, `1.5m`, `2h` → milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'] : NaN;
  if (!(ms > 0)) throw new InvalidArgumentError('Expected a duration > 0 like 90 (seconds), 90s, 15m, 2h or 500ms.');
  return ms;
}

function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value ?? null, null, 2)}\n`);
}

/** The `wait` command that picks up where this one left, with the connection flags given on the command line. */
function reattachCommand(arn: string, command: Command): string {
  const parts = ['async-api', 'wait', arn];
  const flags: Array<[string, string]> = [
    ['endpoint', '--endpoint'],
    ['auth', '--auth'],
    ['region', '--region'],
    ['profile', '--profile'],
    ['outputsFile', '--outputs-file'],
    ['stack', '--stack'],
  ];
  for (const [key, flag] of flags) {
    if (command.getOptionValueSource(key) === 'cli') parts.push(flag, String(command.getOptionValue(key)));
  }
  if (command.getOptionValue('outputOnly')) parts.push('--output-only');
  // A token on the command line is not repeated in a message that may end up in a log.
  const note = command.getOptionValueSource('token') === 'cli' ? ' (plus your --token)' : '';
  return parts.map(shellQuote).join(' ') + note;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function reportError(err: unknown, command: Command, io: CliIo): ExitCode {
  const line = (text: string): void => {
    io.stderr.write(`async-api: ${text.replace(/\s*\n\s*/g, ' ')}\n`);
  };
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.Succeeded;
    line(usageLine(err, command));
    return ExitCode.Usage;
  }
  if (err instanceof UsageError || err instanceof ConfigError) {
    line(err.message);
    return ExitCode.Usage;
  }
  if (err instanceof ApiError) {
    const status = err.status === undefined ? '' : ` (HTTP ${err.status}${err.code ? ` ${err.code}` : ''})`;
    line(`${err.message}${status}`);
    return ExitCode.ApiError;
  }
  if (err instanceof AuthError || (err instanceof Error && err.name === 'CredentialsProviderError')) {
    line(err.message);
    return ExitCode.ApiError;
  }
  line(`unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  return ExitCode.ApiError;
}

/** One line: commander's complaint plus what the command accepts. */
function usageLine(err: CommanderError, command: Command): string {
  const what = err.message
    .replace(/^error:\s*/i, '')
    .replace(/\(Did you mean/, '(did you mean')
    .replace(/\.\s*$/, '');
  const path = command.name() === 'async-api' ? 'async-api' : `async-api ${command.name()}`;
  switch (err.code) {
    case 'commander.help':
      return `missing command; commands: ${COMMANDS.join(', ')} (see async-api --help)`;
    case 'commander.unknownCommand':
      return `${what}; commands: ${COMMANDS.join(', ')}`;
    case 'commander.unknownOption': {
      const accepted = command.options.map((option) => option.long ?? option.short).filter(Boolean);
      return `${what}; ${path} accepts ${[...accepted, '--help'].join(', ')}`;
    }
    case 'commander.missingArgument':
    case 'commander.excessArguments':
      return `${what}; usage: ${path} ${command.usage()}`;
    default:
      return `${what} (see ${path} --help)`;
  }
}
