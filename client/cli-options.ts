/**
 * The `async-api` command line's options. Global options (connection, output, quiet) live on the
 * program, so, as with the AWS CLI, they may come before or after the command; each command adds
 * its own. Enum values are accepted in any case. Parsers throw commander's InvalidArgumentError, which
 * the CLI turns into one usage line (exit 2).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { jobNameProblem } from './api';
import { type AuthMode, ConfigError, parseAuthMode } from './config';
import { EXECUTION_ARN_FORMAT, executionNameProblem, isExecutionArn } from './execution';
import { OUTPUT_FORMATS, type OutputFormat, OutputOptionError, parseOutputFormat, queryProblem } from './output';
import { DEFAULT_SCHEDULE } from './schedule';

/** Default deadline of `wait`/`run`. */
export const DEFAULT_TIMEOUT_MS = 60 * 60_000;

/** Options every command accepts (before or after the command name). */
export interface GlobalFlags {
  endpoint?: string;
  auth?: AuthMode;
  region?: string;
  profile?: string;
  token?: string;
  outputsFile?: string;
  stack?: string;
  output: OutputFormat;
  query?: string;
  quiet?: boolean;
}
/** `start`'s options. */
export interface StartFlags extends GlobalFlags {
  input?: string;
  name?: string;
  job?: string;
  webhook?: string;
  stateMachineArn?: string;
}
/** `describe`'s options. */
export interface DescribeFlags extends GlobalFlags {
  outputOnly?: boolean;
}
/** `stop`'s options. */
export interface StopFlags extends GlobalFlags {
  error?: string;
  cause?: string;
}
/** `wait`'s options. */
export interface WaitFlags extends GlobalFlags {
  timeout: number;
  maxInterval: number;
  outputOnly?: boolean;
  stopOnInterrupt?: boolean;
}
/** `run`'s options. */
export interface RunFlags extends WaitFlags, StartFlags {}

/** Connection options, in the order the re-attach command repeats them: [property, flag]. */
export const CONNECTION_FLAGS: ReadonlyArray<readonly [keyof GlobalFlags, string]> = [
  ['endpoint', '--endpoint'],
  ['auth', '--auth'],
  ['region', '--region'],
  ['profile', '--profile'],
  ['outputsFile', '--outputs-file'],
  ['stack', '--stack'],
];

/** Adds the global options to the program. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('--endpoint <url>', 'API base URL (default: $ASYNC_API_ENDPOINT, else api_endpoint from the outputs file)')
    .addOption(
      new Option(
        '--auth <mode>',
        'authorisation: iam, jwt or none, any case (default: $ASYNC_API_AUTH, else api_auth from the outputs file, else iam)',
      ).argParser(parseAuthFlag),
    )
    .option(
      '--region <region>',
      "region for SigV4 (default: $AWS_REGION, $AWS_DEFAULT_REGION, outputs' region, endpoint host, profile's region)",
    )
    .option(
      '--profile <name>',
      'AWS profile for credentials and region (default: $AWS_PROFILE, else the standard credential chain)',
    )
    .option('--token <jwt>', 'bearer token for --auth jwt (default: $ASYNC_API_TOKEN)')
    .option('--outputs-file <path>', 'outputs file written by `cdktf output` (default: cdktf.outputs.json)')
    .option('--stack <id>', 'stack of the outputs file to use when it has several')
    .addOption(
      new Option('--output <format>', `output format: ${OUTPUT_FORMATS.join(', ')}, any case`)
        .argParser(parseOutputFlag)
        .default('json'),
    )
    .addOption(
      new Option('--query <expression>', 'JMESPath expression applied to the output, as the AWS CLI does').argParser(
        parseQueryFlag,
      ),
    )
    .option('-q, --quiet', 'no progress or notes on stderr (errors are still printed)');
}

/** `--timeout`, `--max-interval`, `--output-only`, `--stop-on-interrupt` for `wait` and `run`. */
export function addWaitOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--timeout <duration>', 'give up waiting after this long, exit 5 (e.g. 90s, 15m, 2h)')
        .argParser(parseDuration)
        .default(DEFAULT_TIMEOUT_MS, '60m'),
    )
    .addOption(
      new Option('--max-interval <duration>', 'longest pause between polls')
        .argParser(parseDuration)
        .default(DEFAULT_SCHEDULE.maxIntervalMs, '20s'),
    )
    .option('--output-only', "print only the execution's output instead of the whole description")
    .option('--stop-on-interrupt', 'on Ctrl-C also stop the execution');
}

/** `--input`, `--name`, `--job`, `--state-machine-arn` for `start` and `run`. */
export function addStartOptions(command: Command): Command {
  return command
    .addOption(new Option('--input <json|@file|->', 'execution input: JSON text, @file, or - for stdin (default: {})'))
    .addOption(
      new Option(
        '--name <name>',
        'execution name (default: a random UUID); an existing execution of that name is re-attached',
      ).argParser((value: string) => {
        const problem = executionNameProblem(value);
        if (problem) throw new InvalidArgumentError(`An execution name ${problem}.`);
        return value;
      }),
    )
    .addOption(
      new Option(
        '--job <name>',
        "the job to start: POST /<job>/start-execution (default: the API's default job, POST /start-execution)",
      ).argParser((value: string) => {
        const problem = jobNameProblem(value);
        if (problem) throw new InvalidArgumentError(`${problem}.`);
        return value;
      }),
    )
    .addOption(
      new Option(
        '--webhook <url>',
        'POST a signed event to this URL when the execution ends (POST /<job>/start-execution-with-webhook; docs/webhooks.md)',
      ).argParser(parseWebhookUrl),
    )
    .addOption(
      new Option(
        '--state-machine-arn <arn>',
        "state machine ARN, to attach by --name (default: the job's state_machine_arn from the outputs file)",
      ),
    );
}

/** `--webhook`'s parser: an absolute http(s) URL; which ones the API accepts is the API's to say. */
function parseWebhookUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:')
    throw new InvalidArgumentError('Expected an absolute URL such as https://example.com/hooks/async-api.');
  return value;
}

/** The `<executionArn>` argument's parser. */
export function parseExecutionArn(value: string): string {
  if (!isExecutionArn(value)) throw new InvalidArgumentError(`Expected an execution ARN like ${EXECUTION_ARN_FORMAT}.`);
  return value;
}

/** `90` (seconds), `500ms`, `90s`, `1.5m`, `2h` → milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const unit = (match?.[2] ?? 's') as 'ms' | 's' | 'm' | 'h';
  const ms = match ? Number(match[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit] : NaN;
  if (!(ms > 0)) throw new InvalidArgumentError('Expected a duration > 0 like 90 (seconds), 90s, 15m, 2h or 500ms.');
  return ms;
}

function parseAuthFlag(value: string): AuthMode {
  try {
    return parseAuthMode(value);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new InvalidArgumentError('Allowed choices are iam, jwt, none (any case; AWS_IAM as the stack outputs it).');
    throw err;
  }
}

function parseOutputFlag(value: string): OutputFormat {
  try {
    return parseOutputFormat(value);
  } catch (err) {
    if (err instanceof OutputOptionError)
      throw new InvalidArgumentError(`Allowed choices are ${OUTPUT_FORMATS.join(', ')} (any case).`);
    throw err;
  }
}

/** Checked here so that a typo fails before any request is sent. */
function parseQueryFlag(value: string): string {
  const problem = queryProblem(value);
  if (problem) throw new InvalidArgumentError(`Not a JMESPath expression: ${problem}.`);
  return value;
}
