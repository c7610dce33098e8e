/**
 * Error names the prime counter's functions throw. The ASL (statemachine/prime-counter.asl.json)
 * catches them by name, so the ASL and the tests use these constants rather than retyping them.
 */
export const PrimeCounterErrors = {
  /** The execution input is unusable; retrying the same input fails the same way. */
  InvalidInput: 'PrimeCounter.InvalidInput',
} as const;

/** One of the {@link PrimeCounterErrors} values. */
export type PrimeCounterErrorName = (typeof PrimeCounterErrors)[keyof typeof PrimeCounterErrors];

/** An error the prime counter throws on purpose; its `name` is one of {@link PrimeCounterErrors}. */
export class PrimeCounterError extends Error {
  constructor(
    override readonly name: PrimeCounterErrorName,
    message: string,
  ) {
    super(message);
  }
}
