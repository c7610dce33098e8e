/**
 * Keeps a jest worker small without replacing it (__tests__/setup.ts calls this after every test file).
 *
 * jest replaces a worker whose heap is past `workerIdleMemoryLimit` after a test file, and it reads
 * the heap as V8 reports it, garbage included. V8 collects the old generation lazily, so a worker's
 * heap grew by about 5 MB a file and every worker of the inner loop was replaced or grew past 400 MB
 * of RSS, though what a file leaves alive is 50-85 MB (issue 22, `node --expose-gc`). A replacement
 * costs more than a collection: the fresh process loads and compiles cdktf, the providers and our
 * stacks again, about 0.9 s of CPU before its first file runs at full speed. So a worker whose heap is
 * at {@link COLLECT_AT_BYTES} or more after a file collects its garbage once, and jest's limit
 * (jest.config.js) only replaces a worker that keeps more than that alive. The whole suite (`npm test`)
 * lets workers grow to 1 GB and collect from 768 MB: collecting at 150 MB after its heavy runtime files
 * cost 9 s of CPU there.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Heap in use after a test file from which the worker collects its garbage. */
export const COLLECT_AT_BYTES = 150 * 1024 * 1024;

/** The variable `npm test` (scripts/test.cjs) sets when it lets workers grow to 1 GB. */
export const COLLECT_AT_VARIABLE = 'ASYNC_API_JEST_COLLECT_AT_MB';

/**
 * The heap from which a worker collects: {@link COLLECT_AT_VARIABLE} in MB when set, else
 * {@link COLLECT_AT_BYTES}.
 * @throws Error naming the variable when it is set to anything but a positive whole number
 */
export function collectAt(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env[COLLECT_AT_VARIABLE];
  if (raw === undefined) return COLLECT_AT_BYTES;
  if (!/^[1-9]\d*$/.test(raw))
    throw new Error(`${COLLECT_AT_VARIABLE}="${raw}" is invalid: expected a positive whole number of MB`);
  return Number(raw) * 1024 * 1024;
}

let collector: (() => void) | undefined;

/** V8's full collection, reachable without `--expose-gc` on the worker's command line (jest starts them). */
function collectGarbage(): void {
  if (collector === undefined) {
    setFlagsFromString('--expose-gc');
    collector = runInNewContext('gc') as () => void;
  }
  collector();
}

/**
 * Collects garbage when the heap in use is at `limit` or above; returns whether it did.
 * @param heapUsed the heap in use now (`process.memoryUsage().heapUsed`)
 */
export function collectAbove(
  limit: number = COLLECT_AT_BYTES,
  heapUsed: number = process.memoryUsage().heapUsed,
  collect: () => void = collectGarbage,
): boolean {
  if (heapUsed < limit) return false;
  collect();
  return true;
}
