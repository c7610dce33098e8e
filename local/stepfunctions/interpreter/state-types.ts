/**
 * What each state type does with its input, in each query language (ASL spec; AWS "Processing
 * input and output" for JSONPath, "Transforming data with JSONata" for JSONata). Assign and Output
 * are evaluated on the same state input and result, with the variables as they were when the state
 * was entered; machine.ts makes the assigned values visible from the next state on.
 */
import { matches } from './choice';
import { StatesError } from './errors';
import { evaluateField, expectType, type JsonataData } from './jsonata';
import { applyResultPath, applyTemplate, type PathData, resolvePath, selectPath } from './jsonpath';
import { sleep } from './machine';
import { runMap, runParallel } from './map-parallel';
import type { Env, QueryLanguage, State, Step } from './types';

/** One run of one state. */
export interface StateRun {
  readonly name: string;
  readonly state: State;
  readonly input: unknown;
  readonly env: Env;
  readonly language: QueryLanguage;
  /** The context object (`$$`, `$states.context`) as this state sees it. */
  readonly context: Readonly<Record<string, unknown>>;
}

/** A state's step and the variables it assigns. */
export type StateResult = Step & { readonly assigned?: Record<string, unknown> };

const WAIT_FOR_TOKEN = '.waitForTaskToken';

/**
 * Runs a state's body (everything but its history frame, Retry and Catch).
 * @throws StatesError as the state failed.
 */
export async function runStateBody(run: StateRun): Promise<StateResult> {
  const type = run.state['Type'];
  if (type === 'Task' && String(run.state['Resource']).endsWith(WAIT_FOR_TOKEN)) {
    run = { ...run, context: { ...run.context, Task: { Token: run.env.rt.newTaskToken() } } };
  }
  if (type === 'Fail') throw await failure(run);
  if (type === 'Choice') return run.language === 'JSONata' ? chooseJsonata(run) : chooseJsonPath(run);
  return run.language === 'JSONata' ? jsonataState(run) : jsonPathState(run);
}

function nextOf(state: State): string | undefined {
  return state['End'] === true ? undefined : (state['Next'] as string | undefined);
}

function jsonataData(run: StateRun, extra: { result?: unknown; errorOutput?: unknown } = {}): JsonataData {
  return { states: { input: run.input, context: run.context, ...extra }, variables: run.env.vars };
}

async function jsonataState(run: StateRun): Promise<StateResult> {
  const { state, input } = run;
  const data = jsonataData(run);
  const type = state['Type'];
  let result: unknown;
  let hasResult = true;
  const args = async (): Promise<unknown> =>
    state['Arguments'] === undefined ? input : evaluateField(state['Arguments'], data, 'Arguments');
  if (type === 'Task') result = await runTask(run, await args(), (f) => jsonataNumber(run, data, f));
  else if (type === 'Parallel') result = await runParallel(run, await args());
  else if (type === 'Map') result = await jsonataMap(run, data);
  else {
    hasResult = false;
    if (type === 'Wait')
      await wait(run, (f) => (state[f] === undefined ? undefined : evaluateField(state[f], data, f)));
  }
  const after = jsonataData(run, hasResult ? { result } : {});
  const assigned = state['Assign'] === undefined ? undefined : await evaluateField(state['Assign'], after, 'Assign');
  const output =
    state['Output'] === undefined
      ? hasResult
        ? result
        : input
      : await evaluateField(state['Output'], after, 'Output');
  return { output, next: nextOf(state), ...(assigned ? { assigned: assigned as Record<string, unknown> } : {}) };
}

async function jsonataNumber(run: StateRun, data: JsonataData, field: string): Promise<number | undefined> {
  const source = run.state[field];
  if (source === undefined) return undefined;
  const value = await evaluateField(source, data, field);
  expectType(value, 'number', source, field);
  return value as number;
}

async function jsonataMap(run: StateRun, data: JsonataData): Promise<unknown[]> {
  const { state } = run;
  const source = state['Items'];
  const items = source === undefined ? run.input : await evaluateField(source, data, 'Items');
  expectType(items, 'array', source ?? '$states.input', 'Items');
  const max = (await jsonataNumber(run, data, 'MaxConcurrency')) ?? 0;
  const selector = state['ItemSelector'];
  return runMap(
    run,
    items as unknown[],
    async (Value, Index) =>
      selector === undefined
        ? Value
        : evaluateField(
            selector,
            { ...data, states: { ...data.states, context: { ...run.context, Map: { Item: { Index, Value } } } } },
            'ItemSelector',
          ),
    max,
  );
}

function pathData(run: StateRun, input: unknown): PathData {
  return { input, context: run.context, variables: run.env.vars };
}

async function jsonPathState(run: StateRun): Promise<StateResult> {
  const { state, input } = run;
  const type = state['Type'];
  const effective = selectPath(state['InputPath'], pathData(run, input), 'InputPath');
  const parameters = (): unknown =>
    state['Parameters'] === undefined ? effective : applyTemplate(state['Parameters'], pathData(run, effective));
  const select = (raw: unknown): unknown =>
    state['ResultSelector'] === undefined ? raw : applyTemplate(state['ResultSelector'], pathData(run, raw));
  let result: unknown;
  let hasResult = true;
  if (type === 'Pass') result = Object.hasOwn(state, 'Result') ? state['Result'] : parameters();
  else if (type === 'Task') result = select(await runTask(run, parameters(), (f) => jsonPathNumber(run, effective, f)));
  else if (type === 'Parallel') result = select(await runParallel(run, parameters()));
  else if (type === 'Map') result = select(await jsonPathMap(run, effective));
  else {
    hasResult = false;
    if (type === 'Wait') await wait(run, (f) => pathField(run, effective, f));
  }
  const assigned =
    state['Assign'] === undefined
      ? undefined
      : (applyTemplate(state['Assign'], pathData(run, hasResult ? result : effective)) as Record<string, unknown>);
  const combined = hasResult ? applyResultPath(state['ResultPath'], input, result) : effective;
  const output = selectPath(state['OutputPath'], pathData(run, combined), 'OutputPath');
  return { output, next: nextOf(state), ...(assigned ? { assigned } : {}) };
}

// A field given as a value (`Seconds`) or a path (`SecondsPath`).
function pathField(run: StateRun, effective: unknown, field: string): unknown {
  if (run.state[field] !== undefined) return run.state[field];
  const path = run.state[`${field}Path`];
  return path === undefined ? undefined : resolvePath(String(path), pathData(run, effective));
}

function jsonPathNumber(run: StateRun, effective: unknown, field: string): number | undefined {
  const value = pathField(run, effective, field);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new StatesError(
      'States.Runtime',
      `The value of ${field} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

async function jsonPathMap(run: StateRun, effective: unknown): Promise<unknown[]> {
  const { state } = run;
  const path = state['ItemsPath'];
  const items = path === undefined ? effective : resolvePath(String(path), pathData(run, effective));
  if (!Array.isArray(items)) {
    throw new StatesError('States.Runtime', `The ItemsPath of Map state '${run.name}' did not select an array`);
  }
  const selector = state['ItemSelector'] ?? state['Parameters'];
  const max = pathField(run, effective, 'MaxConcurrency');
  return runMap(
    run,
    items,
    async (Value, Index) =>
      selector === undefined
        ? Value
        : applyTemplate(selector, {
            ...pathData(run, effective),
            context: { ...run.context, Map: { Item: { Index, Value } } },
          }),
    typeof max === 'number' ? max : 0,
  );
}

async function runTask(
  run: StateRun,
  input: unknown,
  number: (field: string) => number | undefined | Promise<number | undefined>,
): Promise<unknown> {
  const timeoutSeconds = await number('TimeoutSeconds');
  const heartbeatSeconds = await number('HeartbeatSeconds');
  const token = (run.context['Task'] as { Token?: string } | undefined)?.Token;
  return run.env.rt.runTask({
    stateName: run.name,
    resource: String(run.state['Resource']),
    input,
    signal: run.env.signal,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
    ...(token !== undefined ? { taskToken: token } : {}),
  });
}

async function wait(run: StateRun, field: (name: string) => unknown): Promise<void> {
  const seconds = await field('Seconds');
  const timestamp = await field('Timestamp');
  let ms = 0;
  if (seconds !== undefined) {
    if (typeof seconds !== 'number' || seconds < 0) {
      throw new StatesError('States.Runtime', `Wait state '${run.name}': Seconds must be a number >= 0`);
    }
    ms = seconds * 1000;
  } else if (timestamp !== undefined) {
    const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
    if (Number.isNaN(at))
      throw new StatesError('States.Runtime', `Wait state '${run.name}': Timestamp is not an ISO 8601 date`);
    ms = at - Date.now();
  }
  await sleep(ms, run.env.signal);
}

async function failure(run: StateRun): Promise<StatesError> {
  const { state } = run;
  if (run.language === 'JSONata') {
    const data = jsonataData(run);
    const error = state['Error'] === undefined ? undefined : await evaluateField(state['Error'], data, 'Error');
    const cause = state['Cause'] === undefined ? undefined : await evaluateField(state['Cause'], data, 'Cause');
    return new StatesError(error as string | undefined, cause as string | undefined);
  }
  const error = pathField(run, run.input, 'Error');
  const cause = pathField(run, run.input, 'Cause');
  return new StatesError(error as string | undefined, cause as string | undefined);
}

async function chooseJsonata(run: StateRun): Promise<StateResult> {
  const data = jsonataData(run);
  let matched: State | undefined;
  for (const rule of (run.state['Choices'] as State[] | undefined) ?? []) {
    const value = await evaluateField(rule['Condition'], data, 'Condition');
    expectType(value, 'boolean', rule['Condition'], 'Condition');
    if (value === true) {
      matched = rule;
      break;
    }
  }
  const holder = matched ?? run.state;
  const next = chosenNext(run, matched);
  const assigned = holder['Assign'] === undefined ? undefined : await evaluateField(holder['Assign'], data, 'Assign');
  const output = holder['Output'] === undefined ? run.input : await evaluateField(holder['Output'], data, 'Output');
  return { output, next, ...(assigned ? { assigned: assigned as Record<string, unknown> } : {}) };
}

function chooseJsonPath(run: StateRun): StateResult {
  const { state } = run;
  const effective = selectPath(state['InputPath'], pathData(run, run.input), 'InputPath');
  const matched = ((state['Choices'] as State[] | undefined) ?? []).find((rule) =>
    matches(rule, pathData(run, effective)),
  );
  const holder = matched ?? state;
  const next = chosenNext(run, matched);
  const assigned =
    holder['Assign'] === undefined
      ? undefined
      : (applyTemplate(holder['Assign'], pathData(run, effective)) as Record<string, unknown>);
  const output = selectPath(state['OutputPath'], pathData(run, effective), 'OutputPath');
  return { output, next, ...(assigned ? { assigned } : {}) };
}

function chosenNext(run: StateRun, matched: State | undefined): string {
  const next = (matched ?? run.state)[matched ? 'Next' : 'Default'];
  if (typeof next !== 'string') {
    throw new StatesError(
      'States.NoChoiceMatched',
      `No Choice rule of state '${run.name}' matched, and it has no Default`,
    );
  }
  return next;
}
