/**
 * Measures the polling schedule on a virtual clock: for jobs of given lengths, how late the end is
 * noticed and how many describe requests it took. The bench prints these figures; the tests assert
 * the bounds with them. Run directly: `npx tsx client/simulate.ts`. Pure: no network, no real time
 * (`bench/measure/client-http.ts` does the same against a running API).
 *
 * The waits are set up as the CLI sets them up: `run` (the default) started the job itself, so it
 * counts from the job's start and first looks after the minimum interval; `wait` on an execution
 * that has already run `attachAtMs` looks at once and counts from the start the API reports.
 */
import { pollExecution, WaitOutcome } from './poll';
import { DEFAULT_SCHEDULE, DELAY_FRACTION, type ScheduleOptions } from './schedule';

/** Options of {@link simulateDetection}. */
export interface SimulationOptions {
  /** Job lengths in seconds. Default 1, 30, 900. */
  readonly jobSeconds?: readonly number[];
  /** Seeded random trials per job, on top of the two extreme jitter draws (always lowest, always highest). Default 200. */
  readonly trials?: number;
  /** Seed of the trials' PRNG. Default 1. */
  readonly seed?: number;
  readonly schedule?: Partial<ScheduleOptions>;
  /**
   * Have the fake API send `Retry-After` while running as the status Lambda does (a quarter of the
   * execution's age, whole seconds, clamped to 1..20). Default false: the client's own schedule.
   */
  readonly serverRetryAfter?: boolean;
  /** Round-trip time of each describe request in ms; the job's status is read half-way. Default 0. */
  readonly latencyMs?: number;
  /**
   * Simulate `wait` on an execution that has already run this long (ms) instead of `run`, which
   * starts the job at the beginning of the wait. Jobs must be longer than this.
   */
  readonly attachAtMs?: number;
}

/** Figures for one job length. Durations in milliseconds. */
export interface SimulationRow {
  readonly jobSeconds: number;
  readonly trials: number;
  readonly requests: { readonly min: number; readonly mean: number; readonly max: number };
  readonly delayMs: { readonly mean: number; readonly max: number };
  /**
   * Largest `delay / allowed` over the trials, where allowed = min(maxInterval, max(minInterval,
   * 25 % of the job's length)); ≤ 1 means every trial met the bound.
   */
  readonly worstBoundRatio: number;
}

/** One simulated wait. */
export interface JobRun {
  readonly requests: number;
  /** When the end was noticed, ms after the job started. */
  readonly noticedAtMs: number;
  readonly delayMs: number;
  /** Delay the bound allows for this job: `min(max, max(min, 25 % of its length))`. */
  readonly allowedDelayMs: number;
}

/**
 * The delay the schedule promises for a job of `jobMs`: `max(minInterval, DELAY_FRACTION × jobMs)`,
 * and never more than `maxInterval`.
 */
export function allowedDelayMs(jobMs: number, schedule: ScheduleOptions = DEFAULT_SCHEDULE): number {
  return Math.min(schedule.maxIntervalMs, Math.max(schedule.minIntervalMs, DELAY_FRACTION * jobMs));
}

/** Simulates waiting for one job of `jobMs`; the virtual clock reads 0 when the job starts. */
export async function simulateJob(
  jobMs: number,
  random: () => number,
  options: Omit<SimulationOptions, 'jobSeconds' | 'trials' | 'seed'> = {},
): Promise<JobRun> {
  const schedule = { ...DEFAULT_SCHEDULE, ...options.schedule };
  const latencyMs = options.latencyMs ?? 0;
  const attachAtMs = options.attachAtMs;
  if (attachAtMs !== undefined && !(attachAtMs >= 0 && attachAtMs < jobMs)) {
    throw new RangeError(`attachAtMs must be in [0, jobMs); got ${attachAtMs} for a job of ${jobMs} ms`);
  }
  // As the CLI does: `run` knows the start and first looks after the minimum interval; `wait` looks at once.
  const howToWait = attachAtMs === undefined ? { startedAtMs: 0, firstPollAfterMs: schedule.minIntervalMs } : {};
  let clock = attachAtMs ?? 0;
  let requests = 0;
  const result = await pollExecution<null>({
    ...schedule,
    ...howToWait,
    timeoutMs: jobMs + 24 * 3_600_000,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    random,
    observe: async () => {
      requests += 1;
      const serverTime = clock + latencyMs / 2;
      clock += latencyMs;
      // The client reads the age (now − the API's startDate) when the answer arrives.
      const ageMs = clock;
      if (serverTime >= jobMs) return { kind: 'status', status: 'SUCCEEDED', detail: null, ageMs };
      const retryAfterMs = options.serverRetryAfter ? apiRetryAfterMs(serverTime) : undefined;
      return { kind: 'status', status: 'RUNNING', detail: null, retryAfterMs, ageMs };
    },
  });
  if (result.outcome !== WaitOutcome.Succeeded)
    throw new Error(`simulation ended ${result.outcome}, expected SUCCEEDED`);
  return { requests, noticedAtMs: clock, delayMs: clock - jobMs, allowedDelayMs: allowedDelayMs(jobMs, schedule) };
}

/** Runs {@link simulateJob} for each job length over the extreme and seeded jitter draws. */
export async function simulateDetection(options: SimulationOptions = {}): Promise<SimulationRow[]> {
  const jobSeconds = options.jobSeconds ?? [1, 30, 900];
  const trials = options.trials ?? 200;
  const rows: SimulationRow[] = [];
  for (const seconds of jobSeconds) {
    const prng = mulberry32(options.seed ?? 1);
    const draws: Array<() => number> = [() => 0, () => 0.999_999, ...Array.from({ length: trials }, () => prng)];
    const runs: JobRun[] = [];
    for (const random of draws) runs.push(await simulateJob(seconds * 1000, random, options));
    const requests = runs.map((run) => run.requests);
    const delays = runs.map((run) => run.delayMs);
    rows.push({
      jobSeconds: seconds,
      trials: runs.length,
      requests: { min: Math.min(...requests), mean: mean(requests), max: Math.max(...requests) },
      delayMs: { mean: mean(delays), max: Math.max(...delays) },
      worstBoundRatio: Math.max(...runs.map((run) => run.delayMs / run.allowedDelayMs)),
    });
  }
  return rows;
}

/** A fixed-width table of {@link simulateDetection} rows. */
export function formatSimulation(rows: readonly SimulationRow[]): string {
  const header = 'job      trials  requests min/mean/max  delay mean/max      delay/bound (max, ≤1 ok)';
  const lines = rows.map((row) => {
    const job = row.jobSeconds >= 60 ? `${row.jobSeconds / 60} min` : `${row.jobSeconds} s`;
    const requests = `${row.requests.min}/${row.requests.mean.toFixed(1)}/${row.requests.max}`;
    const delay = `${(row.delayMs.mean / 1000).toFixed(2)} s/${(row.delayMs.max / 1000).toFixed(2)} s`;
    return `${job.padEnd(9)}${String(row.trials).padEnd(8)}${requests.padEnd(23)}${delay.padEnd(20)}${row.worstBoundRatio.toFixed(3)}`;
  });
  return [header, ...lines].join('\n');
}

/** The status Lambda's hint while running: ¼ of the execution's age, whole seconds, 1..20 s. */
export function apiRetryAfterMs(ageMs: number): number {
  return Math.min(20, Math.max(1, Math.floor(ageMs / 4000))) * 1000;
}

/** Small seeded PRNG (mulberry32) so figures are reproducible. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

if (require.main === module) {
  void (async () => {
    for (const serverRetryAfter of [false, true]) {
      const rows = await simulateDetection({ serverRetryAfter });
      process.stdout.write(
        `${serverRetryAfter ? "with the API's Retry-After hint" : 'client schedule alone'}\n${formatSimulation(rows)}\n\n`,
      );
    }
  })();
}
