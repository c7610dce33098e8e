/**
 * Runs a block of states (a state machine, a Parallel branch, a Map iteration) and each state's
 * frame: its Entered/Exited history events, Retry, Catch, the variables it assigns (visible from
 * the next state on), and the 256 KiB limit on what a state passes on.
 */
import { Aborted, ProcessingError, StatesError } from './errors';
import { evaluateField } from './jsonata';
import { applyResultPath, applyTemplate } from './jsonpath';
import { matchingIndex, retryDelayMs } from './retry';
import { runStateBody, type StateRun } from './state-types';
import type { Env, QueryLanguage, State, StatesBlock, Step } from './types';

/** Largest state input or output, in UTF-8 bytes (Step Functions quota). */
export const MAX_PAYLOAD_BYTES = 262_144;

/**
 * Runs a block from `StartAt` (or `startAt`) to a terminal state.
 * @returns the last state's output.
 * @throws StatesError the failure that ended the block; Aborted when `env.signal` was aborted.
 */
export async function runBlock(
  block: StatesBlock,
  input: unknown,
  env: Env,
  startAt = block.StartAt,
): Promise<unknown> {
  let name: string | undefined = startAt;
  let current = input;
  while (name !== undefined) {
    const state = block.States[name];
    if (!state) throw new StatesError('States.Runtime', `No state named '${name}'`);
    const step: Step = await runState(name, state, current, env);
    current = step.output;
    name = step.next;
  }
  return current;
}

function languageOf(state: State, env: Env): QueryLanguage {
  const own = state['QueryLanguage'];
  return own === 'JSONata' || own === 'JSONPath' ? own : env.language;
}

/** Runs one state (its frame, Retry and Catch included) and returns its output and next state. */
export async function runState(name: string, state: State, input: unknown, env: Env): Promise<Step> {
  checkAborted(env);
  const type = String(state['Type']);
  const enteredId = env.rt.record(`${type}StateEntered`, {
    stateEnteredEventDetails: { name, input: JSON.stringify(input), inputDetails: { truncated: false } },
  });
  const run: StateRun = {
    name,
    state,
    input,
    env,
    language: languageOf(state, env),
    context: { ...env.rt.context, State: { Name: name, EnteredTime: new Date().toISOString() } },
  };
  let step: Step & { assigned?: Record<string, unknown> };
  let outputText: string;
  let caught: StatesError | undefined;
  try {
    step = await withRetry(run);
    outputText = sizedText(name, step.output);
  } catch (err) {
    if (err instanceof Aborted || !(err instanceof StatesError)) throw err;
    const failure = describeFailure(err, name, enteredId, env);
    if (type === 'Map' || type === 'Parallel') env.rt.record(`${type}StateFailed`);
    const handled = await applyCatch(run, failure);
    if (!handled) throw failure;
    step = handled;
    caught = failure;
    outputText = JSON.stringify(step.output);
  }
  checkAborted(env);
  const assigned = step.assigned;
  env.rt.record(`${type}StateExited`, {
    stateExitedEventDetails: {
      name,
      output: outputText,
      outputDetails: { truncated: false },
      ...(assigned ? assignedDetails(assigned) : {}),
    },
  });
  if (assigned) Object.assign(env.vars, assigned);
  return { output: step.output, next: step.next, ...(caught ? { caught } : {}) };
}

function checkAborted(env: Env): void {
  if (env.signal.aborted) throw new Aborted('aborted');
}

function assignedDetails(assigned: Record<string, unknown>): Record<string, unknown> {
  return {
    assignedVariables: Object.fromEntries(Object.entries(assigned).map(([k, v]) => [k, JSON.stringify(v)])),
    assignedVariablesDetails: { truncated: false },
  };
}

// The output's JSON text, once checked against the limit (and reused for the history event).
function sizedText(name: string, output: unknown): string {
  const text = JSON.stringify(output) ?? 'null';
  // Only text that could be over the limit is measured in bytes (a UTF-8 character is 1 to 3 bytes per UTF-16 unit).
  if (text.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) {
    throw new StatesError(
      'States.DataLimitExceeded',
      `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    );
  }
  return text;
}

// A state's own data-handling failure gets AWS's prefix naming the state and its entered event, and
// an expression's failure an EvaluationFailed event naming the field.
function describeFailure(err: StatesError, name: string, enteredId: number, env: Env): StatesError {
  if (!(err instanceof ProcessingError) || err.cause?.startsWith('An error occurred while executing the state'))
    return err;
  const cause = `An error occurred while executing the state '${name}' (entered at the event id #${enteredId}). ${err.cause}`;
  if (err.location !== undefined) {
    env.rt.record('EvaluationFailed', {
      evaluationFailedEventDetails: { error: err.error, cause, location: err.location, state: name },
    });
  }
  return new ProcessingError(err.error as string, cause, err.location);
}

async function withRetry(run: StateRun): Promise<Step & { assigned?: Record<string, unknown> }> {
  const retriers = (run.state['Retry'] as Record<string, unknown>[] | undefined) ?? [];
  const attempts = retriers.map(() => 0);
  let retryCount = 0;
  for (;;) {
    try {
      // `$$.State.RetryCount` exists in Task states only (AWS "Context object").
      const state =
        run.state['Type'] === 'Task'
          ? { ...(run.context['State'] as object), RetryCount: retryCount }
          : run.context['State'];
      return await runStateBody({ ...run, context: { ...run.context, State: state } });
    } catch (err) {
      if (!(err instanceof StatesError) || err instanceof Aborted) throw err;
      const i = matchingIndex(retriers, err.error);
      if (i < 0) throw err;
      const retrier = retriers[i] as Record<string, unknown>;
      const max = typeof retrier['MaxAttempts'] === 'number' ? retrier['MaxAttempts'] : 3;
      if ((attempts[i] as number) >= max) throw err;
      attempts[i] = (attempts[i] as number) + 1;
      retryCount++;
      await sleep(run.env.rt.retryIntervalMs ?? retryDelayMs(retrier, attempts[i] as number), run.env.signal);
    }
  }
}

/**
 * Waits, or throws Aborted as soon as the signal is aborted.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted('aborted'));
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Aborted('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function applyCatch(
  run: StateRun,
  err: StatesError,
): Promise<(Step & { assigned?: Record<string, unknown> }) | undefined> {
  const catchers = (run.state['Catch'] as Record<string, unknown>[] | undefined) ?? [];
  const i = matchingIndex(catchers, err.error);
  if (i < 0) return undefined;
  const catcher = catchers[i] as Record<string, unknown>;
  const errorOutput = { Error: err.error, Cause: err.cause };
  const next = String(catcher['Next']);
  if (run.language === 'JSONata') {
    const data = { states: { input: run.input, context: run.context, errorOutput }, variables: run.env.vars };
    const assigned =
      catcher['Assign'] === undefined
        ? undefined
        : ((await evaluateField(catcher['Assign'], data, 'Assign')) as Record<string, unknown>);
    const output =
      catcher['Output'] === undefined ? errorOutput : await evaluateField(catcher['Output'], data, 'Output');
    return { output, next, ...(assigned ? { assigned } : {}) };
  }
  const data = { input: errorOutput, context: run.context, variables: run.env.vars };
  const assigned =
    catcher['Assign'] === undefined ? undefined : (applyTemplate(catcher['Assign'], data) as Record<string, unknown>);
  const output = applyResultPath(catcher['ResultPath'], run.input, errorOutput);
  return { output, next, ...(assigned ? { assigned } : {}) };
}
