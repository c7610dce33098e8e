/**
 * JSONata in states: a string that is wholly `{% expression %}` is evaluated by the reference
 * `jsonata` package at the version AWS documents (2.0.6); objects and arrays are walked; every other
 * value is a literal. Expressions see `$states` (`input`, `result`, `errorOutput`, `context`), the
 * workflow variables, and Step Functions' own functions (`$partition`, `$range`, `$hash`, `$random`,
 * `$uuid`, `$parse`). A failure is `States.QueryEvaluationError`, naming the expression and field
 * as AWS does.
 */
import { randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import { expressionOf } from '../../../stacks/validation/query-languages';
import { ProcessingError } from './errors';
import { hashText, integerRange, MAX_RANGE_ITEMS, seededRandom } from './intrinsics';

/** What a JSONata state's expressions can reach. */
export interface JsonataData {
  readonly states: {
    readonly input: unknown;
    readonly context: unknown;
    readonly result?: unknown;
    readonly errorOutput?: unknown;
  };
  readonly variables: Readonly<Record<string, unknown>>;
}

/** Step Functions' functions, added to JSONata's own (AWS "Transforming data with JSONata"). */
export const STEP_FUNCTIONS_FUNCTIONS: Readonly<Record<string, (...args: never[]) => unknown>> = {
  partition: (array: unknown, size: unknown) => {
    if (!Array.isArray(array) || !Number.isInteger(size) || (size as number) < 1) {
      throw new Error('$partition expects an array and a chunk size >= 1');
    }
    const out: unknown[][] = [];
    for (let i = 0; i < array.length; i += size as number) out.push(array.slice(i, i + (size as number)));
    return out;
  },
  range: (start: unknown, end: unknown, step: unknown) => {
    if (![start, end, step].every(Number.isInteger) || step === 0) throw new Error('$range expects integers, step ≠ 0');
    const out = integerRange(start as number, end as number, step as number);
    if (out === undefined) throw new Error(`$range gives more than ${MAX_RANGE_ITEMS} items`);
    return out;
  },
  hash: (data: unknown, algorithm: unknown) => hashText(data, algorithm ?? 'SHA-256'),
  random: (seed: unknown) => (seed === undefined ? Math.random() : seededRandom(Number(seed))),
  uuid: () => randomUUID(),
  parse: (text: unknown) => {
    if (typeof text !== 'string') throw new Error('$parse expects a string');
    return JSON.parse(text);
  },
};

// Compiled expressions by text. Bounded: CreateStateMachine and TestState bring new texts for as long as
// the runtime runs; the oldest is dropped first (a definition's own are compiled again when next used).
const compiled = new Map<string, jsonata.Expression>();
const MAX_COMPILED = 10_000;

/**
 * Compiles an expression (cached).
 * @throws Error with JSONata's message for a syntax error.
 */
export function compile(expression: string): jsonata.Expression {
  let expr = compiled.get(expression);
  if (!expr) {
    expr = jsonata(expression);
    for (const [name, fn] of Object.entries(STEP_FUNCTIONS_FUNCTIONS)) {
      expr.registerFunction(name, fn as (...args: unknown[]) => unknown);
    }
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(expression, expr);
  }
  return expr;
}

/**
 * Evaluates a field's value: `{% %}` strings anywhere in it, other values as they are.
 * @throws StatesError States.QueryEvaluationError, `location` = field.
 */
export async function evaluateField(value: unknown, data: JsonataData, field: string): Promise<unknown> {
  const expression = expressionOf(value);
  if (expression !== undefined) return evaluateExpression(expression, data, field);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await evaluateField(v, data, field));
    return out;
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = await evaluateField(v, data, field);
  return out;
}

async function evaluateExpression(expression: string, data: JsonataData, field: string): Promise<unknown> {
  let result: unknown;
  try {
    const bindings: Record<string, unknown> = { ...data.variables, states: data.states };
    result = await compile(expression).evaluate(undefined, bindings);
  } catch (err) {
    const message = (err as { message?: string }).message ?? String(err);
    throw queryError(
      `The JSONata expression '${expression}' specified for the field '${field}' threw an error: ${message}`,
      field,
    );
  }
  if (result === undefined) {
    throw queryError(
      `The JSONata expression '${expression}' specified for the field '${field}' returned nothing (undefined).`,
      field,
    );
  }
  return toJson(result);
}

// JSONata results can carry its internal markers (sequences, functions); AWS keeps the JSON value.
function toJson(value: unknown): unknown {
  if (typeof value === 'function') return undefined;
  return JSON.parse(JSON.stringify(value) ?? 'null');
}

/**
 * Checks a field's evaluated value against the JSON type AWS expects there.
 * @throws StatesError States.QueryEvaluationError in AWS's words.
 */
export function expectType(
  value: unknown,
  type: 'array' | 'number' | 'string' | 'boolean',
  source: unknown,
  field: string,
): void {
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (actual === type) return;
  const expression = expressionOf(source) ?? JSON.stringify(source);
  throw queryError(
    `The JSONata expression '${expression}' specified for the field '${field}' returned an unexpected result type. Expected '${type}', but was '${actual}' for value: ${JSON.stringify(value)}`,
    field,
  );
}

function queryError(cause: string, field: string): ProcessingError {
  return new ProcessingError('States.QueryEvaluationError', cause, field);
}
