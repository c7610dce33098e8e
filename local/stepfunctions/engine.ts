/**
 * Runs executions of the rendered ASL with the project's interpreter (`interpreter/`: JSONPath and
 * JSONata, variables, Retry/Catch, Map/Parallel, history as AWS records it); this module wires its
 * Task states to the local Lambda service, enforces the Task and execution timeouts and reports
 * how each execution ended. Why our own interpreter and not a library: docs/architecture.md.
 *
 * A redrive resumes mid-definition: the interpreter starts at the state to resume, on that state's
 * recorded input (docs/local-runtime.md, "Redrive").
 */

import { validateDefinition } from '../../stacks/validation/definition';
import type { IamAuthorizer } from '../iam/authorizer';
import type { LambdaService } from '../lambda/types';
import type { StateMachineModel } from '../terraform/model';
import { ResolutionError } from '../terraform/resolver';
import { TaskTokens } from './callbacks';
import { Aborted, StatesError } from './interpreter/errors';
import { runBlock, runState } from './interpreter/machine';
import { matchingIndex } from './interpreter/retry';
import type { QueryLanguage, Runtime, StatesBlock } from './interpreter/types';
import { STATES_START_EXECUTION, type StartExecutionCall } from './start-execution-task';
import type { NewHistoryEvent } from './store';
import { LAMBDA_INVOKE, runTaskCall, type TaskContext, WAIT_FOR_TOKEN } from './tasks';

/** How an execution ended. */
export type Outcome =
  | { readonly status: 'SUCCEEDED'; readonly output: string }
  | { readonly status: 'FAILED' | 'TIMED_OUT'; readonly error?: string; readonly cause?: string };

/** A running execution. */
export interface ExecutionHandle {
  /** Stops the interpreter; the outcome promise then never settles. */
  abort(): void;
  readonly outcome: Promise<Outcome>;
}

/** What {@link ExecutionEngine.start} needs to know about the execution. */
export interface ExecutionStart {
  readonly executionArn: string;
  readonly name: string;
  readonly input: unknown;
  readonly startDate: number;
  /** A redrive: run from this top-level state, on `input` (that state's recorded input). */
  readonly resumeAt?: string;
  /** `$$.Execution.RedriveCount`. Default 0. */
  readonly redriveCount?: number;
  /** Events in the history before this run's first (a redrive's history goes on). Default 1: ExecutionStarted. */
  readonly eventsBefore?: number;
}

/** What TestState reports of one state's run. */
export interface TestStateResult {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly nextState?: string;
  /** The variables after the state (its assignments applied). */
  readonly variables: Readonly<Record<string, unknown>>;
}

/** Dependencies of the engine. */
export interface EngineOptions {
  readonly stateMachine: StateMachineModel;
  readonly lambda: LambdaService;
  readonly iam: IamAuthorizer;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  /**
   * Test-only: every `Retry` waits this many milliseconds instead of the delay its IntervalSeconds,
   * BackoffRate, MaxDelaySeconds and JitterStrategy give; which errors are retried and how often
   * (MaxAttempts) stay as the definition says. Default: the definition's delays.
   */
  readonly retryIntervalMs?: number;
  /** The runtime's task tokens (`.waitForTaskToken`). Default: the engine's own. */
  readonly taskTokens?: TaskTokens;
  /** The runtime's StartExecution, for `states:startExecution` tasks. Default: none (the task fails). */
  readonly startExecution?: StartExecutionCall;
}

type Recorder = (event: NewHistoryEvent) => void;

const FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

/** Executes one state machine's definition. */
export class ExecutionEngine {
  private readonly definition: StatesBlock & Readonly<Record<string, unknown>>;
  private readonly taskContext: TaskContext;
  private readonly tokens: TaskTokens;

  /**
   * Prepares the definition.
   * @throws ResolutionError (naming the state machine's `definition`) for a definition AWS would
   *   refuse (stacks/validation/definition.ts, as at synth) or a Task resource the runtime does not emulate.
   */
  constructor(private readonly options: EngineOptions) {
    const { address } = options.stateMachine;
    this.definition = structuredClone(options.stateMachine.definition) as StatesBlock & Record<string, unknown>;
    // The checks CreateStateMachine applies: a stack AWS would refuse does not start either.
    const problems = validateDefinition(this.definition);
    if (problems.length > 0) {
      const text = problems.map((p) => `${p.code}: ${p.message} at ${p.location}`).join('; ');
      throw new ResolutionError({ address, attribute: 'definition' }, text);
    }
    checkResources(this.definition, address);
    this.taskContext = { ...options, roleArn: options.stateMachine.roleArn };
    this.tokens = options.taskTokens ?? new TaskTokens();
    const { retryIntervalMs } = options;
    if (retryIntervalMs !== undefined && (!Number.isFinite(retryIntervalMs) || retryIntervalMs < 0)) {
      throw new Error(`retryIntervalMs must be a number >= 0, got ${retryIntervalMs}`);
    }
  }

  /** Starts an execution; `record` receives its history events (after ExecutionStarted). */
  start(execution: ExecutionStart, record: Recorder): ExecutionHandle {
    const controller = new AbortController();
    const rt = this.runtime(execution, record);
    const language: QueryLanguage = this.definition.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
    const env = { rt, vars: {}, language, signal: controller.signal };
    if (execution.resumeAt !== undefined && !this.topLevelStates.includes(execution.resumeAt)) {
      throw new Error(`no top-level state named ${execution.resumeAt}`);
    }
    const run = runBlock(this.definition, execution.input, env, execution.resumeAt);
    const outcomes: Promise<Outcome>[] = [
      run.then(
        (output): Outcome => ({ status: 'SUCCEEDED', output: JSON.stringify(output ?? null) }),
        (err: unknown): Outcome => outcomeOfError(err),
      ),
    ];
    const timeout = this.definition['TimeoutSeconds'];
    let timer: NodeJS.Timeout | undefined;
    if (typeof timeout === 'number') {
      outcomes.push(
        new Promise((resolve) => {
          timer = setTimeout(() => {
            controller.abort();
            resolve({
              status: 'TIMED_OUT',
              error: 'States.Timeout',
              cause: "The execution ran longer than the state machine's TimeoutSeconds",
            });
          }, timeout * 1000);
        }),
      );
    }
    const outcome = Promise.race(outcomes).finally(() => clearTimeout(timer));
    return {
      abort: () => controller.abort(),
      // After an abort the caller has closed the execution already: the outcome never settles.
      outcome: outcome.then((o) =>
        controller.signal.aborted && o.status !== 'TIMED_OUT' ? new Promise<Outcome>(() => undefined) : o,
      ),
    };
  }

  /** Names of the top-level states, the states a redrive can resume at. */
  get topLevelStates(): readonly string[] {
    return Object.keys(this.definition.States ?? {});
  }

  /**
   * TestState: runs one state of the definition on its own, without its Retry (a retriable failure
   * is reported as RETRIABLE, as AWS does), with the given variables.
   */
  async testState(stateName: string, input: unknown, variables: Record<string, unknown>): Promise<TestStateResult> {
    const state = this.definition.States[stateName];
    if (!state) throw new Error(`no state named ${stateName}`);
    const { Retry: retriers, ...withoutRetry } = state as Record<string, unknown>;
    const rt = this.runtime(
      { executionArn: `${this.options.stateMachine.arn}:TestState`, name: 'TestState', input, startDate: Date.now() },
      () => undefined,
    );
    const language: QueryLanguage = this.definition.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
    const env = { rt, vars: { ...variables }, language, signal: new AbortController().signal };
    try {
      const step = await runState(stateName, withoutRetry, input, env);
      return {
        status: step.caught ? 'CAUGHT_ERROR' : 'SUCCEEDED',
        output: JSON.stringify(step.output),
        ...(step.next !== undefined ? { nextState: step.next } : {}),
        variables: env.vars,
      };
    } catch (err) {
      if (!(err instanceof StatesError)) throw err;
      const retriable = matchingIndex((retriers as Record<string, unknown>[] | undefined) ?? [], err.error) >= 0;
      return {
        status: retriable ? 'RETRIABLE' : 'FAILED',
        ...(err.error !== undefined ? { error: err.error } : {}),
        ...(err.cause !== undefined ? { cause: err.cause } : {}),
        variables: env.vars,
      };
    }
  }

  private runtime(execution: ExecutionStart, record: Recorder): Runtime {
    const { stateMachine } = this.options;
    let lastId = execution.eventsBefore ?? 1;
    const rt: Runtime = {
      context: {
        Execution: {
          Id: execution.executionArn,
          Input: execution.input,
          StartTime: new Date(execution.startDate).toISOString(),
          Name: execution.name,
          RoleArn: stateMachine.roleArn,
          RedriveCount: execution.redriveCount ?? 0,
        },
        StateMachine: { Id: stateMachine.arn, Name: stateMachine.name },
      },
      record: (type, details) => {
        record({ timestamp: Date.now(), type, ...details });
        return ++lastId;
      },
      runTask: (call) => runTaskCall(this.taskContext, this.tokens, call, rt),
      newTaskToken: () => this.tokens.issue(),
      ...(this.options.retryIntervalMs !== undefined ? { retryIntervalMs: this.options.retryIntervalMs } : {}),
    };
    return rt;
  }
}

function outcomeOfError(err: unknown): Outcome {
  if (err instanceof StatesError) {
    return {
      status: 'FAILED',
      ...(err.error !== undefined ? { error: err.error } : {}),
      ...(err.cause !== undefined ? { cause: err.cause } : {}),
    };
  }
  if (err instanceof Aborted) return { status: 'FAILED', error: 'States.Runtime', cause: 'aborted' };
  return { status: 'FAILED', error: 'States.Runtime', cause: err instanceof Error ? err.message : String(err) };
}

// Every Task state (in branches and Map processors too) must name a resource the runtime runs.
function checkResources(block: StatesBlock, address: string): void {
  for (const [name, state] of Object.entries(block.States ?? {})) {
    if (state['Type'] === 'Task') {
      const resource = String(state['Resource']);
      const base = resource.endsWith(WAIT_FOR_TOKEN) ? resource.slice(0, -WAIT_FOR_TOKEN.length) : resource;
      const emulated =
        base === LAMBDA_INVOKE || (FUNCTION_ARN.test(base) && base === resource) || resource === STATES_START_EXECUTION;
      if (!emulated) {
        throw new ResolutionError(
          { address, attribute: `definition.States.${name}.Resource` },
          `${resource} is not emulated; the local runtime runs ${LAMBDA_INVOKE} (and its ${WAIT_FOR_TOKEN} form), Lambda function ARNs and ${STATES_START_EXECUTION}`,
        );
      }
    }
    const mode = (state['ItemProcessor'] as { ProcessorConfig?: { Mode?: unknown } } | undefined)?.ProcessorConfig
      ?.Mode;
    const distributed = ['ItemReader', 'ItemBatcher', 'ResultWriter'].filter((f) => state[f] !== undefined);
    if (state['Type'] === 'Map' && (mode === 'DISTRIBUTED' || distributed.length > 0)) {
      throw new ResolutionError(
        { address, attribute: `definition.States.${name}` },
        `a distributed Map (${[...(mode === 'DISTRIBUTED' ? ['Mode DISTRIBUTED'] : []), ...distributed].join(', ')}) is not emulated; the local runtime runs inline Maps`,
      );
    }
    for (const branch of (state['Branches'] as StatesBlock[] | undefined) ?? []) checkResources(branch, address);
    for (const key of ['Iterator', 'ItemProcessor']) {
      const sub = state[key] as StatesBlock | undefined;
      if (sub) checkResources(sub, address);
    }
  }
}
