import { median, percentile, summarize } from '../../bench/stats';

describe('percentile and median', () => {
  it('interpolates between the middle values of an even-sized sample', () => {
    // Prepare: unsorted on purpose; the middle two of [1, 2, 4, 10] are 2 and 4
    const values = [10, 2, 4, 1];

    // Act
    const m = median(values);

    // Assess
    expect(m).toBe(3);
  });

  it('returns the middle value of an odd-sized sample and does not reorder the input', () => {
    // Prepare
    const values = [5, 1, 9, 3, 7];

    // Act
    const m = median(values);

    // Assess
    expect(m).toBe(5);
    expect(values).toEqual([5, 1, 9, 3, 7]);
  });

  it('interpolates linearly between closest ranks (type 7)', () => {
    // Prepare: 11 values 0..100 step 10, so rank = q × 10 lands between ranks for q = 0.95
    const values = Array.from({ length: 11 }, (_, i) => i * 10);

    // Act / Assess: rank 9.5 → halfway between 90 and 100; the ends are the extremes
    expect(percentile(values, 0.95)).toBeCloseTo(95, 10);
    expect(percentile(values, 0)).toBe(0);
    expect(percentile(values, 1)).toBe(100);
  });

  it.each([[[]], [[1, Number.NaN]], [[1, Number.POSITIVE_INFINITY]]])(
    'refuses a sample it cannot summarize: %p',
    (values) => {
      // Act / Assess
      expect(() => median(values)).toThrow(RangeError);
    },
  );

  it.each([-0.1, 1.5, Number.NaN])('refuses q = %p', (q) => {
    // Act / Assess
    expect(() => percentile([1, 2, 3], q)).toThrow(/q must be between 0 and 1/);
  });
});

describe('summarize', () => {
  it('reports median, extremes and 10th/90th percentiles', () => {
    // Prepare: 1..10 shuffled
    const values = [7, 3, 10, 1, 5, 9, 2, 8, 6, 4];

    // Act
    const s = summarize(values);

    // Assess: type-7 ranks 0.9 and 8.1 → 1.9 and 9.1
    expect(s).toEqual({
      n: 10,
      median: 5.5,
      min: 1,
      max: 10,
      p10: expect.closeTo(1.9, 10),
      p90: expect.closeTo(9.1, 10),
    });
  });

  it('summarizes a single run as that value', () => {
    // Act
    const s = summarize([2.4]);

    // Assess
    expect(s).toEqual({ n: 1, median: 2.4, min: 2.4, max: 2.4, p10: 2.4, p90: 2.4 });
  });
});
