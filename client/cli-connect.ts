/**
 * From the command line to an API client: resolves the connection (flags, environment, outputs
 * file, AWS profile), picks the credentials for SigV4, and words the hints that name the fix that
 * works when a call fails for a reason the user can correct.
 */

import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Command } from 'commander';
import { ApiClient, ApiError, type Auth } from './api';
import type { CliIo } from './cli-io';
import { CONNECTION_FLAGS, type GlobalFlags, type StartFlags } from './cli-options';
import { ConfigError, type Connection, isLoopback, resolveConnection } from './config';
import { readLocalCredentials, readLocalEndpoint } from './local-endpoint';
import { loadSharedProfiles, sharedFilePaths } from './profile';

/** Resolves the connection for a command's flags; see {@link resolveConnection}. */
export async function connect(
  flags: GlobalFlags & Partial<Pick<StartFlags, 'job' | 'stateMachineArn'>>,
  io: CliIo,
): Promise<Connection> {
  return resolveConnection({
    settings: {
      endpoint: flags.endpoint,
      auth: flags.auth,
      region: flags.region,
      token: flags.token,
      profile: flags.profile,
      outputsFile: flags.outputsFile,
      stack: flags.stack,
      stateMachineArn: flags.stateMachineArn,
      job: flags.job,
    },
    env: io.env,
    cwd: io.cwd,
    // Missing files count as empty; only iam looks at them (a profile's region and existence).
    profiles: await loadSharedProfiles(io.env),
    localEndpoint: () => readLocalEndpoint(io.cwd),
  });
}

/**
 * Resolves the connection for a command's flags, records it for the error report's hints, and builds
 * its client: the first step of every command that calls the API.
 */
export async function connectClient(
  flags: Parameters<typeof connect>[0],
  io: CliIo,
  context: { connection?: Connection },
): Promise<{ connection: Connection; client: ApiClient }> {
  const connection = await connect(flags, io);
  context.connection = connection;
  return { connection, client: await buildClient(connection, io) };
}

/** The API client for a connection, with SigV4 credentials for iam. */
export async function buildClient(connection: Connection, io: CliIo): Promise<ApiClient> {
  let auth: Auth;
  if (connection.auth === 'iam') {
    const region = connection.region as string;
    const { local } = connection;
    // npm start's AWS_IAM routes accept its own key pair only: whatever else is configured is not it.
    const credentials = local
      ? () => async () => readLocalCredentials(local.credentialsFile)
      : (io.credentials ?? (await defaultCredentials(io.env)));
    auth = {
      mode: 'iam',
      region,
      credentials: withHint(credentials({ profile: connection.profile, region }), connection),
    };
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
 * rule: static keys count only when no profile is chosen (--profile or AWS_PROFILE). The shared
 * files are the ones `env` names, as for the profile's region.
 */
async function defaultCredentials(env: CliIo['env']): Promise<NonNullable<CliIo['credentials']>> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const { configFile, credentialsFile } = sharedFilePaths(env);
  return ({ profile, region }) => {
    const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
    const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
    if (profile === undefined && accessKeyId !== undefined && secretAccessKey !== undefined) {
      const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
      return async () => ({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) });
    }
    return fromNodeProviderChain({
      profile,
      filepath: credentialsFile,
      configFilepath: configFile,
      clientConfig: { region },
    });
  };
}

/** A provider whose failure says how to give credentials, or that the API may need none. */
function withHint(provider: AwsCredentialIdentityProvider, connection: Connection): AwsCredentialIdentityProvider {
  return async (options) => {
    try {
      return await provider(options);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const fix =
        isLoopback(connection.endpoint) && connection.authSource === 'default'
          ? 'if the API has no authorisation (npm start with API_AUTH=NONE), pass --auth none; for AWS_IAM export the keys npm start prints'
          : 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile <name>, or run `aws sso login`';
      throw Object.assign(new Error(`${message.replace(/\.$/, '')}: ${fix}`), { name: 'CredentialsProviderError' });
    }
  };
}

/** An API refusal with a hint when the cause is likely the auth mode (a 401/403 to an unsigned request). */
export function apiErrorText(err: ApiError, connection: Connection | undefined): string {
  const status = err.status === undefined ? '' : ` (HTTP ${err.status}${err.code ? ` ${err.code}` : ''})`;
  const unsigned = connection !== undefined && connection.auth === 'none';
  const hint =
    unsigned && (err.status === 401 || err.status === 403)
      ? '; the API may want authorisation: --auth iam, or --auth jwt --token <jwt>'
      : '';
  return `${err.message}${status}${hint}`;
}

/**
 * The API's answer to an unknown job as a usage error naming the jobs it has (exit 2), as `--job`
 * is with an outputs file; undefined for any other error. The list route's 400 says
 * `job must be one of <a, b>; got "<job>"` (lambda-src/list-executions/handler.ts).
 */
export function unknownJobError(err: unknown, job: string): ConfigError | undefined {
  if (!(err instanceof ApiError) || err.status !== 400) return undefined;
  const known = /^job must be one of (.*); got /.exec(err.message)?.[1];
  return known === undefined
    ? undefined
    : new ConfigError(`no job ${JSON.stringify(job)} in this API; its jobs: ${known}`);
}

/**
 * Why a start of `job` was refused with 404 (no such route): asks the list route, whose answer names
 * the API's jobs; `err` itself when that does not tell.
 */
export async function explainMissingJob(client: ApiClient, job: string, err: ApiError): Promise<Error> {
  try {
    await client.listExecutions({ job, maxResults: 1 });
  } catch (listErr) {
    return unknownJobError(listErr, job) ?? err;
  }
  return err;
}

/**
 * The `wait` command that picks up where this one left, as it is run from this folder (`npx`): the
 * connection flags given on the command line, and the endpoint this one called when no flag named
 * it (it may have come from a variable or a file that the next shell does not have).
 */
export function reattachCommand(arn: string, command: Command, connection?: Connection): string {
  const parts = ['npx', 'async-api', 'wait', arn];
  for (const [key, flag] of CONNECTION_FLAGS) {
    if (command.getOptionValueSourceWithGlobals(key) === 'cli')
      parts.push(flag, String(command.optsWithGlobals()[key]));
    else if (key === 'endpoint' && connection) parts.push(flag, connection.endpoint);
  }
  // The re-attached wait prints its result the way this one would have.
  for (const [key, flag] of [
    ['output', '--output'],
    ['query', '--query'],
  ] as const) {
    if (command.getOptionValueSourceWithGlobals(key) === 'cli')
      parts.push(flag, String(command.optsWithGlobals()[key]));
  }
  if (command.getOptionValue('outputOnly')) parts.push('--output-only');
  // A token on the command line is not repeated in a message that may end up in a log.
  const note = command.getOptionValueSourceWithGlobals('token') === 'cli' ? ' (plus your --token)' : '';
  return parts.map(shellQuote).join(' ') + note;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
