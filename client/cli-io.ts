/**
 * What the `async-api` CLI sees of the world (streams, environment, clock) and what it answers
 * (exit codes). Kept apart from the commands so every CLI module can share them without cycles.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ProgressStream } from './progress';

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
  /** Environment variables; also where AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE come from. */
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

/** A mistake in the command line or its input: exit 2 with one line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

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

/** The JSON of `--input`: text, `@file` (relative to the working folder) or `-` for stdin; `{}` without one. */
export async function readInput(spec: string | undefined, io: CliIo): Promise<unknown> {
  if (spec === undefined) return {};
  let text: string;
  let source: string;
  if (spec === '-') {
    if (!io.stdin) throw new UsageError('--input - needs stdin, which is not available');
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk));
    text = Buffer.concat(chunks).toString('utf8');
    source = 'from stdin';
  } else if (spec.startsWith('@')) {
    const path = resolve(io.cwd, spec.slice(1));
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new UsageError(
        `--input ${spec}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}); pass JSON text, @file or - for stdin`,
      );
    }
    source = `in ${path}`;
  } else {
    text = spec;
    source = 'text';
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `--input ${source} is not valid JSON (${err instanceof Error ? err.message : String(err)}); pass JSON text, @file or - for stdin`,
    );
  }
}
