/**
 * Which Retry or Catch entry applies to an error, and how long a retrier waits (ASL spec "Error
 * handling"; AWS's defaults: MaxAttempts 3, IntervalSeconds 1, BackoffRate 2, JitterStrategy NONE).
 */

// Terminal errors that `States.ALL` does not match (AWS "Error names").
const NOT_MATCHED_BY_ALL = new Set(['States.Runtime', 'States.DataLimitExceeded']);

/** Whether an `ErrorEquals` list matches the error. */
export function errorMatches(errorEquals: readonly unknown[], error: string | undefined): boolean {
  const name = error ?? '';
  return errorEquals.some((e) => {
    if (e === name) return true;
    if (e === 'States.ALL') return !NOT_MATCHED_BY_ALL.has(name);
    if (e === 'States.TaskFailed') return name !== 'States.Timeout' && !NOT_MATCHED_BY_ALL.has(name);
    return false;
  });
}

/** The index of the first Retry/Catch entry matching the error, or -1. */
export function matchingIndex(entries: readonly Record<string, unknown>[], error: string | undefined): number {
  return entries.findIndex((entry) => errorMatches((entry['ErrorEquals'] as unknown[] | undefined) ?? [], error));
}

/** The delay before the `attempt`-th retry (1-based) of a retrier, in milliseconds. */
export function retryDelayMs(
  retrier: Readonly<Record<string, unknown>>,
  attempt: number,
  random = Math.random,
): number {
  const interval = typeof retrier['IntervalSeconds'] === 'number' ? retrier['IntervalSeconds'] : 1;
  const rate = typeof retrier['BackoffRate'] === 'number' ? retrier['BackoffRate'] : 2;
  let seconds = interval * rate ** (attempt - 1);
  if (typeof retrier['MaxDelaySeconds'] === 'number') seconds = Math.min(seconds, retrier['MaxDelaySeconds']);
  if (retrier['JitterStrategy'] === 'FULL') seconds = random() * seconds;
  return seconds * 1000;
}
