/**
 * JSONPath states' data handling: paths (`$.a`, `$$.Execution.Id`, `$variable.a`), payload templates
 * (`"key.$": "<path or intrinsic>"` in Parameters, ResultSelector, ItemSelector, Assign) and
 * ResultPath. Path evaluation is jsonpath-plus's; this module only picks the document a path starts
 * from (input, context object or a variable) and applies ASL's rules around it.
 */
import { JSONPath } from 'jsonpath-plus';
import { variableOf } from '../../../stacks/validation/query-languages';
import { runtimeError } from './errors';
import { evaluateIntrinsic, isIntrinsic } from './intrinsics';

/** What a JSONPath state's paths can reach. */
export interface PathData {
  /** What `$` is. */
  readonly input: unknown;
  /** The context object (`$$`). */
  readonly context: unknown;
  /** Workflow variables visible to the state (`$name`). */
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * Resolves a path, an intrinsic function call or a context/variable path against the data.
 * @throws StatesError States.Runtime when a definite path matches nothing, as AWS does.
 */
export function resolvePath(path: string, data: PathData): unknown {
  if (isIntrinsic(path)) return evaluateIntrinsic(path, (p) => resolvePath(p, data));
  let doc: unknown;
  let rest: string;
  if (path.startsWith('$$')) {
    doc = data.context;
    rest = path.slice(2);
  } else {
    const variable = variableOf(path);
    if (variable !== undefined) {
      if (!Object.hasOwn(data.variables, variable))
        throw runtimeError(`Undefined variable '${variable}' in path '${path}'`);
      doc = data.variables[variable];
      rest = path.slice(variable.length + 1);
    } else {
      doc = data.input;
      rest = path.slice(1);
    }
  }
  return query(`$${rest}`, doc, path);
}

function query(path: string, doc: unknown, shown: string): unknown {
  if (path === '$') return doc;
  const found = JSONPath({ path, json: doc as object, wrap: true, eval: 'safe' }) as unknown[];
  if (!isDefinite(path)) return found;
  if (found.length === 0) {
    throw runtimeError(`Invalid path '${shown}' : No results for path: ${bracketed(path)}`);
  }
  return found[0];
}

// A path with wildcards, filters, slices, unions or descendants selects a list (ASL spec).
function isDefinite(path: string): boolean {
  return !/\*|\.\.|\?\(|\[[^\]]*[,:][^\]]*\]/.test(path.replace(/'[^']*'/g, "''"));
}

function bracketed(path: string): string {
  return JSONPath.toPathArray(path)
    .map((seg, i) => (i === 0 ? '$' : /^\d+$/.test(seg) ? `[${seg}]` : `['${seg}']`))
    .join('');
}

/**
 * Applies a payload template: keys ending in `.$` take the value of their path (or intrinsic
 * function); other values are copied, objects and arrays walked.
 */
export function applyTemplate(template: unknown, data: PathData): unknown {
  if (Array.isArray(template)) return template.map((v) => applyTemplate(v, data));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') out[key.slice(0, -2)] = resolvePath(value, data);
    else out[key] = applyTemplate(value, data);
  }
  return out;
}

/** InputPath / OutputPath: `null` gives `{}`; absent gives the value unchanged. */
export function selectPath(path: unknown, data: PathData, field: string): unknown {
  if (path === undefined) return data.input;
  if (path === null) return {};
  if (typeof path !== 'string') throw runtimeError(`${field} must be a string`);
  return resolvePath(path, data);
}

/**
 * ResultPath: where the result goes in the state's input. `null` keeps the input, `$` (or absent)
 * replaces it, `$.a.b` sets that field in a copy, creating objects on the way.
 */
export function applyResultPath(resultPath: unknown, input: unknown, result: unknown): unknown {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === '$') return result;
  const segments = JSONPath.toPathArray(String(resultPath)).slice(1);
  const root = structuredClone(input) as unknown;
  // Stricter side: a field cannot be set on an array (AWS fails such a ResultPath; docs/aws-behaviour.md).
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw runtimeError(`Unable to apply ResultPath '${String(resultPath)}' to an input that is not an object`);
  }
  let node = root as Record<string, unknown>;
  segments.forEach((seg, i) => {
    if (i === segments.length - 1) {
      node[seg] = result;
      return;
    }
    const next = node[seg];
    if (next === undefined) node[seg] = {};
    else if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      throw runtimeError(`Unable to apply ResultPath '${String(resultPath)}': '${seg}' is not an object`);
    }
    node = node[seg] as Record<string, unknown>;
  });
  return root;
}
