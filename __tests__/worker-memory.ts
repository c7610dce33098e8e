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
 * (jest.config.js) only replaces a worker that keeps more than that alive.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Heap in use after a test file from which the worker collects its garbage. */
export const COLLECT_AT_BYTES = 150 * 1024 * 1024;

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
