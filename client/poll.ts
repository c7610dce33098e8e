/**
 * The polling core: observes an execution until it ends, the deadline passes, the caller aborts or
 * errors persist. Pure apart from what is injected (observe, clock, sleep, random), so tests run it
 * on a virtual clock. Modelled on smithy's util-waiter: outcome enum, options validated up front,
 * deadline checked before each sleep, AbortSignal throughout.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { RUNNING_STATUSES } from '../lambda-src/shared/step-functions-arn';
import {
  DEFAULT_SCHEDULE,
  pollIntervalMs,
  requireFinite,
  retryBackoffMs,
  type ScheduleOptions,
  validateSchedule,
  withRetryAfter,
} from './schedule';

/** How a wait ended. The first four are the execution's own terminal statuses. */
export enum WaitOutcome {
  Succeeded = 'SUCCEEDED',
  Failed = 'FAILED',
  TimedOut = 'TIMED_OUT',
  Aborted = 'ABORTED',
  /** The caller's deadline passed while the execution was still running. */
  DeadlinePassed = 'DEADLINE_PASSED',
  /** The caller's AbortSignal fired (e.g. Ctrl-C); the execution was left alone. */
  Interrupted = 'INTERRUPTED',
  /** A non-retryable error, retries exhausted, an unknown status, or not found after the grace period. */
  Error = 'ERROR',
}

export { RUNNING_STATUSES };

const TERMINAL: Readonly<Record<string, WaitOutcome>> = {
  SUCCEEDED: WaitOutcome.Succeeded,
  FAILED: WaitOutcome.Failed,
  TIMED_OUT: WaitOutcome.TimedOut,
  ABORTED: WaitOutcome.Aborted,
};

/**
 * What one look at the execution found. Anything `observe` throws is treated as fatal
 * ({@link WaitOutcome.Error}), except an abort of the caller's signal.
 */
export type Observation<D> =
  | {
      readonly kind: 'status';
      readonly status: string;
      readonly detail: D;
      readonly retryAfterMs?: number;
      /**
       * How long the execution had been running when this answer was produced (from its start
       * date). The first such age fixes when the execution started, unless
       * {@link PollOptions.startedAtMs} already says so.
       */
      readonly ageMs?: number;
    }
  /** 404: normal for a moment right after a start, fatal after {@link PollOptions.notFoundGraceMs}. */
  | { readonly kind: 'not-found'; readonly message: string }
  /** 429, 5xx, network error or timeout: retried with back-off up to {@link PollOptions.maxRetries} times in a row. */
  | { readonly kind: 'retryable'; readonly message: string; readonly retryAfterMs?: number };

/** Reported after every observation, e.g. to drive a spinner. */
export interface PollProgress<D> {
  readonly elapsedMs: number;
  readonly requests: number;
  readonly observation: Observation<D>;
  /** Pause before the next look; absent when the wait is over. */
  readonly nextPollMs?: number;
}

/** Options of {@link pollExecution}. Durations in milliseconds. */
export interface PollOptions<D> extends Partial<ScheduleOptions> {
  /** Looks at the execution once; must honour the signal. */
  readonly observe: (signal: AbortSignal) => Promise<Observation<D>>;
  /** Give up (outcome DeadlinePassed) once this much time has passed. Required: every wait ends. */
  readonly timeoutMs: number;
  /**
   * When the execution started, on the `now` clock; may lie before the wait. The schedule's elapsed
   * time counts from here, so the time an execution has already run counts as waited. Default: the
   * start implied by the first observation's `ageMs`, else when the wait began.
   */
  readonly startedAtMs?: number;
  /**
   * Age at which to look first: the first pause ends this long after `startedAtMs` (after the wait's
   * start without it), and never past the deadline. Default 0: look at once. A caller that has just
   * started the execution passes the minimum interval: an earlier look could only say RUNNING.
   */
  readonly firstPollAfterMs?: number;
  /** Consecutive retryable failures tolerated before giving up. Default 4 (five attempts). */
  readonly maxRetries?: number;
  /** How long after the wait begins a 404 still means "not visible yet". Default 10 000. */
  readonly notFoundGraceMs?: number;
  /** Stops the wait (outcome Interrupted). */
  readonly signal?: AbortSignal;
  /** Clock in ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Pause that rejects when the signal aborts. Default `timers/promises.setTimeout`. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Called after each observation. Exceptions from it propagate. */
  readonly onProgress?: (progress: PollProgress<D>) => void;
}

/** Result of {@link pollExecution}. */
export interface PollResult<D> {
  readonly outcome: WaitOutcome;
  /** Last status seen, if any. */
  readonly status?: string;
  /** Detail of the last status seen (e.g. the execution's description). */
  readonly detail?: D;
  /** Why the outcome is Error. */
  readonly error?: Error;
  /** Number of `observe` calls. */
  readonly requests: number;
  readonly elapsedMs: number;
}

/** Defaults of the non-schedule options. */
export const POLL_DEFAULTS = { maxRetries: 4, notFoundGraceMs: 10_000 } as const;

/**
 * Polls until the execution reaches a terminal status, the deadline passes, the signal aborts or
 * errors persist. Never throws for those; see {@link WaitOutcome}.
 *
 * @throws RangeError/TypeError before the first request when an option is invalid (the message
 *   names the field).
 */
export async function pollExecution<D>(options: PollOptions<D>): Promise<PollResult<D>> {
  const config = validatePollOptions(options);
  const { observe, now, sleep, random, signal, onProgress } = config;
  const waitStartedAt = now();
  const deadline = waitStartedAt + config.timeoutMs;
  // When the execution started: the schedule's origin. Until it is known, the wait's own start.
  let executionStartedAt = config.startedAtMs;
  const scheduleElapsed = (): number => now() - (executionStartedAt ?? waitStartedAt);
  // Guards against an injected clock that does not advance: each pause is at least half the
  // minimum interval, so a correct clock reaches the deadline well before this many requests.
  const maxRequests = Math.ceil(config.timeoutMs / (config.minIntervalMs / 2)) + config.maxRetries + 2;

  let requests = 0;
  let failures = 0;
  let last: { status: string; detail: D } | undefined;
  const result = (outcome: WaitOutcome, error?: Error): PollResult<D> => ({
    outcome,
    status: last?.status,
    detail: last?.detail,
    error,
    requests,
    elapsedMs: now() - waitStartedAt,
  });

  const firstPauseMs = Math.min(config.firstPollAfterMs - scheduleElapsed(), config.timeoutMs);
  if (firstPauseMs > 0) {
    try {
      await sleep(firstPauseMs, signal);
    } catch (err) {
      if (signal.aborted) return result(WaitOutcome.Interrupted);
      throw err;
    }
  }

  for (;;) {
    if (signal.aborted) return result(WaitOutcome.Interrupted);
    if (requests >= maxRequests) {
      return result(WaitOutcome.Error, new Error(`gave up after ${requests} requests: the clock did not advance`));
    }
    requests += 1;
    let observation: Observation<D>;
    try {
      observation = await observe(signal);
    } catch (err) {
      if (signal.aborted) return result(WaitOutcome.Interrupted);
      return result(WaitOutcome.Error, asError(err));
    }
    const elapsedMs = now() - waitStartedAt;

    let pauseMs: number;
    switch (observation.kind) {
      case 'status': {
        failures = 0;
        last = { status: observation.status, detail: observation.detail };
        if (executionStartedAt === undefined && observation.ageMs !== undefined && Number.isFinite(observation.ageMs)) {
          // A negative age means the server's clock is ahead of ours: count it as just started.
          executionStartedAt = now() - Math.max(0, observation.ageMs);
        }
        const terminal = TERMINAL[observation.status];
        if (terminal !== undefined) {
          onProgress?.({ elapsedMs, requests, observation });
          return result(terminal);
        }
        if (!RUNNING_STATUSES.has(observation.status)) {
          onProgress?.({ elapsedMs, requests, observation });
          return result(
            WaitOutcome.Error,
            new Error(`unexpected execution status ${JSON.stringify(observation.status)}`),
          );
        }
        pauseMs = withRetryAfter(pollIntervalMs(scheduleElapsed(), random, config), observation.retryAfterMs, config);
        break;
      }
      case 'not-found': {
        // A grace of 0 means none: the first 404 is final.
        if (elapsedMs > config.notFoundGraceMs || config.notFoundGraceMs === 0) {
          onProgress?.({ elapsedMs, requests, observation });
          return result(WaitOutcome.Error, new Error(observation.message));
        }
        pauseMs = pollIntervalMs(scheduleElapsed(), random, config);
        break;
      }
      case 'retryable': {
        failures += 1;
        if (failures > config.maxRetries) {
          onProgress?.({ elapsedMs, requests, observation });
          return result(WaitOutcome.Error, new Error(`${observation.message} (gave up after ${failures} attempts)`));
        }
        pauseMs = withRetryAfter(retryBackoffMs(failures, random, config), observation.retryAfterMs, config);
        break;
      }
    }

    // Deadline before sleeping: the last pause is cut short so one final look happens at the deadline.
    const remainingMs = deadline - now();
    if (remainingMs <= 0) {
      onProgress?.({ elapsedMs, requests, observation });
      return result(WaitOutcome.DeadlinePassed);
    }
    pauseMs = Math.min(pauseMs, remainingMs);
    onProgress?.({ elapsedMs, requests, observation, nextPollMs: pauseMs });
    try {
      await sleep(pauseMs, signal);
    } catch (err) {
      if (signal.aborted) return result(WaitOutcome.Interrupted);
      throw err;
    }
  }
}

interface ValidPollOptions<D> extends ScheduleOptions {
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

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
