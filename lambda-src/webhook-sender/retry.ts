/** Outcome of {@link deliverWithRetry}. */
export type DeliveryOutcome =
  /** The receiver answered 2xx. */
  | { readonly kind: 'delivered'; readonly attempts: number; readonly status: number }
  /** The receiver answered a 4xx other than 408 and 429, or a 1xx/3xx: not worth repeating. */
  | { readonly kind: 'rejected'; readonly attempts: number; readonly status: number }
  /** Every attempt failed (5xx, 408, 429, timeout or no connection). */
  | { readonly kind: 'exhausted'; readonly attempts: number; readonly lastError: string };

/** One HTTP attempt: the status code, or throws on timeout / connection failure. */
export type Attempt = (attempt: number) => Promise<number>;

/** Retry schedule of {@link deliverWithRetry}. */
export interface RetryOptions {
  /** Attempts in all, at least 1. */
  readonly maxAttempts: number;
  /** Delay before the second attempt, milliseconds; doubled each time up to {@link maxDelayMs}. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Injected for tests. */
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1); injected for tests. Jitter spreads retries of many executions apart. */
  readonly random: () => number;
}

/** Whether a status is worth another attempt: 5xx, 408 Request Timeout and 429 Too Many Requests. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** Capped exponential backoff before attempt `attempt` (2, 3, …): between half the cap and the cap ("equal jitter"). */
export function backoffMs(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 2));
  return Math.round(cap / 2 + (cap / 2) * options.random());
}

/**
 * Runs `attempt` until a 2xx, a final 4xx or the attempts run out. Pure apart from the injected
 * sleep, so tests are instant.
 */
export async function deliverWithRetry(attempt: Attempt, options: RetryOptions): Promise<DeliveryOutcome> {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a whole number of at least 1; got ${options.maxAttempts}`);
  }
  let lastError = '';
  for (let n = 1; n <= options.maxAttempts; n++) {
    if (n > 1) await options.sleep(backoffMs(n, options));
    try {
      const status = await attempt(n);
      if (status >= 200 && status < 300) return { kind: 'delivered', attempts: n, status };
      // A redirect is not followed (it could lead into the VPC) and, like a 4xx, will not change on a repeat.
      if (!isRetryableStatus(status)) return { kind: 'rejected', attempts: n, status };
      lastError = `HTTP ${status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  return { kind: 'exhausted', attempts: options.maxAttempts, lastError };
}
