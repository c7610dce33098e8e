/**
 * Runs a definition on the interpreter alone (no Lambda, no store): history events are collected,
 * Task states answer with a scripted function.
 */
import { runBlock } from '../../../local/stepfunctions/interpreter/machine';
import type { Runtime, StatesBlock, TaskCall } from '../../../local/stepfunctions/interpreter/types';

/** One recorded history event: its type and details. */
export interface Recorded {
  readonly id: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

/** What a run gave. */
export type RunResult =
  | { readonly status: 'SUCCEEDED'; readonly output: unknown; readonly events: Recorded[] }
  | { readonly status: 'FAILED'; readonly error?: string; readonly cause?: string; readonly events: Recorded[] };

/** Runs `definition` on `input`; `task` answers Task states (default: echoes the input); `signal` stops it. */
export async function run(
  definition: unknown,
  input: unknown = {},
  task: (call: TaskCall) => Promise<unknown> | unknown = (call) => call.input,
  signal: AbortSignal = new AbortController().signal,
): Promise<RunResult> {
  const events: Recorded[] = [];
  const block = definition as StatesBlock & { QueryLanguage?: string };
  const rt: Runtime = {
    context: {
      Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:m:e', Input: input, Name: 'e' },
      StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:m', Name: 'm' },
    },
    record: (type, details) => {
      const id = events.length + 2; // 1 is ExecutionStarted
      events.push({ id, type, ...details });
      return id;
    },
    runTask: async (call) => task(call),
    newTaskToken: () => 'token-1',
    retryIntervalMs: 0,
  };
  const env = {
    rt,
    vars: {},
    language: block.QueryLanguage === 'JSONata' ? ('JSONata' as const) : ('JSONPath' as const),
    signal,
  };
  try {
    const output = await runBlock(block, input, env);
    return { status: 'SUCCEEDED', output, events };
  } catch (err) {
    const e = err as { error?: string; cause?: string };
    return {
      status: 'FAILED',
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
      events,
    };
  }
}

/** The `assignedVariables` of a state's Exited event, parsed. */
export function assignedBy(events: readonly Recorded[], state: string): Record<string, unknown> | undefined {
  const exited = events.find(
    (e) => e.type.endsWith('StateExited') && (e['stateExitedEventDetails'] as { name: string }).name === state,
  );
  const vars = (exited?.['stateExitedEventDetails'] as { assignedVariables?: Record<string, string> } | undefined)
    ?.assignedVariables;
  return vars && Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, JSON.parse(v)]));
}

/** The event types, in order. */
export function types(events: readonly Recorded[]): string[] {
  return events.map((e) => e.type);
}

/** The output of the first `type` event (a state's Exited event), parsed. */
export function exitedOutput(events: readonly Recorded[], type: string, state?: string): unknown {
  const exited = events.find(
    (e) =>
      e.type === type && (state === undefined || (e['stateExitedEventDetails'] as { name: string }).name === state),
  );
  const details = exited?.['stateExitedEventDetails'] as { output: string } | undefined;
  return details === undefined ? undefined : JSON.parse(details.output);
}
