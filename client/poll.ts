/**
 * The polling core: observes an execution until it ends, the deadline passes, the caller aborts or
 * errors persist. Pure apart from what is injected (observe, clock, sleep, random), so tests run it
 * on a virtual clock. Modelled on smithy's util-waiter: outcome enum, options validated up front,
 * deadline checked before each sleep, AbortSignal throughout.
 */
import { RUNNING_STATUSES } from '../lambda-src/shared/step-functions-arn';
import { type ValidPollOptions, validatePollOptions } from './poll-options';
import { pollIntervalMs, retryBackoffMs, type ScheduleOptions, withRetryAfter } from './schedule';

export { defaultSleep, POLL_DEFAULTS, validatePollOptions } from './poll-options';

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

/**
 * Polls until the execution reaches a terminal status, the deadline passes, the signal aborts or
 * errors persist. Never throws for those; see {@link WaitOutcome}.
 *
 * @throws RangeError/TypeError before the first request when an option is invalid (the message
 *   names the field).
 */
export async function pollExecution<D>(options: PollOptions<D>): Promise<PollResult<D>> {
  const config = validatePollOptions(options);
  const { observe, now, sleep, signal, onProgress } = config;
  const waitStartedAt = now();
  const deadline = waitStartedAt + config.timeoutMs;
  // When the execution started (the schedule's origin; until it is known, the wait's own start),
  // consecutive failures and the last status seen: what one observation changes.
  const state: PollState<D> = { executionStartedAt: config.startedAtMs, failures: 0 };
  const scheduleElapsed = (): number => now() - (state.executionStartedAt ?? waitStartedAt);
  // Guards against an injected clock that does not advance: each pause is at least half the
  // minimum interval, so a correct clock reaches the deadline well before this many requests.
  const maxRequests = Math.ceil(config.timeoutMs / (config.minIntervalMs / 2)) + config.maxRetries + 2;

  let requests = 0;
  const result = (outcome: WaitOutcome, error?: Error): PollResult<D> => ({
    outcome,
    status: state.last?.status,
    detail: state.last?.detail,
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
    const verdict = judge(observation, elapsedMs, state, { config, now, scheduleElapsed });
    if ('end' in verdict) {
      onProgress?.({ elapsedMs, requests, observation });
      return result(verdict.end, verdict.error);
    }
    let pauseMs = verdict.pauseMs;

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

/** What one observation changes of a wait. */
interface PollState<D> {
  executionStartedAt: number | undefined;
  failures: number;
  last?: { status: string; detail: D };
}

/** What one observation means: the wait ends (with an error for {@link WaitOutcome.Error}), or the next pause. */
type Verdict = { readonly end: WaitOutcome; readonly error?: Error } | { readonly pauseMs: number };

function judge<D>(
  observation: Observation<D>,
  elapsedMs: number,
  state: PollState<D>,
  clock: { config: ValidPollOptions<D>; now: () => number; scheduleElapsed: () => number },
): Verdict {
  const { config, now, scheduleElapsed } = clock;
  switch (observation.kind) {
    case 'status': {
      state.failures = 0;
      state.last = { status: observation.status, detail: observation.detail };
      if (
        state.executionStartedAt === undefined &&
        observation.ageMs !== undefined &&
        Number.isFinite(observation.ageMs)
      ) {
        // A negative age means the server's clock is ahead of ours: count it as just started.
        state.executionStartedAt = now() - Math.max(0, observation.ageMs);
      }
      const terminal = TERMINAL[observation.status];
      if (terminal !== undefined) return { end: terminal };
      if (!RUNNING_STATUSES.has(observation.status))
        return {
          end: WaitOutcome.Error,
          error: new Error(`unexpected execution status ${JSON.stringify(observation.status)}`),
        };
      return {
        pauseMs: withRetryAfter(
          pollIntervalMs(scheduleElapsed(), config.random, config),
          observation.retryAfterMs,
          config,
        ),
      };
    }
    case 'not-found':
      // A grace of 0 means none: the first 404 is final.
      if (elapsedMs > config.notFoundGraceMs || config.notFoundGraceMs === 0)
        return { end: WaitOutcome.Error, error: new Error(observation.message) };
      return { pauseMs: pollIntervalMs(scheduleElapsed(), config.random, config) };
    case 'retryable':
      state.failures += 1;
      if (state.failures > config.maxRetries)
        return {
          end: WaitOutcome.Error,
          error: new Error(`${observation.message} (gave up after ${state.failures} attempts)`),
        };
      return {
        pauseMs: withRetryAfter(
          retryBackoffMs(state.failures, config.random, config),
          observation.retryAfterMs,
          config,
        ),
      };
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
