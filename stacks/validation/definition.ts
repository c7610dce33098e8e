/**
 * Checks a definition as AWS does before it accepts one (at synth, for every job, and in the local
 * runtime for `npm start`, CreateStateMachine and ValidateStateMachineDefinition): the states' graph, each state's fields in its query language,
 * the JSONata expressions (syntax and functions), and that every variable a state reads is assigned
 * in its scope or an enclosing one (a Map iteration or Parallel branch sees its parents' variables;
 * nothing sees a child's). Each problem names the state and field, by its JSON pointer.
 */

import { allAssigned, assignedIn, outOfScope, type Scope, type State, type StatesBlock } from './definition-scopes';
import { shapeProblems } from './definition-shape';
import { expressionOf, isKnownFunction, jsonataAst, variableOf } from './query-languages';

/** One problem, as ValidateStateMachineDefinition's `diagnostics` carry it. */
export interface Diagnostic {
  readonly severity: 'ERROR';
  readonly code: 'SCHEMA_VALIDATION_FAILED' | 'INVALID_JSON_DESCRIPTION';
  readonly message: string;
  readonly location: string;
}

const TYPES = new Set(['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map']);
const JSONPATH_ONLY = [
  'InputPath',
  'OutputPath',
  'Parameters',
  'ResultSelector',
  'ResultPath',
  'ItemsPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'MaxConcurrencyPath',
];
const JSONATA_ONLY = ['Arguments', 'Output', 'Items'];
// Fields whose values may hold `{% %}` expressions in a JSONata state.
const JSONATA_FIELDS = [
  'Arguments',
  'Output',
  'Assign',
  'Items',
  'ItemSelector',
  'Condition',
  'Error',
  'Cause',
  'Seconds',
  'Timestamp',
  'TimeoutSeconds',
  'HeartbeatSeconds',
  'MaxConcurrency',
];

/** The problems of a definition (parsed JSON); empty when AWS would accept it. */
export function validateDefinition(definition: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    return [diag('', 'The definition must be a JSON object')];
  }
  const shape = shapeProblems(definition as Record<string, unknown>, '');
  if (shape.length > 0) return shape.map((p) => diag(p.location, p.message));
  const top = definition as StatesBlock;
  const language = top.QueryLanguage ?? 'JSONPath';
  if (language !== 'JSONPath' && language !== 'JSONata') {
    out.push(diag('/QueryLanguage', `QueryLanguage must be JSONPath or JSONata, got ${JSON.stringify(language)}`));
  }
  const scope: Scope = { assigned: assignedIn(top), all: allAssigned(top) };
  checkBlock(top, '', language === 'JSONata' ? 'JSONata' : 'JSONPath', scope, out);
  return out;
}

function diag(location: string, message: string): Diagnostic {
  return { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message, location: location || '/' };
}

function checkBlock(block: StatesBlock, at: string, topLanguage: string, scope: Scope, out: Diagnostic[]): void {
  const states = block.States;
  if (!states || typeof states !== 'object') {
    out.push(diag(`${at}/States`, 'States is required'));
    return;
  }
  if (typeof block.StartAt !== 'string' || !Object.hasOwn(states, block.StartAt)) {
    out.push(diag(`${at}/StartAt`, `StartAt names no state of this block: ${JSON.stringify(block.StartAt)}`));
  }
  for (const [name, state] of Object.entries(states)) {
    const where = `${at}/States/${name}`;
    const own = state['QueryLanguage'];
    if (own !== undefined && own !== 'JSONPath' && own !== 'JSONata') {
      out.push(diag(`${where}/QueryLanguage`, `QueryLanguage must be JSONPath or JSONata`));
    }
    if (topLanguage === 'JSONata' && own === 'JSONPath') {
      out.push(diag(`${where}/QueryLanguage`, `State '${name}' cannot use JSONPath in a JSONata state machine`));
    }
    const language = own === 'JSONata' || own === 'JSONPath' ? own : topLanguage;
    if (!TYPES.has(String(state['Type']))) out.push(diag(`${where}/Type`, `State '${name}' has no valid Type`));
    checkTransitions(state, name, where, states, out);
    checkFields(state, name, where, language, scope, out);
    for (const [i, branch] of ((state['Branches'] as StatesBlock[] | undefined) ?? []).entries()) {
      checkBlock(
        branch,
        `${where}/Branches/${i}`,
        topLanguage,
        { assigned: assignedIn(branch), parent: scope, all: scope.all },
        out,
      );
    }
    for (const key of ['ItemProcessor', 'Iterator']) {
      const sub = state[key] as StatesBlock | undefined;
      if (sub)
        checkBlock(
          sub,
          `${where}/${key}`,
          topLanguage,
          { assigned: assignedIn(sub), parent: scope, all: scope.all },
          out,
        );
    }
  }
}

function checkTransitions(
  state: State,
  name: string,
  where: string,
  states: Record<string, State>,
  out: Diagnostic[],
): void {
  const target = (value: unknown, field: string): void => {
    if (value !== undefined && (typeof value !== 'string' || !Object.hasOwn(states, value))) {
      out.push(diag(`${where}/${field}`, `State '${name}' field ${field} names no state: ${JSON.stringify(value)}`));
    }
  };
  target(state['Next'], 'Next');
  target(state['Default'], 'Default');
  for (const [i, rule] of ((state['Choices'] as State[] | undefined) ?? []).entries())
    target(rule['Next'], `Choices/${i}/Next`);
  for (const [i, c] of ((state['Catch'] as State[] | undefined) ?? []).entries()) target(c['Next'], `Catch/${i}/Next`);
  const terminal = ['Choice', 'Succeed', 'Fail'].includes(String(state['Type']));
  if (!terminal && state['Next'] === undefined && state['End'] !== true) {
    out.push(diag(where, `State '${name}' needs Next or End: true`));
  }
}

function checkFields(
  state: State,
  name: string,
  where: string,
  language: string,
  scope: Scope,
  out: Diagnostic[],
): void {
  const [refused, other] = language === 'JSONata' ? [JSONPATH_ONLY, 'JSONPath'] : [JSONATA_ONLY, 'JSONata'];
  const parts: [State, string][] = [[state, where]];
  for (const [i, rule] of ((state['Choices'] as State[] | undefined) ?? []).entries())
    parts.push([rule, `${where}/Choices/${i}`]);
  for (const [i, c] of ((state['Catch'] as State[] | undefined) ?? []).entries())
    parts.push([c, `${where}/Catch/${i}`]);
  for (const [part, at] of parts) {
    for (const field of [...refused, ...(language === 'JSONata' ? ['Variable'] : ['Condition'])]) {
      if (part[field] !== undefined) {
        out.push(
          diag(
            `${at}/${field}`,
            `The field '${field}' of state '${name}' is ${other}-only; this state uses ${language}`,
          ),
        );
      }
    }
  }
  if (language === 'JSONata') {
    for (const [part, at] of parts) {
      for (const field of JSONATA_FIELDS) {
        if (part[field] !== undefined) checkJsonata(part[field], name, `${at}/${field}`, scope, out);
      }
    }
  } else checkJsonPathVariables(state, name, where, scope, out);
}

function checkJsonata(value: unknown, name: string, at: string, scope: Scope, out: Diagnostic[]): void {
  const expression = expressionOf(value);
  if (expression !== undefined) {
    let ast: unknown;
    try {
      ast = jsonataAst(expression);
    } catch (err) {
      out.push(
        diag(at, `State '${name}': the JSONata expression '${expression}' does not parse: ${(err as Error).message}`),
      );
      return;
    }
    const bound = new Set<string>(['states', '']);
    collect(ast, (node) => {
      if (node['type'] === 'bind') bound.add(String((node['lhs'] as Record<string, unknown>)['value']));
      if (node['type'] === 'lambda')
        for (const a of (node['arguments'] as Record<string, unknown>[]) ?? []) bound.add(String(a['value']));
    });
    collect(ast, (node) => {
      const procedure = node['procedure'] as Record<string, unknown> | undefined;
      if ((node['type'] === 'function' || node['type'] === 'partial') && procedure?.['type'] === 'variable') {
        const fn = String(procedure['value']);
        if (!bound.has(fn) && !isKnownFunction(fn)) {
          out.push(
            diag(
              at,
              `State '${name}': the JSONata expression '${expression}' calls '$${fn}', which is not a function of JSONata or Step Functions`,
            ),
          );
        }
      }
    });
    collect(ast, (node) => {
      const ref = node['type'] === 'variable' ? String(node['value']) : undefined;
      if (ref === undefined || bound.has(ref)) return;
      if (isKnownFunction(ref)) return;
      if (outOfScope(scope, ref)) {
        out.push(
          diag(
            at,
            `State '${name}': the JSONata expression '${expression}' references '$${ref}', a variable assigned only in a scope this state cannot see (an inner Map iteration or Parallel branch)`,
          ),
        );
      }
    });
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) checkJsonata(v, name, `${at}/${i}`, scope, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) checkJsonata(v, name, `${at}/${key}`, scope, out);
  }
}

function collect(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const n of node) collect(n, visit);
  else if (node !== null && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const v of Object.values(node)) collect(v, visit);
  }
}

function checkJsonPathVariables(state: State, name: string, where: string, scope: Scope, out: Diagnostic[]): void {
  const check = (path: unknown, at: string): void => {
    if (typeof path !== 'string') return;
    for (const m of path.matchAll(/\$[A-Za-z_][A-Za-z0-9_]*/g)) {
      const variable = variableOf(m[0]);
      if (variable !== undefined && outOfScope(scope, variable)) {
        out.push(
          diag(
            at,
            `State '${name}': '${path}' references the variable '$${variable}', which is assigned only in a scope this state cannot see (an inner Map iteration or Parallel branch)`,
          ),
        );
      }
    }
  };
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${at}/${i}`);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key.endsWith('.$')) check(v, `${at}/${key}`);
        else walk(v, `${at}/${key}`);
      }
    }
  };
  for (const field of [
    'InputPath',
    'OutputPath',
    'ItemsPath',
    'ErrorPath',
    'CausePath',
    'SecondsPath',
    'TimestampPath',
  ]) {
    check(state[field], `${where}/${field}`);
  }
  for (const field of ['Parameters', 'ResultSelector', 'ItemSelector', 'Assign'])
    walk(state[field], `${where}/${field}`);
  const rule = (r: unknown, at: string): void => {
    if (r === null || typeof r !== 'object') return;
    for (const [key, v] of Object.entries(r)) {
      if (key === 'And' || key === 'Or') {
        for (const [i, x] of (v as unknown[]).entries()) rule(x, `${at}/${key}/${i}`);
      } else if (key === 'Not') rule(v, `${at}/Not`);
      else if (key === 'Variable' || key.endsWith('Path')) check(v, `${at}/${key}`);
      else if (key === 'Assign') walk(v, `${at}/Assign`);
    }
  };
  for (const [i, r] of ((state['Choices'] as State[] | undefined) ?? []).entries()) rule(r, `${where}/Choices/${i}`);
  for (const [i, c] of ((state['Catch'] as State[] | undefined) ?? []).entries())
    walk(c['Assign'], `${where}/Catch/${i}/Assign`);
}
