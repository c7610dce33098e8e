/**
 * Resolves where and how to call the API from explicit settings, an environment map and the
 * outputs file `cdktf output` writes. Pure apart from the injected file reader; the CLI passes its
 * flags and environment in.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../lambda-src/shared/config-error';
import { jobNameProblem } from './api';
import type { LocalEndpoint } from './local-endpoint';
import { isRecord, loadStacks, pickStack, readIfExists, type Stack, sameEndpoint } from './outputs-file';
import { hasProfile, profileRegion, type SharedProfiles } from './profile';

/** Authorisation modes of the CLI. */
export type AuthMode = 'iam' | 'jwt' | 'none';

/** Accepted spellings of each mode (the stack's `api_auth` output uses the upper-case ones). */
const AUTH_ALIASES: Readonly<Record<string, AuthMode>> = {
  iam: 'iam',
  aws_iam: 'iam',
  jwt: 'jwt',
  none: 'none',
};

/** Default outputs file, relative to the working directory. */
export const DEFAULT_OUTPUTS_FILE = 'cdktf.outputs.json';

// A setting the user has to fix (exit code 2). The message says what was wrong and what is accepted.
export { ConfigError };

/** Explicit settings (CLI flags). */
export interface ConnectionSettings {
  readonly endpoint?: string;
  readonly auth?: string;
  readonly region?: string;
  readonly token?: string;
  readonly profile?: string;
  readonly outputsFile?: string;
  readonly stack?: string;
  readonly stateMachineArn?: string;
  /** Job to start (`POST /<job>/start-execution`); absent: the API's default job. */
  readonly job?: string;
}

/** Everything needed to build an API client. */
export interface Connection {
  readonly endpoint: string;
  readonly auth: AuthMode;
  /** Set for `iam`. */
  readonly region?: string;
  /** Set for `jwt`. */
  readonly token?: string;
  /** The chosen profile: settings, else `AWS_PROFILE`. */
  readonly profile?: string;
  /** For re-attaching by name; from settings or the outputs file (the job's own when a job is named). */
  readonly stateMachineArn?: string;
  /** The job to start; absent: the API's default job. */
  readonly job?: string;
  /** The API's default job, when the outputs file names it (`default_job`). */
  readonly defaultJob?: string;
  /** Where `auth` came from; `default` means nothing chose it (iam); `local` the endpoint file of `npm start`. */
  readonly authSource: 'settings' | 'env' | 'outputs' | 'local' | 'default';
  /** The endpoint file of `npm start` that supplied the endpoint; its key pair signs for iam. */
  readonly local?: LocalEndpoint;
  /** Outputs file and stack that supplied values, if any. */
  readonly outputs?: { readonly file: string; readonly stack: string };
}

/** Inputs of {@link resolveConnection}. */
export interface ResolveInputs {
  readonly settings: ConnectionSettings;
  /** Environment variables (the CLI passes its own). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base for a relative outputs file. */
  readonly cwd: string;
  /** Reads a file as UTF-8, or returns undefined when it does not exist. Default: fs. */
  readonly readFile?: (path: string) => string | undefined;
  /** The AWS shared config and credentials files, for a profile's region and existence (iam only). */
  readonly profiles?: SharedProfiles;
  /** The endpoint file of a running `npm start`, read only when nothing else names an endpoint. */
  readonly localEndpoint?: () => LocalEndpoint | undefined;
}

/**
 * Endpoint: settings, else `ASYNC_API_ENDPOINT`, else the outputs file's stack with `api_endpoint`,
 * else the endpoint file of a running `npm start` (client/local-endpoint.ts).
 * Auth: settings, else `ASYNC_API_AUTH`, else outputs' `api_auth`, else the endpoint file's, else iam.
 * Region (iam only): settings, else `AWS_REGION`/`AWS_DEFAULT_REGION`, else outputs' (or the endpoint
 * file's) `region`, else
 * the `execute-api.<region>.amazonaws.com` host, else the profile's `region` in the shared config
 * (the API's own region, where known, comes before a profile's default: a signature for another
 * region is refused). A chosen profile (settings or `AWS_PROFILE`) that neither shared file has is an
 * error naming it. Token (jwt): settings, else `ASYNC_API_TOKEN`. Job: the state machine ARN is the
 * job's own from the outputs' `jobs`; a job those outputs do not list is an error naming the known ones.
 *
 * The outputs file supplies auth/region/state machine only when it supplied the endpoint, names the
 * same endpoint, or was chosen explicitly (`outputsFile`/`stack`) — a stale default file must not
 * change how a different endpoint (say a local runtime) is called.
 *
 * @throws ConfigError with a one-line explanation.
 */
export function resolveConnection(inputs: ResolveInputs): Connection {
  const { settings, env } = inputs;
  const outputsPath = absolute(inputs.cwd, settings.outputsFile ?? DEFAULT_OUTPUTS_FILE);
  const { endpoint, stack, local } = findEndpoint(inputs, outputsPath);
  const outputs = stack?.values ?? {};

  const authChoices: Array<[Connection['authSource'], string | undefined]> = [
    ['settings', nonEmpty(settings.auth)],
    ['env', nonEmpty(env.ASYNC_API_AUTH)],
    ['outputs', stringValue(outputs.api_auth)],
    ['local', local?.auth],
  ];
  const [authSource, authText] = authChoices.find(([, value]) => value !== undefined) ?? ['default', 'iam'];
  const auth = parseAuthMode(authText as string);
  const job = nonEmpty(settings.job);
  const stateMachineArn =
    nonEmpty(settings.stateMachineArn) ?? machineOfJob(outputs, job, stack ? `${outputsPath} (stack ${stack.id})` : '');
  const profile = nonEmpty(settings.profile) ?? nonEmpty(env.AWS_PROFILE);
  const base = {
    endpoint,
    auth,
    authSource,
    profile,
    stateMachineArn,
    job,
    defaultJob: stringValue(outputs.default_job),
    outputs: stack ? { file: outputsPath, stack: stack.id } : undefined,
    ...(local ? { local } : {}),
  };

  if (auth === 'jwt') {
    const token = nonEmpty(settings.token) ?? nonEmpty(env.ASYNC_API_TOKEN);
    if (token === undefined)
      throw new ConfigError('--auth jwt needs a token: pass --token <jwt> or set ASYNC_API_TOKEN');
    return { ...base, token };
  }
  if (auth === 'none') return base;

  return { ...base, region: iamRegion(inputs, base, stack?.values ?? {}) };
}

/** Where the endpoint comes from, and the outputs-file stack or `npm start` file that goes with it. */
function findEndpoint(
  inputs: ResolveInputs,
  outputsPath: string,
): { endpoint: string; stack?: Stack; local?: LocalEndpoint } {
  const { settings, env } = inputs;
  const explicitOutputs = settings.outputsFile !== undefined || settings.stack !== undefined;
  const stacks = loadStacks(outputsPath, inputs.readFile ?? readIfExists, settings.outputsFile !== undefined);
  const givenEndpoint = nonEmpty(settings.endpoint) ?? nonEmpty(env.ASYNC_API_ENDPOINT);
  let stack = pickStack(stacks, settings.stack, givenEndpoint, outputsPath);
  if (
    givenEndpoint !== undefined &&
    stack !== undefined &&
    !explicitOutputs &&
    !sameEndpoint(stack.values.api_endpoint, givenEndpoint)
  ) {
    stack = undefined;
  }
  // npm start's file, as the outputs file: it supplies auth and region for the endpoint it names.
  let local = stack === undefined ? inputs.localEndpoint?.() : undefined;
  if (local && givenEndpoint !== undefined && !sameEndpoint(local.endpoint, givenEndpoint)) local = undefined;
  const endpoint = givenEndpoint ?? (stack ? String(stack.values.api_endpoint) : local?.endpoint);
  if (endpoint === undefined) {
    throw new ConfigError(
      `no API endpoint: pass --endpoint <url>, set ASYNC_API_ENDPOINT, write ${outputsPath} with \`cdktf output --outputs-file ${DEFAULT_OUTPUTS_FILE}\`, or run \`npm start\` in this folder`,
    );
  }
  checkEndpoint(endpoint);
  return { endpoint, ...(stack ? { stack } : {}), ...(local ? { local } : {}) };
}

/** The region SigV4 signs for (see {@link resolveConnection}); a chosen profile must exist. */
function iamRegion(
  inputs: ResolveInputs,
  connection: Pick<Connection, 'endpoint' | 'profile' | 'local' | 'authSource'>,
  outputs: Readonly<Record<string, unknown>>,
): string {
  const { settings, env, profiles } = inputs;
  const { endpoint, profile, local } = connection;
  if (profile !== undefined && local === undefined && profiles !== undefined && !hasProfile(profiles, profile)) {
    throw new ConfigError(
      `the profile ${JSON.stringify(profile)} is in neither ${profiles.configFile} nor ${profiles.credentialsFile}: create it with \`aws configure --profile ${profile}\`, or pick another with --profile (or AWS_PROFILE)`,
    );
  }
  const region =
    nonEmpty(settings.region) ??
    nonEmpty(env.AWS_REGION) ??
    nonEmpty(env.AWS_DEFAULT_REGION) ??
    stringValue(outputs.region) ??
    local?.region ??
    regionFromHost(endpoint) ??
    (profiles ? profileRegion(profiles, profile) : undefined);
  if (region === undefined) throw new ConfigError(noRegionHint(endpoint, connection.authSource === 'default'));
  return region;
}

/**
 * Why iam cannot sign here and the fix that works. A loopback endpoint is most likely `npm start`;
 * when iam was only the client's default, the runtime may well be `API_AUTH=NONE`, where the fix is
 * `--auth none` rather than a region, so that comes first.
 */
function noRegionHint(endpoint: string, iamByDefault: boolean): string {
  const host = new URL(endpoint).host;
  const region = 'pass --region <region> or set AWS_REGION (or a region in your profile)';
  if (isLoopback(endpoint) && iamByDefault) {
    return `${host} is a local API and the client signs with SigV4 (iam) by default, which needs a region: if the API has no authorisation (npm start with API_AUTH=NONE), pass --auth none; if it uses AWS_IAM, ${region}`;
  }
  return `--auth iam needs the API's region for SigV4 and ${host} does not name one: ${region}`;
}

/** True for http(s)://localhost, 127.x.x.x or [::1]. */
export function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The state machine of `job` from the outputs (`jobs.<job>.state_machine_arn`), or of the default
 * job (`state_machine_arn`) when no job is named or it is the `default_job`.
 * @throws ConfigError when the outputs list jobs and `job` is not one of them.
 */
function machineOfJob(
  outputs: Readonly<Record<string, unknown>>,
  job: string | undefined,
  where: string,
): string | undefined {
  if (job === undefined) return stringValue(outputs.state_machine_arn);
  const problem = jobNameProblem(job);
  if (problem) throw new ConfigError(`--job ${problem}`);
  const jobs = isRecord(outputs.jobs) ? outputs.jobs : undefined;
  if (jobs !== undefined && !Object.hasOwn(jobs, job)) {
    throw new ConfigError(
      `no job ${JSON.stringify(job)} in ${where}; its jobs: ${Object.keys(jobs).sort().join(', ') || 'none'}`,
    );
  }
  const entry = jobs?.[job];
  const own = isRecord(entry) ? stringValue(entry.state_machine_arn) : undefined;
  return own ?? (job === stringValue(outputs.default_job) ? stringValue(outputs.state_machine_arn) : undefined);
}

/**
 * Parses an auth mode: iam, jwt or none, case-insensitive; AWS_IAM and NONE as the stack outputs them.
 * @throws ConfigError naming the accepted values.
 */
export function parseAuthMode(value: string): AuthMode {
  const mode = AUTH_ALIASES[value.trim().toLowerCase()];
  if (mode === undefined) throw new ConfigError(`auth must be one of iam, jwt, none; got ${JSON.stringify(value)}`);
  return mode;
}

/** Region from an `…execute-api.<region>.amazonaws.com[.cn]` host, else undefined. */
export function regionFromHost(endpoint: string): string | undefined {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return undefined;
  }
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1];
}

function checkEndpoint(endpoint: string): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigError(
      `endpoint must be an http(s) URL such as https://abc123.execute-api.us-east-1.amazonaws.com; got ${JSON.stringify(endpoint)}`,
    );
  }
}

function absolute(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
