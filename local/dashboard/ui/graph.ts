/**
 * What the dashboard draws of a state machine, without drawing it: the graph of a definition's
 * top-level states (a Map or Parallel state is one node) and the status of each state in an
 * execution, read from its history. Pure, so the browser bundle and the tests share it.
 */

/** How a state went in one execution. */
export type StateStatus = 'running' | 'succeeded' | 'failed' | 'caught' | 'not-reached';

/** A node of the drawn graph: a state, or the start/end markers. */
export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** ASL type (`Task`, `Choice`, ...), or `Start`/`End` for the markers. */
  readonly type: string;
}

/** An edge; `kind` tells a Catch or a Choice branch from a plain transition. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'next' | 'choice' | 'default' | 'catch';
}

/** Ids of the start and end markers (no state may be named with a leading NUL). */
export const START = '\u0000start';
export const END = '\u0000end';

interface State {
  readonly Type?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly { readonly Next?: string }[];
  readonly Catch?: readonly { readonly Next?: string }[];
}

/** The nodes and edges of a definition's top-level states. */
export function graphOf(definition: unknown): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const def = definition as { StartAt?: string; States?: Record<string, State> };
  const states = def.States ?? {};
  const nodes: GraphNode[] = [{ id: START, label: 'Start', type: 'Start' }];
  const edges: GraphEdge[] = [];
  if (def.StartAt) edges.push({ from: START, to: def.StartAt, kind: 'next' });
  for (const [name, state] of Object.entries(states)) {
    nodes.push({ id: name, label: name, type: state.Type ?? 'Unknown' });
    if (state.Next) edges.push({ from: name, to: state.Next, kind: 'next' });
    if (state.End || state.Type === 'Succeed' || state.Type === 'Fail')
      edges.push({ from: name, to: END, kind: 'next' });
    for (const choice of state.Choices ?? [])
      if (choice.Next) edges.push({ from: name, to: choice.Next, kind: 'choice' });
    if (state.Default) edges.push({ from: name, to: state.Default, kind: 'default' });
    for (const catcher of state.Catch ?? [])
      if (catcher.Next) edges.push({ from: name, to: catcher.Next, kind: 'catch' });
  }
  nodes.push({ id: END, label: 'End', type: 'End' });
  // The same transition listed twice (two Choices to one state) is drawn once.
  const seen = new Set<string>();
  return {
    nodes,
    edges: edges.filter(
      (e) => !seen.has(`${e.from}\0${e.to}\0${e.kind}`) && !!seen.add(`${e.from}\0${e.to}\0${e.kind}`),
    ),
  };
}

/** A history event as GetExecutionHistory returns it (only the fields read here). */
export interface HistoryEventLike {
  readonly type: string;
  readonly stateEnteredEventDetails?: { readonly name: string };
  readonly stateExitedEventDetails?: { readonly name: string };
}

/** A state's work ended in an error (a task, a Map's or Parallel's whole run, an activity). */
const FAILURE_EVENT = /(Failed|TimedOut)$/;
/** ... or ended well (a retry that worked clears an earlier failure). */
const SUCCESS_EVENT = /Succeeded$/;

/**
 * Status of each top-level state in an execution. A state whose last attempt failed is `caught` when
 * it was left all the same (a Catch moved on: Step Functions writes its StateExited) or when the
 * execution went on to another top-level state; a state left without its exit event is `running`
 * while the execution runs, `succeeded` when it succeeded, and `failed` otherwise (failed, timed out,
 * stopped). A Fail state the execution reached is `failed`.
 */
export function stateStatuses(
  definition: unknown,
  events: readonly HistoryEventLike[],
  executionStatus: string,
): Map<string, StateStatus> {
  const names = Object.keys((definition as { States?: Record<string, unknown> }).States ?? {});
  const topLevel = new Set(names);
  const lastEntered = new Map<string, number>();
  const lastExited = new Map<string, number>();
  /** Top-level states whose current visit's last outcome so far is a failure. */
  const failing = new Set<string>();
  let current: string | undefined;
  let lastTopLevelEntry = -1;
  events.forEach((event, index) => {
    const entered = event.stateEnteredEventDetails?.name;
    const exited = event.stateExitedEventDetails?.name;
    if (entered !== undefined) {
      lastEntered.set(entered, index);
      if (topLevel.has(entered)) {
        lastTopLevelEntry = index;
        current = entered;
        failing.delete(entered);
      }
    }
    if (exited !== undefined) lastExited.set(exited, index);
    if (current === undefined || event.type.startsWith('Execution')) return;
    if (FAILURE_EVENT.test(event.type)) failing.add(current);
    else if (SUCCESS_EVENT.test(event.type)) failing.delete(current);
  });
  const statuses = new Map<string, StateStatus>();
  for (const name of names) {
    const entered = lastEntered.get(name);
    const exited = lastExited.get(name) ?? -1;
    let status: StateStatus;
    if (entered === undefined) status = 'not-reached';
    else if (exited > entered) status = failing.has(name) ? 'caught' : 'succeeded';
    else if (lastTopLevelEntry > entered) status = 'caught';
    else if (executionStatus === 'RUNNING') status = 'running';
    else if (executionStatus === 'SUCCEEDED') status = 'succeeded';
    else status = 'failed';
    statuses.set(name, status);
  }
  return statuses;
}

/**
 * What is wrong with a JSON text, in words, or undefined when it parses. The message says where
 * (line and column) once, in our words: engines differ in whether and how they say it
 * (V8: `at position 12 (line 3 column 1)`).
 */
export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message);
    if (!at) return message;
    const what = message
      .slice(0, at.index)
      .replace(/\s*(in JSON )?at\s*$/, '')
      .trim();
    const before = text.slice(0, Number(at[1])).split('\n');
    return `${what} at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
  }
}
