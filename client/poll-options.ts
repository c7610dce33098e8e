/**
 * The polling core's options, checked before the first request (each message names the field), with
 * their defaults: apart from client/poll.ts so the loop reads on its own.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Observation, PollOptions, PollProgress } from './poll';
import { DEFAULT_SCHEDULE, requireFinite, type ScheduleOptions, validateSchedule } from './schedule';

/** Defaults of the non-schedule options. */
export const POLL_DEFAULTS = { maxRetries: 4, notFoundGraceMs: 10_000 } as const;

/** {@link PollOptions} with every default filled in. */
export interface ValidPollOptions<D> extends ScheduleOptions {
  readonly observe: (signal: AbortSignal) => Promise<Observation<D>>;
  readonly timeoutMs: number;
  readonly startedAtMs?: number;
  readonly firstPollAfterMs: number;
  readonly maxRetries: number;
  readonly notFoundGraceMs: number;
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly onProgress?: (progress: PollProgress<D>) => void;
}

/**
 * Fills defaults and checks every option, naming the field in the error.
 * @throws RangeError for an out-of-range number, TypeError for a missing function.
 */
export function validatePollOptions<D>(options: PollOptions<D>): ValidPollOptions<D> {
  if (typeof options.observe !== 'function') throw new TypeError('observe must be a function');
  requireFinite('timeoutMs', options.timeoutMs, 'a number of milliseconds > 0');
  if (options.timeoutMs <= 0) throw new RangeError(`timeoutMs must be > 0; got ${options.timeoutMs}`);
  const schedule: ScheduleOptions = {
    minIntervalMs: options.minIntervalMs ?? DEFAULT_SCHEDULE.minIntervalMs,
    maxIntervalMs: options.maxIntervalMs ?? DEFAULT_SCHEDULE.maxIntervalMs,
    jitter: options.jitter ?? DEFAULT_SCHEDULE.jitter,
  };
  validateSchedule(schedule);
  const maxRetries = options.maxRetries ?? POLL_DEFAULTS.maxRetries;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`maxRetries must be an integer >= 0; got ${String(maxRetries)}`);
  }
  if (options.startedAtMs !== undefined) requireFinite('startedAtMs', options.startedAtMs, 'a time on the `now` clock');
  const firstPollAfterMs = options.firstPollAfterMs ?? 0;
  requireFinite('firstPollAfterMs', firstPollAfterMs, 'a number of milliseconds >= 0');
  if (firstPollAfterMs < 0) throw new RangeError(`firstPollAfterMs must be >= 0; got ${firstPollAfterMs}`);
  const notFoundGraceMs = options.notFoundGraceMs ?? POLL_DEFAULTS.notFoundGraceMs;
  requireFinite('notFoundGraceMs', notFoundGraceMs, 'a number of milliseconds >= 0');
  if (notFoundGraceMs < 0) throw new RangeError(`notFoundGraceMs must be >= 0; got ${notFoundGraceMs}`);
  for (const field of ['now', 'sleep', 'random', 'onProgress'] as const) {
    if (options[field] !== undefined && typeof options[field] !== 'function') {
      throw new TypeError(`${field} must be a function`);
    }
  }
  return {
    ...schedule,
    observe: options.observe,
    timeoutMs: options.timeoutMs,
    startedAtMs: options.startedAtMs,
    firstPollAfterMs,
    maxRetries,
    notFoundGraceMs,
    signal: options.signal ?? new AbortController().signal,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    onProgress: options.onProgress,
  };
}

/** Real-time pause that rejects with an AbortError when `signal` aborts. */
export async function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  await sleepFor(ms, undefined, { signal });
}
