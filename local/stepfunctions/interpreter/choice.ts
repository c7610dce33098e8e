/**
 * JSONPath Choice rules (ASL spec "Choice Rules"): `And`/`Or`/`Not` and the comparison operators,
 * each with its `...Path` form. JSONata Choice rules are a `Condition` and evaluated in states.ts.
 */
import { runtimeError } from './errors';
import { type PathData, resolvePath } from './jsonpath';

type Rule = Readonly<Record<string, unknown>>;

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Compare = (a: unknown, b: unknown) => boolean;

const str =
  (f: (a: string, b: string) => boolean): Compare =>
  (a, b) =>
    typeof a === 'string' && typeof b === 'string' && f(a, b);
const num =
  (f: (a: number, b: number) => boolean): Compare =>
  (a, b) =>
    typeof a === 'number' && typeof b === 'number' && f(a, b);
const time =
  (f: (a: number, b: number) => boolean): Compare =>
  (a, b) =>
    isTimestamp(a) && isTimestamp(b) && f(Date.parse(a), Date.parse(b));

const COMPARISONS: Readonly<Record<string, Compare>> = {
  StringEquals: str((a, b) => a === b),
  StringLessThan: str((a, b) => a < b),
  StringGreaterThan: str((a, b) => a > b),
  StringLessThanEquals: str((a, b) => a <= b),
  StringGreaterThanEquals: str((a, b) => a >= b),
  StringMatches: str((a, b) => wildcard(b).test(a)),
  NumericEquals: num((a, b) => a === b),
  NumericLessThan: num((a, b) => a < b),
  NumericGreaterThan: num((a, b) => a > b),
  NumericLessThanEquals: num((a, b) => a <= b),
  NumericGreaterThanEquals: num((a, b) => a >= b),
  BooleanEquals: (a, b) => typeof a === 'boolean' && a === b,
  TimestampEquals: time((a, b) => a === b),
  TimestampLessThan: time((a, b) => a < b),
  TimestampGreaterThan: time((a, b) => a > b),
  TimestampLessThanEquals: time((a, b) => a <= b),
  TimestampGreaterThanEquals: time((a, b) => a >= b),
};

const TYPE_TESTS: Readonly<Record<string, (v: unknown) => boolean>> = {
  IsNull: (v) => v === null,
  IsNumeric: (v) => typeof v === 'number',
  IsString: (v) => typeof v === 'string',
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: isTimestamp,
};

function isTimestamp(v: unknown): v is string {
  return typeof v === 'string' && TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v));
}

// `*` matches any run of characters; `\*` and `\\` are literal (ASL spec).
function wildcard(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) source += escapeChar(pattern[++i] as string);
    else if (ch === '*') source += '.*';
    else source += escapeChar(ch);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeChar(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Whether a (JSONPath) choice rule matches.
 * @throws StatesError States.Runtime when `Variable` (or a `...Path` operand) does not resolve.
 */
export function matches(rule: Rule, data: PathData): boolean {
  if (Array.isArray(rule['And'])) return (rule['And'] as Rule[]).every((r) => matches(r, data));
  if (Array.isArray(rule['Or'])) return (rule['Or'] as Rule[]).some((r) => matches(r, data));
  if (rule['Not'] !== undefined) return !matches(rule['Not'] as Rule, data);
  const variable = String(rule['Variable']);
  if (rule['IsPresent'] !== undefined) {
    let present = true;
    try {
      resolvePath(variable, data);
    } catch {
      present = false;
    }
    return present === rule['IsPresent'];
  }
  const value = resolvePath(variable, data);
  for (const [op, test] of Object.entries(TYPE_TESTS)) {
    if (rule[op] !== undefined) return test(value) === rule[op];
  }
  for (const [op, compare] of Object.entries(COMPARISONS)) {
    if (rule[op] !== undefined) return compare(value, rule[op]);
    const path = rule[`${op}Path`];
    if (path !== undefined) return compare(value, resolvePath(String(path), data));
  }
  throw runtimeError(`A choice rule on ${variable} has no comparison operator`);
}
