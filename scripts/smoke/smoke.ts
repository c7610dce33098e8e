/**
 * Post-deploy smoke test: one short execution per job through the deployed API, with the project's
 * own client library, each of which must reach SUCCEEDED. A pure core ({@link runSmoke}) takes the
 * parsed outputs, the inputs and a client factory; `scripts/smoke.ts` is the thin CLI around it.
 */

import { type ApiClient, ApiError, WaitOutcome, waitForExecution } from '../../client';
import { ConfigError } from '../../lambda-src/shared/config-error';

/** One job to smoke-test: its name and the URL of its `POST .../start-execution` route. */
export interface SmokeJob {
  readonly name: string;
  readonly startExecutionUrl: string;
}

/** What the smoke test needs from a stack's outputs. */
export interface SmokeTarget {
  readonly region?: string;
  /** `api_auth` output: AWS_IAM, JWT or NONE. */
  readonly apiAuth: string;
  readonly describeExecutionUrl: string;
  readonly jobs: readonly SmokeJob[];
}

const START_PATH = '/start-execution';
const DESCRIBE_PATH = '/describe-execution';

/**
 * Reads a stack's outputs (one entry of the file `cdktf deploy --outputs-file` writes). Uses `jobs`
 * (`{ "<job>": { "start_execution_url": ... } }`) when the stack publishes it, else the single
 * `start_execution_url`, named by `default_job` when present.
 * @throws ConfigError naming the missing or malformed output.
 */
export function smokeTargetFromOutputs(outputs: Readonly<Record<string, unknown>>): SmokeTarget {
  const text = (name: string): string => {
    const value = outputs[name];
    if (typeof value !== 'string' || value === '') throw new ConfigError(`the outputs have no "${name}" string`);
    return value;
  };
  let jobs: SmokeJob[];
  if (outputs['jobs'] !== undefined) {
    const map = outputs['jobs'];
    if (map === null || typeof map !== 'object' || Array.isArray(map))
      throw new ConfigError('the "jobs" output is not an object of jobs');
    jobs = Object.entries(map as Record<string, unknown>).map(([name, job]) => {
      const url = (job as { start_execution_url?: unknown } | null)?.start_execution_url;
      if (typeof url !== 'string' || url === '') throw new ConfigError(`jobs.${name} has no start_execution_url`);
      return { name, startExecutionUrl: url };
    });
    if (jobs.length === 0) throw new ConfigError('the "jobs" output lists no job');
  } else {
    const name = typeof outputs['default_job'] === 'string' ? (outputs['default_job'] as string) : 'default';
    jobs = [{ name, startExecutionUrl: text('start_execution_url') }];
  }
  const region = typeof outputs['region'] === 'string' ? (outputs['region'] as string) : undefined;
  return { region, apiAuth: text('api_auth'), describeExecutionUrl: text('describe_execution_url'), jobs };
}

/** The client's endpoint for a route URL: the URL without the route's own path. */
export function endpointOf(url: string, routePath: string): string {
  if (!url.endsWith(routePath)) throw new ConfigError(`${url} does not end with ${routePath}`);
  return url.slice(0, -routePath.length);
}

/** How one job's smoke run ended. */
export interface SmokeResult {
  readonly job: string;
  readonly ok: boolean;
  readonly executionArn?: string;
  /** The terminal status, or what went wrong. */
  readonly outcome: string;
  /** The API's answer: the execution's error and cause, or the HTTP error's status and message. */
  readonly answer: string;
}

export interface SmokeOptions {
  /** The input of each job's execution (the job registry's example input). */
  readonly inputFor: (job: string) => unknown;
  /** An API client whose routes are under `endpoint`. */
  readonly clientFor: (endpoint: string) => ApiClient;
  /** How long each execution may take before the smoke test gives up on it. */
  readonly timeoutMs: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Starts one execution per job and waits for each; every result says what the API answered. */
export async function runSmoke(target: SmokeTarget, options: SmokeOptions): Promise<SmokeResult[]> {
  const describer = options.clientFor(endpointOf(target.describeExecutionUrl, DESCRIBE_PATH));
  const results: SmokeResult[] = [];
  for (const job of target.jobs) {
    try {
      const starter = options.clientFor(endpointOf(job.startExecutionUrl, START_PATH));
      const { executionArn } = await starter.startExecution({ input: options.inputFor(job.name) });
      const waited = await waitForExecution(describer, executionArn, {
        timeoutMs: options.timeoutMs,
        ...(options.now ? { now: options.now } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
      const d = waited.detail;
      const answer = d
        ? JSON.stringify({ status: d.status, output: d.output, error: d.error, cause: d.cause })
        : (waited.error?.message ?? 'no answer');
      results.push({
        job: job.name,
        ok: waited.outcome === WaitOutcome.Succeeded,
        executionArn,
        outcome: waited.outcome,
        answer,
      });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      results.push({
        job: job.name,
        ok: false,
        outcome: 'START_FAILED',
        answer: `HTTP ${err.status ?? '-'} ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' '),
      });
    }
  }
  return results;
}

/** One line per job, for the log. */
export function formatSmokeResult(r: SmokeResult): string {
  return `${r.ok ? 'ok  ' : 'FAIL'} ${r.job}: ${r.outcome}${r.executionArn ? ` (${r.executionArn})` : ''}${r.ok ? '' : ` — the API answered: ${r.answer}`}`;
}
