/**
 * The outputs file `cdktf output --outputs-file` writes, as the client reads it: the stacks that have
 * an `api_endpoint`, and which of them a command means.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../lambda-src/shared/config-error';

/** A stack of the outputs file: its id and its outputs. */
export interface Stack {
  readonly id: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The stacks of the outputs file at `path` that have an `api_endpoint`; none when it does not exist and is not `required`. */
export function loadStacks(path: string, readFile: (path: string) => string | undefined, required: boolean): Stack[] {
  let text: string | undefined;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError(`cannot read outputs file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (text === undefined) {
    if (required)
      throw new ConfigError(
        `outputs file ${path} does not exist; write it with \`cdktf output --outputs-file <path>\``,
      );
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `outputs file ${path} is not JSON (${err instanceof Error ? err.message : String(err)}); expected {"<stack>": {"api_endpoint": "..."}}`,
    );
  }
  if (!isRecord(parsed))
    throw new ConfigError(`outputs file ${path} must hold a JSON object {"<stack>": {"api_endpoint": "..."}}`);
  return Object.entries(parsed)
    .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
    .filter(([, values]) => typeof values.api_endpoint === 'string')
    .map(([id, values]) => ({ id, values }));
}

/** The stack `wanted`, else the one serving `endpoint`, else the only one; several without a choice is an error. */
export function pickStack(
  stacks: Stack[],
  wanted: string | undefined,
  endpoint: string | undefined,
  path: string,
): Stack | undefined {
  if (wanted !== undefined) {
    const found = stacks.find((stack) => stack.id === wanted);
    if (!found) {
      const ids = stacks.map((stack) => stack.id).join(', ') || 'none';
      throw new ConfigError(`stack ${JSON.stringify(wanted)} has no api_endpoint in ${path}; stacks with one: ${ids}`);
    }
    return found;
  }
  if (endpoint !== undefined)
    return (
      stacks.find((stack) => sameEndpoint(stack.values.api_endpoint, endpoint)) ??
      (stacks.length === 1 ? stacks[0] : undefined)
    );
  if (stacks.length > 1) {
    throw new ConfigError(
      `${path} has several stacks with api_endpoint (${stacks.map((s) => s.id).join(', ')}); pick one with --stack <id>`,
    );
  }
  return stacks[0];
}

/** Whether an output names the same endpoint (trailing slashes aside). */
export function sameEndpoint(a: unknown, b: string): boolean {
  return typeof a === 'string' && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** Reads a file as UTF-8, or undefined when it does not exist. */
export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
