/**
 * A failure inside an execution, as Step Functions names it: `error` is what `Retry`/`Catch`
 * match (`States.Runtime`, a function's `errorType`, ...), `cause` the text AWS shows.
 */
export class StatesError extends Error {
  constructor(
    readonly error: string | undefined,
    override readonly cause: string | undefined,
  ) {
    super(cause ?? error ?? 'failed');
    this.name = error ?? 'States.Failed';
  }
}

/**
 * A failure of the state's own data handling (a path, an expression, an intrinsic function): AWS
 * prefixes its cause with the state and the event it entered at, and records an `EvaluationFailed`
 * event when the failure is an expression's (`location` names the field).
 */
export class ProcessingError extends StatesError {
  constructor(
    error: string,
    cause: string,
    readonly location?: string,
  ) {
    super(error, cause);
  }
}

/** `States.Runtime`: something in the definition cannot be applied to the data (a path with no match, ...). */
export function runtimeError(cause: string): ProcessingError {
  return new ProcessingError('States.Runtime', cause);
}

/** Raised when the execution (or a Map iteration, a Parallel branch) is stopped; never caught by `Catch`. */
export class Aborted extends Error {}

/**
 * A controller that also aborts when `parent` does. `unlink` stops listening to `parent`: call it once
 * the work the controller stops is over, or a long execution's signal gathers a listener per use.
 */
export function linkedAbort(parent: AbortSignal): {
  readonly controller: AbortController;
  readonly unlink: () => void;
} {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  if (parent.aborted) controller.abort();
  else parent.addEventListener('abort', onAbort, { once: true });
  return { controller, unlink: () => parent.removeEventListener('abort', onAbort) };
}
