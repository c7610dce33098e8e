/**
 * Variable scopes of a definition (AWS "Variable scope"): a state sees what its own block assigns
 * and what enclosing blocks assign; a Map iteration's or Parallel branch's assignments stay inside.
 */
/** A state as written in a definition. */
export type State = Readonly<Record<string, unknown>>;

/** A state machine, a Parallel branch or a Map's ItemProcessor. */
export interface StatesBlock {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
  readonly QueryLanguage?: string;
}

/** The variables a block of states can see. */
export interface Scope {
  readonly assigned: Set<string>;
  readonly parent?: Scope;
  /** Every name assigned anywhere in the state machine. */
  readonly all: Set<string>;
}

// Every name a block's own states assign (not its Maps' and Parallels' children).
export function assignedIn(block: StatesBlock): Set<string> {
  const names = new Set<string>();
  const add = (assign: unknown): void => {
    if (assign && typeof assign === 'object') {
      for (const key of Object.keys(assign)) names.add(key.endsWith('.$') ? key.slice(0, -2) : key);
    }
  };
  for (const state of Object.values(block.States ?? {})) {
    add(state['Assign']);
    for (const rule of (state['Choices'] as State[] | undefined) ?? []) add(rule['Assign']);
    for (const c of (state['Catch'] as State[] | undefined) ?? []) add(c['Assign']);
  }
  return names;
}

export function allAssigned(block: StatesBlock, into = new Set<string>()): Set<string> {
  for (const name of assignedIn(block)) into.add(name);
  for (const state of Object.values(block.States ?? {})) {
    for (const branch of (state['Branches'] as StatesBlock[] | undefined) ?? []) allAssigned(branch, into);
    for (const key of ['ItemProcessor', 'Iterator']) {
      const sub = state[key] as StatesBlock | undefined;
      if (sub) allAssigned(sub, into);
    }
  }
  return into;
}

// AWS accepts a reference to a name assigned nowhere (it fails at run time, as undefined); it
// refuses one to a name assigned only in a scope the state cannot see (an inner Map or branch).
export function outOfScope(scope: Scope, name: string): boolean {
  return scope.all.has(name) && !visible(scope, name);
}

function visible(scope: Scope | undefined, name: string): boolean {
  return scope !== undefined && (scope.assigned.has(name) || visible(scope.parent, name));
}
