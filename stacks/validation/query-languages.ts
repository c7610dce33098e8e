/**
 * The two query languages of Step Functions as far as checking a definition needs them, shared by
 * synth (stacks/validation/definition.ts) and the local runtime's interpreter, which evaluates them:
 * where a JSONata expression is, which functions exist, and how a JSONPath path names a variable.
 */
import jsonata from 'jsonata';

const EXPRESSION = /^\{%([\s\S]*)%\}$/;

/** The expression inside `{% %}`, or undefined for a literal. */
export function expressionOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = EXPRESSION.exec(value);
  return m ? (m[1] as string).trim() : undefined;
}

// JSONata 2.0's function library (docs.jsonata.org, "Function library").
const JSONATA_FUNCTIONS = new Set(
  (
    'string length substring substringBefore substringAfter uppercase lowercase trim pad contains split join match ' +
    'replace eval base64encode base64decode encodeUrlComponent encodeUrl decodeUrlComponent decodeUrl number abs ' +
    'floor ceil round power sqrt random formatNumber formatBase formatInteger parseInteger sum max min average ' +
    'boolean not exists count append sort reverse shuffle distinct zip keys lookup spread merge sift each error ' +
    'assert type now millis fromMillis toMillis map filter single reduce'
  ).split(' '),
);

/** The functions Step Functions adds to JSONata's (the local interpreter implements each). */
export const STEP_FUNCTIONS_FUNCTION_NAMES: readonly string[] = [
  'partition',
  'range',
  'hash',
  'random',
  'uuid',
  'parse',
];

/** Whether `$name` is a function of JSONata's library or of Step Functions'. */
export function isKnownFunction(name: string): boolean {
  return JSONATA_FUNCTIONS.has(name) || STEP_FUNCTIONS_FUNCTION_NAMES.includes(name);
}

// `$name` (a variable) as opposed to `$`, `$.x`, `$[0]` or `$$`.
const VARIABLE = /^\$([A-Za-z_][A-Za-z0-9_]*)/;

/** The variable a path reads, if it reads one. */
export function variableOf(path: string): string | undefined {
  return path.startsWith('$$') ? undefined : VARIABLE.exec(path)?.[1];
}

/**
 * The syntax tree of a JSONata expression (the reference parser, the version AWS documents).
 * @throws Error with JSONata's message for a syntax error.
 */
export function jsonataAst(expression: string): unknown {
  return jsonata(expression).ast();
}
