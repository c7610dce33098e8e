/**
 * The endpoint file of a running `npm start`: the local runtime writes it into its data folder
 * (`.local/endpoint.json` by default) once it listens, and removes it when it stops; the client reads
 * it when neither `--endpoint`, `ASYNC_API_ENDPOINT` nor an outputs file names an API, so a
 * documented `npx async-api run --job <name>` works next to `npm start` as written. One module owns
 * the format, for the writer and the reader alike.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../lambda-src/shared/config-error';
import { readIfExists } from './outputs-file';

/** The file's name inside the runtime's data folder. */
export const LOCAL_ENDPOINT_FILE = 'endpoint.json';
/** The data folder `npm start` uses unless `LOCAL_DATA_DIR` says otherwise, relative to the checkout. */
export const DEFAULT_LOCAL_DATA_DIR = '.local';

/** What the runtime says about itself. */
export interface LocalEndpoint {
  readonly endpoint: string;
  /** The auth mode its routes really use (`iam` for AWS_IAM routes). */
  readonly auth: 'iam' | 'jwt' | 'none';
  readonly region: string;
  /** The runtime's own key pair (`credentials.json`), the only one its AWS_IAM routes accept from a developer. */
  readonly credentialsFile: string;
  /** The runtime's process: a file left behind by one that no longer runs is ignored. */
  readonly pid: number;
  /** Where it was read from (set by {@link readLocalEndpoint}). */
  readonly file?: string;
}

/** Writes the endpoint file into `dataDir`; returns its path. */
export function writeLocalEndpoint(dataDir: string, endpoint: Omit<LocalEndpoint, 'file'>): string {
  const file = join(dataDir, LOCAL_ENDPOINT_FILE);
  writeFileSync(file, `${JSON.stringify(endpoint, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/**
 * Removes the endpoint file of `dataDir` if it is still this process's. Never throws: it runs as the
 * runtime stops, before the runtime is closed, and a file that is not an endpoint file is no one's.
 */
export function removeLocalEndpoint(dataDir: string, pid: number): void {
  const file = join(dataDir, LOCAL_ENDPOINT_FILE);
  let owner: number | undefined;
  try {
    owner = parse(readIfExists(file), file)?.pid;
  } catch {
    return;
  }
  if (owner === pid) rmSync(file, { force: true });
}

/**
 * The endpoint file under `<cwd>/.local/`, or undefined when there is none or its runtime has stopped
 * (`isAlive(pid)` false). A file that exists but is not one is an error naming it.
 */
export function readLocalEndpoint(
  cwd: string,
  isAlive: (pid: number) => boolean = processIsAlive,
  readFile: (path: string) => string | undefined = readIfExists,
): LocalEndpoint | undefined {
  const file = resolve(cwd, DEFAULT_LOCAL_DATA_DIR, LOCAL_ENDPOINT_FILE);
  const found = parse(readFile(file), file);
  return found && isAlive(found.pid) ? found : undefined;
}

function parse(text: string | undefined, file: string): LocalEndpoint | undefined {
  if (text === undefined) return undefined;
  let value: Partial<Record<keyof LocalEndpoint, unknown>> | undefined;
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    value = undefined;
  }
  const { endpoint, auth, region, credentialsFile, pid } = value ?? {};
  if (
    typeof endpoint !== 'string' ||
    (auth !== 'iam' && auth !== 'jwt' && auth !== 'none') ||
    typeof region !== 'string' ||
    typeof credentialsFile !== 'string' ||
    !Number.isInteger(pid)
  ) {
    throw new ConfigError(`${file} is not an endpoint file of npm start; remove it, or restart npm start`);
  }
  return { endpoint, auth, region, credentialsFile, pid: pid as number, file };
}

/** Whether a process runs (signal 0 checks without signalling; EPERM: it runs as another user). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The runtime's developer key pair from its `credentials.json`. */
export function readLocalCredentials(file: string): { accessKeyId: string; secretAccessKey: string } {
  let value: Record<string, unknown> | undefined;
  try {
    value = JSON.parse(readIfExists(file) ?? 'null') as typeof value;
  } catch {
    // A truncated or hand-edited file is answered as a missing key pair, naming the file.
  }
  if (typeof value?.['accessKeyId'] !== 'string' || typeof value['secretAccessKey'] !== 'string')
    throw new ConfigError(`${file} holds no key pair of npm start; restart npm start`);
  return { accessKeyId: value['accessKeyId'], secretAccessKey: value['secretAccessKey'] };
}
