/**
 * Redrive rules of Step Functions (RedriveExecution, docs/aws-behaviour.md §4.11): which closed
 * executions may be redriven, why not otherwise (the `redriveStatusReason` texts AWS documents), and
 * where a redrive resumes, read from the execution's own history.
 */
import type { ExecutionRecord, HistoryEvent } from './store';

/** AWS's redrivable period: 14 days after the execution closed. */
export const REDRIVE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

/** AWS refuses a redrive when the history holds this many events or more (its 25,000 limit, less the redrive's own). */
export const MAX_REDRIVABLE_HISTORY = 24_999;

/** `redriveStatus` and, when NOT_REDRIVABLE, `redriveStatusReason` of DescribeExecution. */
export type Redrivability =
  | { readonly redriveStatus: 'REDRIVABLE' }
  | { readonly redriveStatus: 'NOT_REDRIVABLE'; readonly redriveStatusReason: string };

/** Whether `record` may be redriven at `now`, with `historyLength` events so far. */
export function redrivability(record: ExecutionRecord, now: number, historyLength: number): Redrivability {
  if (record.status === 'RUNNING' || record.status === 'SUCCEEDED') {
    return {
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: `Execution is ${record.status} and cannot be redriven`,
    };
  }
  if (record.stopDate !== undefined && now - record.stopDate > REDRIVE_WINDOW_MS) {
    return { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution redrivable period exceeded' };
  }
  if (historyLength >= MAX_REDRIVABLE_HISTORY) {
    return { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution history event limit exceeded' };
  }
  return { redriveStatus: 'REDRIVABLE' };
}

/** Where a redrive resumes: a top-level state and its input (JSON text), or the start. */
export type ResumePoint = { readonly state: string; readonly input: string } | { readonly state: undefined };

/**
 * The top-level state a redrive reruns: the last one with a `<Type>StateEntered` event and no
 * `<Type>StateExited` after it (AWS's rule for "unsuccessful states"), with the input it was
 * entered with. A Map or Parallel state is rerun whole (AWS reruns only the failed iterations or
 * branches; the local runtime cannot, docs/local-runtime.md). No state entered at all (stopped
 * before its first state): the redrive runs from StartAt on the execution's input.
 */
export function resumePoint(history: readonly HistoryEvent[], topLevelStates: readonly string[]): ResumePoint {
  const topLevel = new Set(topLevelStates);
  // Over the whole history: a state rerun by an earlier redrive and exited since is closed again.
  let open: { state: string; input: string } | undefined;
  let lastEntered: { state: string; input: string } | undefined;
  for (const event of history) {
    const details = (event['stateEnteredEventDetails'] ?? event['stateExitedEventDetails']) as
      | { name?: string; input?: string }
      | undefined;
    const name = details?.name;
    if (name === undefined || !topLevel.has(name)) continue;
    if (event.type.endsWith('StateEntered')) {
      lastEntered = { state: name, input: details?.input ?? '{}' };
      open = lastEntered;
    } else if (event.type.endsWith('StateExited') && open?.state === name) open = undefined;
  }
  // Every state entered also exited (the execution failed between states): rerun the last one.
  return open ?? lastEntered ?? { state: undefined };
}
