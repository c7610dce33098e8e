/**
 * The few statistics the bench reports: median and percentiles of a handful of runs (or a few
 * hundred simulated trials), and a summary with the spread.
 */

/** Median, extremes and 10th/90th percentiles of a sample. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly p10: number;
  readonly p90: number;
}

/**
 * The `q`-quantile (0 ≤ q ≤ 1) by linear interpolation between closest ranks (type 7, the default of
 * R and NumPy), so the median of an even-sized sample is the mean of its middle two values.
 * @throws RangeError on an empty sample, a non-finite value or q outside [0, 1].
 */
export function percentile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be between 0 and 1; got ${q}`);
  const sorted = checkedSorted(values);
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (rank - lower);
}

/** The median (see {@link percentile}). */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** Median, min, max, p10 and p90 of a non-empty sample. */
export function summarize(values: readonly number[]): Summary {
  const sorted = checkedSorted(values);
  return {
    n: sorted.length,
    median: percentile(sorted, 0.5),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p10: percentile(sorted, 0.1),
    p90: percentile(sorted, 0.9),
  };
}

/** Rounds to `decimals` decimal places (default one), for figures printed as JSON. */
export function round(n: number, decimals = 1): number {
  const scale = 10 ** decimals;
  return Math.round(n * scale) / scale;
}

function checkedSorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError('cannot summarize an empty sample');
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new RangeError(`sample contains a non-finite value: ${bad}`);
  return [...values].sort((a, b) => a - b);
}
