/**
 * The shape of a definition that the other checks (definition.ts, definition-scopes.ts) rely on: every
 * block's `States` an object of objects, `Branches`, `Choices`, `Catch`, `Retry` (and a rule's `And`,
 * `Or`) lists of objects, `ItemProcessor`/`Iterator` and a rule's `Not` objects. A definition that
 * breaks it is refused as AWS refuses it (a schema problem naming the field) instead of failing the
 * checks with a TypeError.
 */

/** One shape problem: the JSON pointer of the field and what is wrong with it. */
export interface ShapeProblem {
  readonly location: string;
  readonly message: string;
}

const LISTS = ['Branches', 'Choices', 'Catch', 'Retry'] as const;

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The shape problems of a block of states (a definition, a branch, a Map's processor) at `at`. */
export function shapeProblems(block: Readonly<Record<string, unknown>>, at: string): ShapeProblem[] {
  const out: ShapeProblem[] = [];
  const states = block['States'];
  if (states === undefined) return out; // reported by definition.ts as a missing field
  if (!isObject(states)) return [{ location: `${at}/States`, message: 'States must be a JSON object' }];
  for (const [name, state] of Object.entries(states)) {
    const where = `${at}/States/${name}`;
    if (!isObject(state)) {
      out.push({ location: where, message: `State '${name}' must be a JSON object` });
      continue;
    }
    for (const field of LISTS) objectList(state[field], `${where}/${field}`, name, out);
    for (const [i, rule] of listOrEmpty(state['Choices']).entries()) {
      if (isObject(rule)) ruleShape(rule, `${where}/Choices/${i}`, name, out);
    }
    for (const field of ['ItemProcessor', 'Iterator']) {
      const sub = state[field];
      if (sub === undefined) continue;
      if (isObject(sub)) out.push(...shapeProblems(sub, `${where}/${field}`));
      else
        out.push({
          location: `${where}/${field}`,
          message: `The field '${field}' of state '${name}' must be a JSON object`,
        });
    }
    for (const [i, branch] of listOrEmpty(state['Branches']).entries()) {
      if (isObject(branch)) out.push(...shapeProblems(branch, `${where}/Branches/${i}`));
    }
  }
  return out;
}

function listOrEmpty(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function objectList(value: unknown, at: string, name: string, out: ShapeProblem[]): void {
  if (value === undefined) return;
  const field = at.slice(at.lastIndexOf('/') + 1);
  if (!Array.isArray(value) || !value.every(isObject)) {
    out.push({ location: at, message: `The field '${field}' of state '${name}' must be a list of JSON objects` });
  }
}

// A Choice rule's And/Or lists and Not rule, at any depth.
function ruleShape(rule: Readonly<Record<string, unknown>>, at: string, name: string, out: ShapeProblem[]): void {
  for (const field of ['And', 'Or']) {
    objectList(rule[field], `${at}/${field}`, name, out);
    for (const [i, inner] of listOrEmpty(rule[field]).entries()) {
      if (isObject(inner)) ruleShape(inner, `${at}/${field}/${i}`, name, out);
    }
  }
  const not = rule['Not'];
  if (not === undefined) return;
  if (isObject(not)) ruleShape(not, `${at}/Not`, name, out);
  else out.push({ location: `${at}/Not`, message: `The field 'Not' of state '${name}' must be a JSON object` });
}
