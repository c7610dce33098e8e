/**
 * Timeout arithmetic over a rendered ASL definition: how long an execution can take at worst, every
 * retry included, so that its `TimeoutSeconds` is at least that (docs/aws-behaviour.md, "Timeouts").
 * The figure is exact without Map states; with one it is a lower bound (one iteration), because the
 * item count is known only at run time, so a Map job's own `executionTimeoutSeconds` may not leave
 * room for every retry of every item.
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
    throw new TimeoutOrderError(
      `state "${name}" has no numeric TimeoutSeconds, so its worst case is unbounded (ASL's default is 99999999 s)`,
    );
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

/** The worst case of a definition, and whether it is exact or only a lower bound. */
export interface WorstCase {
  readonly seconds: number;
  /**
   * Why `seconds` is only a lower bound, e.g. a Map state whose item count is known only at run time
   * (counted as one iteration at full concurrency); undefined when it is exact.
   */
  readonly lowerBoundBecause?: string;
}

/**
 * Worst-case duration in seconds of an execution of `definition`: the sum over its states (an upper
 * bound of any path, since a state machine without loops runs each state at most once). Task and
 * Wait states take time; Choice, Pass, Succeed and Fail take none.
 * @throws TimeoutOrderError for what cannot be bounded (a loop, a Task without a numeric timeout,
 *   a Wait on a path or timestamp), and for a Map state, whose worst case depends on its item count
 *   ({@link worstCase} gives a lower bound instead).
 */
export function worstCaseSeconds(definition: unknown): number {
  const worst = worstCase(definition);
  if (worst.lowerBoundBecause) throw new TimeoutOrderError(`${worst.lowerBoundBecause}; its worst case is unbounded`);
  return worst.seconds;
}

/**
 * {@link worstCaseSeconds}, with Map and Parallel states: a Parallel state takes its slowest branch,
 * a Map state one iteration (its item count is known only at run time, so the result is then a lower
 * bound, and says why); either one's own `Retry` repeats the whole, as a Task's does.
 * @throws TimeoutOrderError for a loop, a Task without a numeric timeout, or a Wait without fixed Seconds.
 */
export function worstCase(definition: unknown): WorstCase {
  const states = (definition as { States?: Record<string, State> }).States ?? {};
  assertNoLoops(states, (definition as { StartAt?: string }).StartAt);
  let total = 0;
  let lowerBoundBecause: string | undefined;
  for (const [name, state] of Object.entries(states)) {
    switch (state.Type) {
      case 'Task':
        total += taskWorstCaseSeconds(name, state);
        break;
      case 'Wait':
        if (typeof state.Seconds !== 'number')
          throw new TimeoutOrderError(`Wait state "${name}" has no fixed Seconds; its worst case is unbounded`);
        total += state.Seconds;
        break;
      case 'Choice':
      case 'Pass':
      case 'Succeed':
      case 'Fail':
        break;
      case 'Parallel':
      case 'Map': {
        const inner = state as State & { Branches?: unknown[]; ItemProcessor?: unknown; Iterator?: unknown };
        const parts = (
          state.Type === 'Parallel' ? (inner.Branches ?? []) : [inner.ItemProcessor ?? inner.Iterator ?? {}]
        ).map(worstCase);
        const once = Math.max(0, ...parts.map((p) => p.seconds));
        total += taskWorstCaseSeconds(name, { ...state, TimeoutSeconds: once });
        lowerBoundBecause ??= parts.find((p) => p.lowerBoundBecause)?.lowerBoundBecause;
        if (state.Type === 'Map')
          lowerBoundBecause ??= `Map state "${name}" runs once per item, and the item count is known only at run time`;
        break;
      }
      default:
        throw new TimeoutOrderError(
          `state "${name}" of type ${String(state.Type)} is not modelled; extend stacks/timeouts.ts`,
        );
    }
  }
  return lowerBoundBecause ? { seconds: total, lowerBoundBecause } : { seconds: total };
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
    if (path.includes(name))
      throw new TimeoutOrderError(`states ${[...path, name].join(' -> ')} form a loop; its worst case is unbounded`);
    if (done.has(name) || !states[name]) return;
    const state = states[name] as State & {
      Choices?: { Next?: string }[];
      Default?: string;
      Catch?: { Next?: string }[];
    };
    const next = [
      state.Next,
      state.Default,
      ...(state.Choices ?? []).map((c) => c.Next),
      ...(state.Catch ?? []).map((c) => c.Next),
    ];
    for (const n of next) if (n) visit(n, [...path, name]);
    done.add(name);
  };
  if (start) visit(start, []);
}
