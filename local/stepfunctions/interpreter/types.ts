/** What the interpreter's modules share: a definition's shapes and the running execution's environment. */

import type { State, StatesBlock } from '../../../stacks/validation/definition-scopes';
import type { StatesError } from './errors';

export type { State, StatesBlock };

export type QueryLanguage = 'JSONPath' | 'JSONata';

/** A Task state's call, handed to whoever runs tasks (the engine). */
export interface TaskCall {
  readonly stateName: string;
  readonly resource: string;
  /** The task's parameters (JSONPath `Parameters`, JSONata `Arguments`) or its effective input. */
  readonly input: unknown;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  /** `$$.Task.Token`, for `.waitForTaskToken` resources. */
  readonly taskToken?: string;
  readonly signal: AbortSignal;
}

/** The execution-wide services the interpreter calls. */
export interface Runtime {
  /** `$$.Execution` and `$$.StateMachine`. */
  readonly context: Readonly<Record<string, unknown>>;
  /** Appends a history event; returns its id. */
  record(type: string, details?: Readonly<Record<string, unknown>>): number;
  /** Runs a Task's resource. @throws StatesError as the task failed. */
  runTask(call: TaskCall): Promise<unknown>;
  /** A new task token for a `.waitForTaskToken` Task. */
  newTaskToken(): string;
  /** Replaces every Retry delay (tests). */
  readonly retryIntervalMs?: number;
}

/** Where a block of states runs: its variables scope, its query language, what stops it. */
export interface Env {
  readonly rt: Runtime;
  /** The variables visible here; a Map iteration or Parallel branch gets a copy of its parent's. */
  readonly vars: Record<string, unknown>;
  /** The state machine's top-level QueryLanguage, the default of every state. */
  readonly language: QueryLanguage;
  readonly signal: AbortSignal;
}

/** How a state ended: its output and what comes next (undefined: the block ends). */
export interface Step {
  readonly output: unknown;
  readonly next: string | undefined;
  /** The error a Catch took, when the state failed and a Catch went on. */
  readonly caught?: StatesError;
}
