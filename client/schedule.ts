/**
 * The polling schedule as pure functions of elapsed time and a random number, so the bounds in
 * docs/client.md can be checked by arithmetic and by the simulation in `simulate.ts`.
 *
 * Bound we guarantee for the client's own schedule: a job that ends `T` after it started is noticed
 * at most `max(minInterval, DELAY_FRACTION × T)` late, and never more than `maxInterval` late.
 * "Elapsed" is the time since the execution started (its age), not since the client began to wait.
 * A pause that starts at age `e` ends at `e + I`; a job ending inside it, at `T ≥ e`, is noticed at
 * most `I` late, and `I ≤ DELAY_FRACTION × e ≤ DELAY_FRACTION × T`: hence {@link pollCeilingMs}.
 */

/** Fraction of the job's length that the detection delay may reach (above the minimum interval). */
export const DELAY_FRACTION = 0.25;

/** Tunables of the schedule, in milliseconds except `jitter`. */
export interface ScheduleOptions {
  /** Shortest pause between polls; also the first step of error back-off. */
  readonly minIntervalMs: number;
  /** Longest pause between polls, whatever the elapsed time or a server's `Retry-After`. */
  readonly maxIntervalMs: number;
  /** Fraction in [0, 1) by which a pause below the cap may be shortened at random. */
  readonly jitter: number;
}

/**
 * Defaults of {@link ScheduleOptions}: 1 s, 20 s, 10 %. More jitter costs requests: every pause
 * below the cap may be that much shorter, and a 15-minute job must stay within 60 describes
 * (20 % gives 61-62 in the worst case; see docs/client.md).
 */
export const DEFAULT_SCHEDULE: ScheduleOptions = { minIntervalMs: 1_000, maxIntervalMs: 20_000, jitter: 0.1 };

/**
 * Longest pause allowed once the execution has run `elapsedMs`: `clamp(elapsed / 4, min, max)`.
 * Longer would let a job that ends right after a look be noticed more than {@link DELAY_FRACTION}
 * of its length late.
 */
export function pollCeilingMs(elapsedMs: number, options: ScheduleOptions): number {
  return clamp(elapsedMs * DELAY_FRACTION, options.minIntervalMs, options.maxIntervalMs);
}

/**
 * Pause before the next poll, with `random()` in [0, 1).
 *
 * Below the cap the pause is drawn from `[max(min, ceiling × (1 − jitter)), ceiling]`, so it never
 * exceeds the ceiling (the delay bound holds for every draw) and clients started together drift
 * apart. At the cap it is exactly `maxIntervalMs`: the offsets gained while growing persist, and
 * shortening the long tail would cost requests (a 15-minute job stays within 60 polls only because
 * the tail runs at full length; see docs/client.md).
 *
 * @param elapsedMs how long the execution has run (see {@link pollCeilingMs}).
 */
export function pollIntervalMs(elapsedMs: number, random: () => number, options: ScheduleOptions): number {
  const ceiling = pollCeilingMs(elapsedMs, options);
  if (ceiling >= options.maxIntervalMs) return options.maxIntervalMs;
  const floor = Math.max(options.minIntervalMs, ceiling * (1 - options.jitter));
  return floor + (ceiling - floor) * unit(random());
}

/**
 * Pause before retry number `attempt` (1-based) after a throttle, a 5xx or a network error:
 * capped exponential back-off `min(max, min × 2^(attempt−1))` with "equal jitter" (between half and
 * all of the step), so retries spread out without ever collapsing to zero.
 */
export function retryBackoffMs(attempt: number, random: () => number, options: ScheduleOptions): number {
  const step = Math.min(options.maxIntervalMs, options.minIntervalMs * 2 ** Math.max(0, attempt - 1));
  return step * (1 - 0.5 * unit(random()));
}

/**
 * Honours a server's `Retry-After`: never poll sooner than asked, but never wait longer than
 * `maxIntervalMs` (the caller also stops at its deadline).
 */
export function withRetryAfter(pauseMs: number, retryAfterMs: number | undefined, options: ScheduleOptions): number {
  const asked = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? retryAfterMs : 0;
  return Math.min(options.maxIntervalMs, Math.max(pauseMs, asked));
}

/**
 * Checks schedule options, naming the offending field.
 * @throws RangeError when a value is out of range.
 */
export function validateSchedule(options: ScheduleOptions): void {
  requireFinite('minIntervalMs', options.minIntervalMs, 'a number of milliseconds > 0');
  if (options.minIntervalMs <= 0) throw new RangeError(`minIntervalMs must be > 0; got ${options.minIntervalMs}`);
  requireFinite('maxIntervalMs', options.maxIntervalMs, `a number of milliseconds >= minIntervalMs`);
  if (options.maxIntervalMs < options.minIntervalMs) {
    throw new RangeError(
      `maxIntervalMs must be >= minIntervalMs (${options.minIntervalMs}); got ${options.maxIntervalMs}`,
    );
  }
  requireFinite('jitter', options.jitter, 'a fraction in [0, 1)');
  if (options.jitter < 0 || options.jitter >= 1) {
    throw new RangeError(`jitter must be a fraction in [0, 1); got ${options.jitter}`);
  }
}

/** @throws RangeError naming `field` when `value` is not a finite number. */
export function requireFinite(field: string, value: unknown, accepted: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${field} must be ${accepted}; got ${String(value)}`);
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** An injected `random` that strays outside [0, 1) must not break the bounds. */
function unit(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
