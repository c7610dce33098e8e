import type { Context } from 'aws-lambda';
import { ConfigError } from '../shared/config-error';
import { describeValue, isPlainObject } from '../shared/describe-value';
import { RamenTimerError, RamenTimerErrors } from './errors';

/** What the ramen timer returns once the wait is over. */
export const RAMEN_BOILED_MESSAGE = "The ramen is boiled. If you don't eat it quickly, it will grow.";

/** The worker's result, which becomes the Task state's output. */
export interface RamenTimerResult {
  readonly message: typeof RAMEN_BOILED_MESSAGE;
}

/** Time kept free before the function timeout so the function returns instead of being killed. */
export const DEFAULT_SAFETY_MARGIN_MS = 1_000;

/** Options of {@link createHandler}. */
export interface RamenTimerOptions {
  /** Seconds to wait when the input names none. Finite, >= 0. */
  readonly defaultSeconds: number;
  /** Waits `ms` milliseconds. Default: a `setTimeout` promise. Tests inject an instant one. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds left unused before the invocation's deadline. Default {@link DEFAULT_SAFETY_MARGIN_MS}. */
  readonly safetyMarginMs?: number;
}

/** The part of the Lambda context the worker uses. */
export type RamenTimerContext = Pick<Context, 'getRemainingTimeInMillis'>;

/** The worker's Lambda handler. */
export type RamenTimerHandler = (event: unknown, context: RamenTimerContext) => Promise<RamenTimerResult>;

// Global setTimeout rather than node:timers/promises so jest's fake timers can drive it. No timer for a
// 0 s wait: Node.js runs setTimeout(fn, 0) after at least 1 ms, a delay nobody asked for.
const realSleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the ramen timer handler.
 *
 * The event is the Step Functions execution input:
 * - `null`/absent, or an object without `seconds` → wait `defaultSeconds`;
 * - an object with `seconds` → wait that long; it must be a finite number >= 0 of at most the whole
 *   seconds that, plus the safety margin, fit in `context.getRemainingTimeInMillis()`;
 * - anything else (array, string, number, boolean) → {@link RamenTimerErrors.InvalidInput}: it is
 *   more likely a wiring mistake than a request for the default, so it is reported, not ignored.
 *
 * @throws RamenTimerError `RamenTimer.InvalidInput` for unusable input; `RamenTimer.DefaultTooLong` when
 *   the default does not fit in the remaining time.
 * @throws ConfigError at construction when `defaultSeconds` or `safetyMarginMs` is not a finite number >= 0.
 */
export function createHandler(options: RamenTimerOptions): RamenTimerHandler {
  const { defaultSeconds, sleep = realSleep, safetyMarginMs = DEFAULT_SAFETY_MARGIN_MS } = options;
  if (!isNonNegativeNumber(defaultSeconds)) {
    throw new ConfigError(`defaultSeconds must be a finite number >= 0; got ${describeValue(defaultSeconds)}`);
  }
  if (!isNonNegativeNumber(safetyMarginMs)) {
    throw new ConfigError(`safetyMarginMs must be a finite number >= 0; got ${describeValue(safetyMarginMs)}`);
  }

  return async (event, context) => {
    // A 0 s wait is always allowed, even when the deadline is already inside the margin.
    const budgetMs = Math.max(0, context.getRemainingTimeInMillis() - safetyMarginMs);
    // Whole seconds: the bound a caller reads (`from 0 to 898`) stays the same from one invocation to
    // the next, whereas the milliseconds left (898.996 s) differ each time.
    const maxSeconds = Math.floor(budgetMs / 1000);
    const requested = requestedSeconds(event);

    let seconds: number;
    if (requested === undefined) {
      if (defaultSeconds > maxSeconds) {
        throw new RamenTimerError(
          RamenTimerErrors.DefaultTooLong,
          `the default wait of ${defaultSeconds} s (RAMEN_TIMER_SECONDS) does not fit in the ${maxSeconds} s ` +
            'left before the function timeout; lower it or raise the timeout',
        );
      }
      seconds = defaultSeconds;
    } else {
      if (!isNonNegativeNumber(requested) || requested > maxSeconds) {
        throw new RamenTimerError(
          RamenTimerErrors.InvalidInput,
          `seconds must be a number from 0 to ${maxSeconds}; got ${describeValue(requested)}`,
        );
      }
      seconds = requested;
    }

    await sleep(seconds * 1000);
    return { message: RAMEN_BOILED_MESSAGE };
  };
}

/** `undefined` when the event asks for the default; the raw, unchecked `seconds` otherwise. */
function requestedSeconds(event: unknown): unknown {
  if (event === null || event === undefined) return undefined;
  if (!isPlainObject(event)) {
    throw new RamenTimerError(
      RamenTimerErrors.InvalidInput,
      `execution input must be a JSON object such as {"seconds": 3}, {} or null; got ${describeValue(event)}`,
    );
  }
  return Object.hasOwn(event, 'seconds') ? event.seconds : undefined;
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
