/**
 * What the CLI prints on stdout, shaped as the AWS CLI shapes it: `--query` (JMESPath, with the
 * `jmespath` package: the same specification the AWS CLI's Python `jmespath` implements) applied
 * first, then `--output json|text|table`. `text` follows awscli/text.py and `table` awscli/table.py
 * (see ./table.ts), so a script written against one reads the other the same way.
 */
import { search } from 'jmespath';
import { renderTable, scalarText } from './table';

/** Output formats, as the AWS CLI names them (`yaml` is not offered). */
export const OUTPUT_FORMATS = ['json', 'text', 'table'] as const;

/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A bad `--output` or `--query`; the message names the option and what it accepts. */
export class OutputOptionError extends Error {
  override readonly name = 'OutputOptionError';
}

/**
 * Parses an output format in any case (`JSON`, `Table`).
 * @throws OutputOptionError naming the accepted values.
 */
export function parseOutputFormat(value: string): OutputFormat {
  const format = value.trim().toLowerCase();
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new OutputOptionError(
      `--output must be one of ${OUTPUT_FORMATS.join(', ')} (any case); got ${JSON.stringify(value)}`,
    );
  }
  return format as OutputFormat;
}

/** Why `expression` is not JMESPath (the parser's message), or undefined when it is. */
export function queryProblem(expression: string): string | undefined {
  try {
    // Evaluating against null parses the whole expression (syntax errors throw) and reads no data.
    search(null, expression);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Checks a JMESPath expression up front, so a typo fails before any request is sent, and returns
 * the function that applies it.
 * @throws OutputOptionError naming the expression and the parser's message (also when applying fails).
 */
export function compileQuery(expression: string): (value: unknown) => unknown {
  const fail = (message: string): never => {
    throw new OutputOptionError(`--query ${JSON.stringify(expression)}: ${message}`);
  };
  const problem = queryProblem(expression);
  if (problem) fail(problem);
  return (value) => {
    try {
      return search(value, expression);
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
  };
}

/** How to render one result. */
export interface RenderOptions {
  readonly format: OutputFormat;
  /** Applied before formatting. */
  readonly query?: (value: unknown) => unknown;
  /** The table's title, as the AWS CLI uses the operation's name (e.g. `DescribeExecution`). */
  readonly title: string;
  /** Terminal width for `table` (the AWS CLI's default is 80). */
  readonly width?: number;
}

/** The text to print for `value` (ends with a newline unless empty). */
export function renderOutput(value: unknown, options: RenderOptions): string {
  const data = options.query ? options.query(value) : value;
  switch (options.format) {
    case 'json':
      return `${JSON.stringify(data ?? null, null, 2)}\n`;
    case 'text':
      return renderText(data);
    case 'table':
      return renderTable(options.title, data, options.width ?? 80);
  }
}

/** ISO 8601 (UTC, milliseconds) of an epoch-seconds date, the one date format of the CLI's output; null when absent. */
export function isoFromEpochSeconds(seconds: number | undefined): string | null {
  // Rounded: a product such as 1732480000.123 × 1000 may land a hair below the millisecond, which Date would truncate.
  return seconds !== undefined && Number.isFinite(seconds) ? new Date(Math.round(seconds * 1000)).toISOString() : null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown): boolean => typeof value !== 'object' || value === null;
const sorted = (keys: Iterable<string>): string[] => [...keys].sort();

/** awscli/text.py: tab-separated scalars in key order, nested values on lines of their own. */
export function renderText(data: unknown): string {
  const lines: string[] = [];
  formatText(data as Json, lines, undefined, undefined);
  return lines.map((line) => `${line}\n`).join('');
}

function formatText(
  item: Json,
  lines: string[],
  identifier: string | undefined,
  scalarKeys: string[] | undefined,
): void {
  if (isObject(item)) formatDict(item, lines, identifier, scalarKeys);
  else if (Array.isArray(item)) formatList(item, lines, identifier);
  else lines.push(scalarText(item));
}

function formatList(items: Json[], lines: string[], identifier: string | undefined): void {
  if (items.length === 0) return;
  if (items.some(isObject)) {
    const keys = new Set<string>();
    for (const element of items) {
      if (isObject(element)) for (const [key, value] of Object.entries(element)) if (isScalar(value)) keys.add(key);
    }
    for (const element of items) formatText(element, lines, identifier, sorted(keys));
  } else if (items.some(Array.isArray)) {
    const scalars = items.filter(isScalar);
    if (scalars.length > 0) formatScalarList(scalars, lines, identifier);
    for (const element of items.filter((el) => !isScalar(el))) formatText(element, lines, identifier, undefined);
  } else {
    formatScalarList(items, lines, identifier);
  }
}

function formatScalarList(items: Json[], lines: string[], identifier: string | undefined): void {
  if (identifier !== undefined)
    for (const item of items) lines.push(`${identifier.toUpperCase()}\t${scalarText(item)}`);
  else lines.push(items.map(scalarText).join('\t'));
}

function formatDict(
  item: Record<string, Json>,
  lines: string[],
  identifier: string | undefined,
  scalarKeys: string[] | undefined,
): void {
  const scalars: string[] = [];
  const nested: Array<[string, Json]> = [];
  if (scalarKeys === undefined) {
    for (const key of sorted(Object.keys(item))) {
      if (isScalar(item[key])) scalars.push(scalarText(item[key]));
      else nested.push([key, item[key]!]);
    }
  } else {
    for (const key of scalarKeys) scalars.push(Object.hasOwn(item, key) ? scalarText(item[key]) : '');
    for (const key of sorted(Object.keys(item).filter((k) => !scalarKeys.includes(k)))) nested.push([key, item[key]!]);
  }
  if (scalars.length > 0)
    lines.push((identifier !== undefined ? [identifier.toUpperCase(), ...scalars] : scalars).join('\t'));
  for (const [key, value] of nested) formatText(value, lines, key, undefined);
}

/** Longest cause shown in the one line that ends a wait; the description on stdout has all of it. */
export const CAUSE_SHOWN_CHARS = 160;

/**
 * An execution's error and cause as one short line: a Lambda error's cause is its JSON payload, of
 * which the `errorMessage` is what a reader wants (the trace stays in the description); any other
 * cause is cut at its first line and {@link CAUSE_SHOWN_CHARS}.
 */
export function failureSummary(error: string | null | undefined, cause: string | null | undefined): string {
  let text = cause ?? '';
  try {
    const payload = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof payload?.errorMessage === 'string') text = payload.errorMessage;
  } catch {
    // not JSON: a cause in words
  }
  text = text.split('\n')[0]!.trim();
  if (text.length > CAUSE_SHOWN_CHARS) text = `${text.slice(0, CAUSE_SHOWN_CHARS - 1)}…`;
  return [error, text].filter(Boolean).join(': ');
}
