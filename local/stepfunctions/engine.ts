/**
 * Runs executions of the rendered ASL with `aws-local-stepfunctions` (the interpreter is the
 * library's; this module only wires Task states to the local Lambda service, records history and
 * reports how each execution ended).
 *
 * Two things in the definition are adjusted before it is handed to the library, each to match AWS
 * where the library (v3.0.0) differs:
 * - `ResultPath: "$"` is removed: it is ASL's default, and the library treats the explicit `"$"` as
 *   a property named `$` (so a Catch with `ResultPath: "$"` would not replace the input as AWS does);
 * - a Task without `TimeoutSeconds` gets the largest timer Node supports: AWS's default is
 *   99999999 s, the library's is 60 s.
 *
 * A redrive resumes mid-definition, which the library cannot do: the engine runs a derived
 * definition, the same states with `StartAt` set to the state to resume, on that state's recorded
 * input (docs/local-runtime.md, "Redrive").
 */
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import type { IamAuthorizer } from '../iam/authorizer';
import type { LambdaService } from '../lambda/types';
import type { StateMachineModel } from '../terraform/model';
import { ResolutionError } from '../terraform/resolver';
import { type LambdaTaskContext, type LambdaTaskKind, runLambdaTask } from './lambda-task';
import type { NewHistoryEvent } from './store';

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
}

type RunResult = ReturnType<StateMachine['run']>;
type LibraryEvent = RunResult['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type TaskHandler = (input: unknown) => Promise<unknown>;
type Recorder = (event: NewHistoryEvent) => void;

interface TaskSpec {
  readonly kind: LambdaTaskKind;
  readonly resource: string;
  readonly timeoutSeconds?: number;
}

// setTimeout's ceiling (2^31-1 ms), in whole seconds.
const MAX_TIMER_SECONDS = 2_147_483;
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

/** Executes one state machine's definition. */
export class ExecutionEngine {
  private readonly machine: StateMachine;
  private readonly definition: Record<string, unknown>;
  /** Derived definitions of redrives, by the state they start at (built on first use). */
  private readonly resumed = new Map<string, StateMachine>();
  private readonly tasks: ReadonlyMap<string, TaskSpec>;
  private readonly taskContext: LambdaTaskContext;
  private readonly retryIntervalOverrides: Readonly<Record<string, number>> | undefined;

  /**
   * Prepares the definition.
   * @throws ResolutionError (naming the state machine's `definition`) for an invalid definition or a
   *   Task resource the runtime does not emulate.
   */
  constructor(private readonly options: EngineOptions) {
    const { address } = options.stateMachine;
    const tasks = new Map<string, TaskSpec>();
    const definition = normalize(structuredClone(options.stateMachine.definition), tasks, address);
    try {
      this.machine = new StateMachine(definition as never, { validationOptions: { checkPaths: true, checkArn: true } });
    } catch (err) {
      throw new ResolutionError({ address, attribute: 'definition' }, (err as Error).message);
    }
    this.definition = definition;
    this.tasks = tasks;
    this.taskContext = { ...options, roleArn: options.stateMachine.roleArn };
    const { retryIntervalMs } = options;
    if (retryIntervalMs !== undefined) {
      if (!Number.isFinite(retryIntervalMs) || retryIntervalMs < 0) {
        throw new Error(`retryIntervalMs must be a number >= 0, got ${retryIntervalMs}`);
      }
      this.retryIntervalOverrides = Object.fromEntries(
        statesWithRetry(definition).map((name) => [name, retryIntervalMs]),
      );
    }
  }

  /** Starts an execution; `record` receives its history events (after ExecutionStarted). */
  start(execution: ExecutionStart, record: Recorder): ExecutionHandle {
    const { stateMachine } = this.options;
    const handlers: Record<string, TaskHandler> = {};
    for (const [stateName, spec] of this.tasks) {
      handlers[stateName] = async (input) => {
        // The library announces StateEntered synchronously right before calling us and the event
        // reaches our consumer a few microtasks later; yield once so history stays in order.
        await new Promise<void>((resolve) => setImmediate(resolve));
        return runLambdaTask(this.taskContext, spec.kind, spec.resource, input, spec.timeoutSeconds, (event) =>
          record({ timestamp: Date.now(), ...event }),
        );
      };
    }
    const machine = execution.resumeAt === undefined ? this.machine : this.resumedAt(execution.resumeAt);
    const run = machine.run(execution.input as never, {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        ...(this.retryIntervalOverrides ? { retryIntervalOverrides: this.retryIntervalOverrides } : {}),
      },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: execution.name,
          RoleArn: stateMachine.roleArn,
          StartTime: new Date(execution.startDate).toISOString(),
          RedriveCount: execution.redriveCount ?? 0,
        },
        StateMachine: { Id: stateMachine.arn, Name: stateMachine.name },
      },
    });
    // The outcome waits for the last state events (a Fail state is entered and throws within the
    // same turn): the service writes the closing event, which must come after FailStateEntered.
    const consumed = consumeEvents(run.eventLogs, record, this.definition).catch(() => undefined);
    let aborted = false;
    const outcome = run.result
      .then(
        (output): Outcome => ({ status: 'SUCCEEDED', output: JSON.stringify(output ?? null) }),
        (err: unknown): Outcome => outcomeOfError(err),
      )
      .then(async (o) => {
        await consumed;
        return o;
      });
    return {
      abort: () => {
        if (aborted) return;
        aborted = true;
        run.abort();
      },
      // After an abort the library resolves with null; the caller has closed the execution already.
      outcome: outcome.then((o) => (aborted ? new Promise<Outcome>(() => undefined) : o)),
    };
  }

  /** Names of the top-level states, the states a redrive can resume at. */
  get topLevelStates(): readonly string[] {
    return Object.keys((this.definition['States'] as Record<string, unknown> | undefined) ?? {});
  }

  private resumedAt(stateName: string): StateMachine {
    let machine = this.resumed.get(stateName);
    if (!machine) {
      if (!this.topLevelStates.includes(stateName)) throw new Error(`no top-level state named ${stateName}`);
      machine = new StateMachine({ ...this.definition, StartAt: stateName } as never, {
        validationOptions: { noValidate: true },
      });
      this.resumed.set(stateName, machine);
    }
    return machine;
  }
}

function outcomeOfError(err: unknown): Outcome {
  if (err instanceof ExecutionTimeoutError) {
    return {
      status: 'TIMED_OUT',
      error: 'States.Timeout',
      cause: "The execution ran longer than the state machine's TimeoutSeconds",
    };
  }
  if (err instanceof ExecutionError) {
    const inner = err.cause as Error | undefined;
    return { status: 'FAILED', error: inner?.name ?? 'States.Runtime', cause: inner?.message ?? err.message };
  }
  if (err instanceof ExecutionAbortedError) return { status: 'FAILED', error: 'States.Runtime', cause: 'aborted' };
  return { status: 'FAILED', error: 'States.Runtime', cause: err instanceof Error ? err.message : String(err) };
}

// Translates the library's event log into AWS history event types. Map and Parallel states get
// the events AWS writes around their iterations and branches (MapStateStarted with the item count,
// MapIteration*, Map/ParallelStateSucceeded or Failed), so progress can be read from history.
async function consumeEvents(
  events: AsyncGenerator<LibraryEvent>,
  record: Recorder,
  definition: Record<string, unknown>,
): Promise<void> {
  const states = statesByName(definition);
  for await (const event of events) {
    const timestamp = event.timestamp;
    switch (event.type) {
      case 'StateEntered': {
        const { name, type, input } = event.state;
        record({
          timestamp,
          type: `${type}StateEntered`,
          stateEnteredEventDetails: { name, input: JSON.stringify(input), inputDetails: { truncated: false } },
        });
        if (type === 'Map') {
          const length = mapLength(states.get(name), input);
          record({
            timestamp,
            type: 'MapStateStarted',
            ...(length !== undefined ? { mapStateStartedEventDetails: { length } } : {}),
          });
        } else if (type === 'Parallel') record({ timestamp, type: 'ParallelStateStarted' });
        break;
      }
      case 'StateExited':
        if (event.state.type === 'Fail') break;
        if (event.state.type === 'Map' || event.state.type === 'Parallel') {
          record({ timestamp, type: `${event.state.type}StateSucceeded` });
        }
        record({
          timestamp,
          type: `${event.state.type}StateExited`,
          stateExitedEventDetails: {
            name: event.state.name,
            output: JSON.stringify(event.state.output ?? null),
            outputDetails: { truncated: false },
          },
        });
        break;
      case 'StateFailed':
        if (event.state.type === 'Map' || event.state.type === 'Parallel') {
          record({ timestamp, type: `${event.state.type}StateFailed` });
        }
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const suffix = event.type.slice('MapIteration'.length);
        record({
          timestamp,
          type: event.type,
          [`mapIteration${suffix}EventDetails`]: { name: event.parentState.name, index: event.index },
        });
        break;
      }
      default:
        // Execution-level events are written by the service when it closes the execution; retries
        // and catches have no history event of their own in AWS (they show as new Task events);
        // Parallel branches have none either.
        break;
    }
  }
}

// Every state of the definition by name (names are unique in a whole state machine, ASL spec).
function statesByName(
  definition: Record<string, unknown>,
  into = new Map<string, Record<string, unknown>>(),
): Map<string, Record<string, unknown>> {
  const states = definition['States'] as Record<string, Record<string, unknown>> | undefined;
  for (const [name, state] of Object.entries(states ?? {})) {
    into.set(name, state);
    for (const branch of (state['Branches'] as Record<string, unknown>[] | undefined) ?? []) statesByName(branch, into);
    for (const key of ['Iterator', 'ItemProcessor']) {
      const sub = state[key] as Record<string, unknown> | undefined;
      if (sub) statesByName(sub, into);
    }
  }
  return into;
}

// The number of items a Map state iterates over: InputPath, then ItemsPath (both reference paths,
// ASL spec). Undefined when the items come another way (JSONata `Items`, ItemReader) or the path
// does not resolve to an array: then MapStateStarted carries no length.
function mapLength(state: Record<string, unknown> | undefined, input: unknown): number | undefined {
  if (!state || state['Items'] !== undefined || state['ItemReader'] !== undefined) return undefined;
  const inputPath = state['InputPath'];
  const itemsPath = state['ItemsPath'];
  const effective = inputPath === undefined ? input : referencePath(input, inputPath);
  const items = itemsPath === undefined ? effective : referencePath(effective, itemsPath);
  return Array.isArray(items) ? items.length : undefined;
}

// Resolves a reference path (`$`, `$.a.b`, `$['a'][0]`); undefined for anything else.
function referencePath(value: unknown, path: unknown): unknown {
  if (path === null || typeof path !== 'string' || !path.startsWith('$')) return undefined;
  const step = /^(?:\.([A-Za-z_][\w-]*)|\['([^']*)'\]|\[(\d+)\])/;
  let rest = path.slice(1);
  let current = value;
  while (rest.length > 0) {
    const m = step.exec(rest);
    if (!m || current === null || typeof current !== 'object') return undefined;
    const key = m[1] ?? m[2] ?? Number(m[3]);
    current = (current as Record<string | number, unknown>)[key];
    rest = rest.slice(m[0].length);
  }
  return current;
}

// Names of the states (including those in Parallel branches and Map processors) that have a Retry.
function statesWithRetry(definition: Record<string, unknown>): string[] {
  const names: string[] = [];
  const states = definition['States'] as Record<string, Record<string, unknown>> | undefined;
  for (const [name, state] of Object.entries(states ?? {})) {
    if (Array.isArray(state['Retry'])) names.push(name);
    for (const branch of (state['Branches'] as Record<string, unknown>[] | undefined) ?? [])
      names.push(...statesWithRetry(branch));
    for (const key of ['Iterator', 'ItemProcessor']) {
      const sub = state[key] as Record<string, unknown> | undefined;
      if (sub) names.push(...statesWithRetry(sub));
    }
  }
  return names;
}

// Walks states (including Parallel branches and Map processors), applies the adjustments described
// in the module comment and collects the Task states the runtime must run.
function normalize(
  definition: Record<string, unknown>,
  tasks: Map<string, TaskSpec>,
  address: string,
): Record<string, unknown> {
  const states = definition['States'] as Record<string, Record<string, unknown>> | undefined;
  for (const [name, state] of Object.entries(states ?? {})) {
    if (state['ResultPath'] === '$') delete state['ResultPath'];
    for (const catcher of (state['Catch'] as Record<string, unknown>[] | undefined) ?? []) {
      if (catcher['ResultPath'] === '$') delete catcher['ResultPath'];
    }
    if (state['Type'] === 'Task') {
      const resource = String(state['Resource']);
      let kind: LambdaTaskKind;
      if (resource === LAMBDA_INVOKE) kind = 'integration';
      else if (FUNCTION_ARN.test(resource)) kind = 'direct';
      else {
        throw new ResolutionError(
          { address, attribute: `definition.States.${name}.Resource` },
          `${resource} is not emulated; the local runtime runs ${LAMBDA_INVOKE} and Lambda function ARNs`,
        );
      }
      const timeout = state['TimeoutSeconds'];
      if (timeout === undefined && state['TimeoutSecondsPath'] === undefined)
        state['TimeoutSeconds'] = MAX_TIMER_SECONDS;
      const existing = tasks.get(name);
      if (existing && existing.resource !== resource) {
        throw new ResolutionError(
          { address, attribute: `definition.States.${name}` },
          'two Task states share this name with different resources; the local runtime needs Task names to be unique',
        );
      }
      tasks.set(name, { kind, resource, ...(typeof timeout === 'number' ? { timeoutSeconds: timeout } : {}) });
    }
    for (const branch of (state['Branches'] as Record<string, unknown>[] | undefined) ?? [])
      normalize(branch, tasks, address);
    for (const key of ['Iterator', 'ItemProcessor']) {
      const sub = state[key] as Record<string, unknown> | undefined;
      if (sub) normalize(sub, tasks, address);
    }
  }
  return definition;
}
