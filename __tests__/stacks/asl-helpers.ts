/** Shapes of a rendered ASL definition, for tests that check structure rather than text. */
export interface State {
  Type: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: unknown;
  TimeoutSeconds?: unknown;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Choices?: { Next: string }[];
  ErrorPath?: string;
  CausePath?: string;
  ItemProcessor?: Scope;
  Iterator?: Scope;
  Branches?: Scope[];
}

/** A set of states with its start: the definition itself, a Map's processor or a Parallel branch. */
export interface Scope {
  StartAt: string;
  States: Record<string, State>;
}

export interface Definition extends Scope {
  TimeoutSeconds: unknown;
}

/** The definition and every nested scope (Map processors, Parallel branches), depth first. */
export function walkStates(scope: Scope): Scope[] {
  const nested = Object.values(scope.States).flatMap((s) => [
    ...(s.ItemProcessor ? [s.ItemProcessor] : []),
    ...(s.Iterator ? [s.Iterator] : []),
    ...(s.Branches ?? []),
  ]);
  return [scope, ...nested.flatMap(walkStates)];
}
