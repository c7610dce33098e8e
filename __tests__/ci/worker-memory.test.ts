/**
 * __tests__/worker-memory.ts: a jest worker collects its garbage after a file that left its heap at
 * the threshold or above, and only then.
 */
import { COLLECT_AT_BYTES, collectAbove } from '../worker-memory';

describe("a worker's collection after a test file", () => {
  it.each([
    ['one byte under the threshold', false, COLLECT_AT_BYTES - 1],
    ['at the threshold', true, COLLECT_AT_BYTES],
    ['one byte over it', true, COLLECT_AT_BYTES + 1],
  ])('%s: collects %s', (_label, collects, heapUsed) => {
    // Prepare
    const collect = jest.fn();

    // Act
    const collected = collectAbove(COLLECT_AT_BYTES, heapUsed, collect);

    // Assess
    expect(collected).toBe(collects);
    expect(collect).toHaveBeenCalledTimes(collects ? 1 : 0);
  });

  it("frees what nothing holds any more, with V8's own collector", () => {
    // Prepare: eight arrays of a million numbers, 8 MB each on the heap (V8 keeps each in its
    // large-object space until a full collection), then nothing holding them
    let held: number[][] | undefined = Array.from({ length: 8 }, (_, i) => new Array<number>(1_000_000).fill(i));
    expect(held).toHaveLength(8);
    held = undefined;
    const before = process.memoryUsage().heapUsed;

    // Act
    const collected = collectAbove(0);

    // Assess
    expect(collected).toBe(true);
    expect(held).toBeUndefined();
    expect(process.memoryUsage().heapUsed).toBeLessThan(before - 16 * 1024 * 1024);
  });
});
