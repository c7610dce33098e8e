/**
 * Error names the ramen timer throws. Lambda reports a thrown error's `name` as its `errorType`, and a
 * state machine's `Retry`/`Catch` `ErrorEquals` matches that string, so the ASL and the tests must use
 * these constants rather than retyping them.
 *
 * Assumption (documented by AWS): "The name property of the Error object must match the ErrorEquals
 * value" — https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-handling-error-conditions.html
 */
export const RamenTimerErrors = {
  /**
   * The execution input is unusable: not a JSON object (or null), or its `seconds` is not a number from
   * 0 up to what fits in the invocation's remaining time. Retrying the same input fails the same way.
   */
  InvalidInput: 'RamenTimer.InvalidInput',
  /**
   * The configured default wait (`RAMEN_TIMER_SECONDS`) does not fit in the invocation's remaining time,
   * i.e. the function timeout is too short for its own default. A deployment problem; retrying does not help.
   */
  DefaultTooLong: 'RamenTimer.DefaultTooLong',
} as const;

/** One of the {@link RamenTimerErrors} values. */
export type RamenTimerErrorName = (typeof RamenTimerErrors)[keyof typeof RamenTimerErrors];

/** An error the ramen timer throws on purpose; its `name` is one of {@link RamenTimerErrors}. */
export class RamenTimerError extends Error {
  constructor(
    override readonly name: RamenTimerErrorName,
    message: string,
  ) {
    super(message);
  }
}
