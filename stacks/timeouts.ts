/**
 * Timeout arithmetic over a rendered ASL definition: how long an execution can take at worst, so
 * that its `TimeoutSeconds` leaves room for every retry (docs/aws-behaviour.md, "Timeouts").
 */

interface Retrier {
  readonly MaxAttempts?: number;
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

interface State {
  readonly Type?: string;
  readonly TimeoutSeconds?: unknown;
  readonly Retry?: readonly Retrier[];
  readonly Seconds?: unknown;
  readonly Next?: string;
}

/** Thrown when the worst case cannot be bounded; the message names the state. */
export class TimeoutOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutOrderError';
  }
}

/**
 * Worst-case duration in seconds of one Task: every attempt runs until the task's `TimeoutSeconds`,
 * every retrier uses all its `MaxAttempts` (retriers count separately, so errors that alternate
 * exhaust them all), and every wait is the longest the backoff allows (no jitter). ASL defaults
 * apply to fields left out: MaxAttempts 3, IntervalSeconds 1, BackoffRate 2.0, no MaxDelaySeconds.
 */
export function taskWorstCaseSeconds(name: string, state: State): number {
  const timeout = state.TimeoutSeconds;
  if (typeof timeout !== 'number') {
    throw new TimeoutOrderError(`state "${name}" has no numeric TimeoutSeconds, so its worst case is unbounded (ASL's default is 99999999 s)`);
  }
  let attempts = 1;
  let waits = 0;
  for (const r of state.Retry ?? []) {
    const max = r.MaxAttempts ?? 3;
    attempts += max;
    for (let k = 0; k < max; k++) {
      const delay = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** k;
      waits += r.MaxDelaySeconds === undefined ? delay : Math.min(delay, r.MaxDelaySeconds);
    }
  }
  return attempts * timeout + waits;
}

/**
 * Worst-case duration in seconds of an execution of `definition`: the sum over its states (an upper
 * bound of any path, since a state machine without loops runs each state at most once). Task and
 * Wait states take time; Choice, Pass, Succeed and Fail take none.
 * @throws TimeoutOrderError for what cannot be bounded: a loop, a Task without a numeric timeout,
 *   a Wait on a path or timestamp, a Map or Parallel state (not modelled).
 */
export function worstCaseSeconds(definition: unknown): number {
  const states = (definition as { States?: Record<string, State> }).States ?? {};
  assertNoLoops(states, (definition as { StartAt?: string }).StartAt);
  let total = 0;
  for (const [name, state] of Object.entries(states)) {
    switch (state.Type) {
      case 'Task':
        total += taskWorstCaseSeconds(name, state);
        break;
      case 'Wait':
        if (typeof state.Seconds !== 'number') throw new TimeoutOrderError(`Wait state "${name}" has no fixed Seconds; its worst case is unbounded`);
        total += state.Seconds;
        break;
      case 'Choice':
      case 'Pass':
      case 'Succeed':
      case 'Fail':
        break;
      default:
        throw new TimeoutOrderError(`state "${name}" of type ${String(state.Type)} is not modelled; extend stacks/timeouts.ts`);
    }
  }
  return total;
}

/**
 * Slack added to the worst case for state transitions and the service's own latency between
 * attempts, which the arithmetic above does not count.
 */
export const EXECUTION_TIMEOUT_SLACK_SECONDS = 60;

/** The execution timeout for a definition: its worst case plus {@link EXECUTION_TIMEOUT_SLACK_SECONDS}. */
export function executionTimeoutSeconds(definition: unknown): number {
  return Math.ceil(worstCaseSeconds(definition)) + EXECUTION_TIMEOUT_SLACK_SECONDS;
}

function assertNoLoops(states: Record<string, State>, start: string | undefined): void {
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (path.includes(name)) throw new TimeoutOrderError(`states ${[...path, name].join(' -> ')} form a loop; its worst case is unbounded`);
    if (done.has(name) || !states[name]) return;
    const state = states[name] as State & { Choices?: { Next?: string }[]; Default?: string; Catch?: { Next?: string }[] };
    const next = [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)];
    for (const n of next) if (n) visit(n, [...path, name]);
    done.add(name);
  };
  if (start) visit(start, []);
}
