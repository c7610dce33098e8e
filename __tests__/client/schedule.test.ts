import {
  DEFAULT_SCHEDULE,
  pollCeilingMs,
  pollIntervalMs,
  retryBackoffMs,
  validateSchedule,
  withRetryAfter,
} from '../../client/schedule';

const LOWEST = (): number => 0;
const HIGHEST = (): number => 0.999_999;

describe('pollCeilingMs', () => {
  it.each([
    [0, 1_000],
    [3_999, 1_000],
    [30_000, 7_500],
    [79_999, 19_999.75],
    [600_000, 20_000],
  ])('after the execution has run %d ms allows at most %d ms', (elapsed, expected) => {
    // Act
    const ceiling = pollCeilingMs(elapsed, DEFAULT_SCHEDULE);

    // Assess
    expect(ceiling).toBeCloseTo(expected, 2);
  });

  it('keeps an end inside the next pause within 25 % of the job length, however early in the pause it ends', () => {
    // Prepare: ages across the growing phase
    for (let elapsed = 4_000; elapsed < 80_000; elapsed += 777) {
      // Act
      const pause = pollCeilingMs(elapsed, DEFAULT_SCHEDULE);

      // Assess: worst case is a job ending right after the look at `elapsed`, i.e. a job of length `elapsed`
      expect(pause).toBeLessThanOrEqual(0.25 * elapsed + 1e-9);
    }
  });
});

describe('pollIntervalMs (jitter)', () => {
  it('draws below the cap from [max(min, 90 % of the ceiling), ceiling]', () => {
    // Prepare
    const elapsed = 40_000;

    // Act
    const low = pollIntervalMs(elapsed, LOWEST, DEFAULT_SCHEDULE);
    const high = pollIntervalMs(elapsed, HIGHEST, DEFAULT_SCHEDULE);

    // Assess
    expect(low).toBeCloseTo(9_000, 6);
    expect(high).toBeCloseTo(10_000, 0);
    expect(high).toBeLessThanOrEqual(10_000);
  });

  it('never goes below the minimum interval while the ceiling is small', () => {
    // Act
    const pause = pollIntervalMs(1_500, LOWEST, DEFAULT_SCHEDULE);

    // Assess
    expect(pause).toBe(1_000);
  });

  it('runs the tail at exactly the max interval', () => {
    // Act
    const pauses = [80_000, 300_000, 899_000].map((elapsed) => pollIntervalMs(elapsed, LOWEST, DEFAULT_SCHEDULE));

    // Assess
    expect(pauses).toEqual([20_000, 20_000, 20_000]);
  });

  it('stays inside the ceiling for out-of-range random values', () => {
    // Act
    const pauses = [-1, 2, Number.NaN].map((value) => pollIntervalMs(40_000, () => value, DEFAULT_SCHEDULE));

    // Assess
    for (const pause of pauses) {
      expect(pause).toBeGreaterThanOrEqual(9_000);
      expect(pause).toBeLessThanOrEqual(10_000);
    }
  });
});

describe('retryBackoffMs', () => {
  it('doubles from the minimum interval up to the max interval, with equal jitter', () => {
    // Act
    const highs = [1, 2, 3, 4, 5, 6].map((attempt) => retryBackoffMs(attempt, LOWEST, DEFAULT_SCHEDULE));
    const lows = [1, 2, 3, 4, 5, 6].map((attempt) => retryBackoffMs(attempt, HIGHEST, DEFAULT_SCHEDULE));

    // Assess
    expect(highs).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 20_000]);
    for (const [index, low] of lows.entries()) expect(low).toBeCloseTo(highs[index] / 2, 0);
  });
});

describe('withRetryAfter', () => {
  it('waits at least as long as the server asks', () => {
    expect(withRetryAfter(1_000, 7_000, DEFAULT_SCHEDULE)).toBe(7_000);
  });

  it('never waits longer than the max interval for a server hint', () => {
    expect(withRetryAfter(1_000, 120_000, DEFAULT_SCHEDULE)).toBe(20_000);
  });

  it('keeps its own pause when the server asks for less or nothing', () => {
    expect(withRetryAfter(5_000, 2_000, DEFAULT_SCHEDULE)).toBe(5_000);
    expect(withRetryAfter(5_000, undefined, DEFAULT_SCHEDULE)).toBe(5_000);
  });
});

describe('validateSchedule', () => {
  it.each([
    [{ ...DEFAULT_SCHEDULE, minIntervalMs: 0 }, /minIntervalMs/],
    [{ ...DEFAULT_SCHEDULE, maxIntervalMs: 500 }, /maxIntervalMs must be >= minIntervalMs \(1000\); got 500/],
    [{ ...DEFAULT_SCHEDULE, jitter: 1 }, /jitter must be a fraction in \[0, 1\); got 1/],
    [{ ...DEFAULT_SCHEDULE, maxIntervalMs: Number.NaN }, /maxIntervalMs/],
  ])('rejects %p naming the field', (options, message) => {
    expect(() => validateSchedule(options)).toThrow(message);
  });
});
