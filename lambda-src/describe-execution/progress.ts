import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

/** How much history one describe reads for a RUNNING execution: calls × events per call. */
export const PROGRESS_HISTORY_BUDGET = { calls: 2, eventsPerCall: 200 } as const;

/** A state that has been entered and not exited. */
export interface RunningState {
  readonly name: string;
  /** ISO-8601: when it was (most recently) entered. */
  readonly since: string | null;
  /** For a Map state: items finished (succeeded, failed or aborted) out of `total` (null when not read). */
  readonly items?: { readonly done: number; readonly total: number | null };
}

/** What a describe of a RUNNING execution adds. */
export interface ExecutionProgress {
  /** Innermost first is not guaranteed; newest entry first. */
  readonly states: readonly RunningState[];
  /** False when the read stopped at its budget before the execution's start: older states may be missing. */
  readonly complete: boolean;
  /** GetExecutionHistory calls this describe made. */
  readonly historyCalls: number;
}

const ITERATION_ENDS = new Set(['MapIterationSucceeded', 'MapIterationFailed', 'MapIterationAborted']);

/**
 * Reads an execution's history newest first, at most `budget.calls` pages without execution data, and
 * returns the states that are running: a state whose newest event is a `…StateEntered` without a later
 * `…StateExited`. For a Map state it counts ended iterations since the newest `MapStateStarted`, whose
 * `length` is the total. States inside Map iterations are left out (they come and go per item; the
 * Map's count says more).
 */
export async function readProgress(
  client: SFNClient,
  executionArn: string,
  budget: { readonly calls: number; readonly eventsPerCall: number } = PROGRESS_HISTORY_BUDGET,
): Promise<ExecutionProgress> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  let calls = 0;
  let complete = false;
  while (calls < budget.calls) {
    const page = await client.send(
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        includeExecutionData: false,
        maxResults: budget.eventsPerCall,
        ...(nextToken !== undefined ? { nextToken } : {}),
      }),
    );
    calls += 1;
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
    if (!nextToken || events.some((e) => e.type === 'ExecutionStarted')) {
      complete = true;
      break;
    }
  }
  return { ...runningStates(events), complete, historyCalls: calls };
}

/**
 * The running states in a newest-first slice of history; pure, for tests.
 *
 * A state is running when its newest event is an entry (no later exit of that name). A Map state is
 * running when it was entered and not exited, or when the slice shows its iterations but not its exit
 * (its entry is older than the slice). States entered after a running Map's `MapStateStarted` (or, when
 * that is older than the slice, anywhere in it) belong to its iterations and are left out.
 */
export function runningStates(newestFirst: readonly HistoryEvent[]): { states: RunningState[] } {
  const exitedOrSeen = new Set<string>();
  const entered: { name: string; since: string | null; index: number; isMap: boolean }[] = [];
  const iterationsEnded = new Map<string, number>();
  const iterationMaps = new Set<string>();
  const exitedMaps = new Set<string>();
  const mapStarts: { index: number; length: number }[] = [];

  newestFirst.forEach((event, index) => {
    const type = event.type ?? '';
    if (type.startsWith('MapIteration')) {
      const name = iterationName(event);
      if (!name) return;
      if (!exitedMaps.has(name)) iterationMaps.add(name);
      if (ITERATION_ENDS.has(type)) iterationsEnded.set(name, (iterationsEnded.get(name) ?? 0) + 1);
      return;
    }
    if (type === 'MapStateStarted') {
      mapStarts.push({ index, length: event.mapStateStartedEventDetails?.length ?? 0 });
      return;
    }
    const exitedName = event.stateExitedEventDetails?.name;
    if (exitedName !== undefined) {
      if (type === 'MapStateExited' && !exitedOrSeen.has(exitedName)) exitedMaps.add(exitedName);
      exitedOrSeen.add(exitedName);
      return;
    }
    const enteredName = event.stateEnteredEventDetails?.name;
    if (enteredName !== undefined) {
      if (!exitedOrSeen.has(enteredName)) {
        entered.push({
          name: enteredName,
          since: event.timestamp?.toISOString() ?? null,
          index,
          isMap: type === 'MapStateEntered',
        });
      }
      exitedOrSeen.add(enteredName);
    }
  });

  const runningMaps = entered.filter((s) => s.isMap);
  // A running Map entered before the slice: only its iterations are visible.
  const unseenMaps = [...iterationMaps].filter((name) => !runningMaps.some((m) => m.name === name));
  // The newest MapStateStarted older than a Map's entry is that Map's start.
  const startOf = (map: { index: number }) => [...mapStarts].reverse().find((s) => s.index < map.index);
  const mapTotal = (name: string): number | null => {
    const map = runningMaps.find((m) => m.name === name);
    return map ? (startOf(map)?.length ?? null) : null;
  };
  // Entries newer than (index below) the oldest running Map's start are inside its iterations.
  let innerBefore = -1;
  if (unseenMaps.length > 0) innerBefore = newestFirst.length;
  else {
    for (const map of runningMaps) {
      innerBefore = Math.max(innerBefore, startOf(map)?.index ?? map.index);
    }
  }
  const states: RunningState[] = [
    ...unseenMaps.map((name) => ({ name, since: null, items: { done: iterationsEnded.get(name) ?? 0, total: null } })),
    ...entered
      .filter((s) => s.isMap || s.index > innerBefore)
      .map((s) =>
        s.isMap
          ? { name: s.name, since: s.since, items: { done: iterationsEnded.get(s.name) ?? 0, total: mapTotal(s.name) } }
          : { name: s.name, since: s.since },
      ),
  ];
  return { states };
}

function iterationName(event: HistoryEvent): string | undefined {
  return (
    event.mapIterationSucceededEventDetails?.name ??
    event.mapIterationFailedEventDetails?.name ??
    event.mapIterationAbortedEventDetails?.name ??
    event.mapIterationStartedEventDetails?.name
  );
}
