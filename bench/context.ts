/**
 * What every figure group gets from bench/run.ts (the only bench module that reads the environment),
 * and what each returns.
 */
import { CONFIG_VARIABLES } from '../local/synth';
import type { Figure } from './report';

/** Settings of one bench run. */
export interface BenchContext {
  readonly repoRoot: string;
  /**
   * Environment for child processes: the caller's, minus every variable stacks/config.ts reads (so a
   * developer's STAGE or API_AUTH cannot change what is measured), plus CHECKPOINT_DISABLE=1.
   */
  readonly env: NodeJS.ProcessEnv;
  /** Repetitions of the short figures (synth, app, tests, type-check, cold start). */
  readonly runs: number;
  /** Length of the sustained-throughput run, seconds. */
  readonly throughputSeconds: number;
  /** Lengths of the real jobs the client waits for over HTTP, seconds (they take that long). */
  readonly httpJobSeconds: readonly number[];
  /** Executions the runtime group runs before its second memory reading (issue 24: 100,000). */
  readonly runtimeLongRunExecutions: number;
  /** Executions the job-API group fills the runtime with before timing the list (issue 13: 100,000). */
  readonly jobApiExecutions: number;
  /** Progress lines (stderr). */
  readonly log: (line: string) => void;
}

/** What a figure group returns: its table rows, and raw measurements for the JSON. */
export interface GroupResult {
  readonly figures: readonly Figure[];
  readonly raw: unknown;
}

/** State bucket name for synthesis: only `terraform init` would use it, and the bench never runs that. */
export const UNUSED_STATE_BUCKET = 'bench-unused';

/** The environment of {@link BenchContext.env} built from the caller's. */
export function benchEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: '1' };
  for (const name of CONFIG_VARIABLES) delete clean[name];
  return clean;
}
