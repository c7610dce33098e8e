/**
 * Bounded retries for single calls (start, describe, stop), sharing the back-off of the polling core.
 */
import { ApiError } from './api';
import { defaultSleep } from './poll';
import { DEFAULT_SCHEDULE, retryBackoffMs, type ScheduleOptions, withRetryAfter } from './schedule';

/** Options of {@link callWithRetries}. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 4. */
  readonly maxRetries?: number;
  /** Which errors to retry. Default: {@link ApiError.retryable}. */
  readonly shouldRetry?: (err: unknown) => boolean;
  readonly schedule?: ScheduleOptions;
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Calls `fn` until it succeeds, throws a non-retryable error, or `maxRetries` retries failed;
 * the last error is rethrown. Honours `Retry-After` up to the schedule's max interval.
 */
export async function callWithRetries<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxRetries = options.maxRetries ?? 4;
  const shouldRetry = options.shouldRetry ?? ((err: unknown) => err instanceof ApiError && err.retryable);
  const schedule = options.schedule ?? DEFAULT_SCHEDULE;
  const signal = options.signal ?? new AbortController().signal;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(signal);
    } catch (err) {
      if (signal.aborted || attempt > maxRetries || !shouldRetry(err)) throw err;
      const retryAfterMs = err instanceof ApiError ? err.retryAfterMs : undefined;
      await sleep(withRetryAfter(retryBackoffMs(attempt, random, schedule), retryAfterMs, schedule), signal);
    }
  }
}
