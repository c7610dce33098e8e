/**
 * __tests__/worker-memory.ts: a jest worker collects its garbage after a file that left its heap at
 * the threshold or above, and only then.
 */
import { COLLECT_AT_BYTES, collectAbove, collectAt } from '../worker-memory';

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

  it.each([
    ['unset', undefined, COLLECT_AT_BYTES],
    ['768', '768', 768 * 1024 * 1024],
    ['1', '1', 1024 * 1024],
  ])('collects from the heap ASYNC_API_JEST_COLLECT_AT_MB says (%s)', (_label, value, bytes) => {
    expect(collectAt({ ASYNC_API_JEST_COLLECT_AT_MB: value })).toBe(bytes);
  });

  it.each(['0', '-1', '1.5', '1e3', 'lots', ''])('refuses ASYNC_API_JEST_COLLECT_AT_MB=%p, naming it', (value) => {
    expect(() => collectAt({ ASYNC_API_JEST_COLLECT_AT_MB: value })).toThrow(
      `ASYNC_API_JEST_COLLECT_AT_MB="${value}" is invalid: expected a positive whole number of MB`,
    );
  });
});
