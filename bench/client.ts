/**
 * Client figures: how late the polling client notices the end of a job, and how many describe
 * requests it sends, for jobs of 1 s, 30 s and 15 min. They come from client/simulate.ts on a
 * virtual clock (so a 15-minute job takes milliseconds): per job, the two extreme jitter draws plus
 * 200 seeded ones, with the client's own schedule and with the API's Retry-After hint.
 *
 * The bounds are checked for every trial: delay ≤ max(1 s, 25 % of the time waited when the job
 * ended), never more than the 20 s maximum interval, and ≤ 60 requests for the 15-minute job.
 *
 * {@link benchClientOverHttp} adds real jobs (1 s and 30 s; not 15 min, which would not fit the
 * bench's 5 minutes) against a local runtime over HTTP, through bench/measure/client-http.ts: the same wait as
 * `async-api run`, the status Lambda's Retry-After included, and the describe requests the runtime's
 * access log saw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowedDelayMs, type JobRun, mulberry32, simulateJob } from '../client/simulate';
import { startRuntime } from '../local/runtime';
import { synthIfStale } from '../local/synth';
import type { BenchContext, GroupResult } from './context';
import { measureAgainstRuntime, type RuntimeMeasurement } from './measure/client-http';
import { MEASURE_SETTINGS } from './measure/runtime-process';
import { type Figure, formatRange, formatValue } from './report';
import { summarize } from './stats';

/** Job lengths of the issue, seconds. */
export const JOB_SECONDS = [1, 30, 900] as const;
/** Seeded trials per job on top of the two extreme draws (as simulateDetection's default). */
export const TRIALS = 200;
const SEED = 1;
const MAX_REQUESTS_15_MIN = 60;

/** Simulates every job in both modes and turns the trials into rows. */
export async function benchClient(ctx: BenchContext): Promise<GroupResult> {
  ctx.log(`client: simulated jobs of ${JOB_SECONDS.join(', ')} s, ${TRIALS + 2} trials each`);
  const figures: Figure[] = [];
  const raw: Record<string, unknown>[] = [];
  for (const serverRetryAfter of [false, true]) {
    const mode = serverRetryAfter ? "with the API's Retry-After" : 'own schedule';
    for (const seconds of JOB_SECONDS) {
      const runs = await trials(seconds, serverRetryAfter);
      const job = seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`;
      const delays = summarize(runs.map((r) => r.delayMs / 1000));
      const requests = summarize(runs.map((r) => r.requests));
      // The strict reading of "time waited": measured when the job ended, not when it was noticed.
      const worstRatio = Math.max(...runs.map((r) => r.delayMs / r.allowedDelayMs));
      const idBase = `client.${serverRetryAfter ? 'retryAfter' : 'own'}.${seconds}s`;
      figures.push(
        {
          id: `${idBase}.delay`,
          label: `client, ${job} job (${mode}): detection delay`,
          unit: 's',
          value: delays.median,
          summary: delays,
          spread: `${formatRange(delays, 's', 'trials')}; worst ${worstRatio.toFixed(3)} of bound`,
          target: { text: '≤ max(1 s, 25 % of the job), every trial' },
          pass: worstRatio <= 1,
        },
        {
          id: `${idBase}.requests`,
          label: `client, ${job} job (${mode}): describe requests`,
          unit: 'requests',
          value: requests.median,
          summary: requests,
          spread: formatRange(requests, 'requests', 'trials'),
          ...(seconds === 900
            ? { target: { text: `≤ ${MAX_REQUESTS_15_MIN}, every trial` }, pass: requests.max <= MAX_REQUESTS_15_MIN }
            : {}),
        },
      );
      raw.push({
        mode,
        jobSeconds: seconds,
        trials: runs.length,
        delaySeconds: delays,
        requests,
        worstBoundRatio: worstRatio,
      });
    }
  }
  ctx.log(
    `client: worst delay ${formatValue(Math.max(...figures.filter((f) => f.unit === 's').map((f) => f.summary!.max)), 's')}`,
  );
  return { figures, raw };
}

async function trials(seconds: number, serverRetryAfter: boolean): Promise<JobRun[]> {
  const prng = mulberry32(SEED);
  // The extremes of the jitter first: the bounds must hold for them, not just on average.
  const draws: Array<() => number> = [() => 0, () => 0.999_999, ...Array.from({ length: TRIALS }, () => prng)];
  const runs: JobRun[] = [];
  for (const random of draws) runs.push(await simulateJob(seconds * 1000, random, { serverRetryAfter }));
  return runs;
}

/** Real jobs against a local runtime (in this process), one after the other. */
export async function benchClientOverHttp(ctx: BenchContext): Promise<GroupResult> {
  ctx.log(`client over HTTP: real jobs of ${ctx.httpJobSeconds.join(', ')} s against a local runtime`);
  const work = mkdtempSync(join(tmpdir(), 'async-api-bench-client-'));
  try {
    const outdir = join(work, 'cdktf.out');
    synthIfStale({ repoRoot: ctx.repoRoot, outdir, env: { ...ctx.env, ...MEASURE_SETTINGS } });
    let describes = 0;
    const runtime = await startRuntime({
      outdir,
      port: 0,
      dataDir: join(work, 'data'),
      log: () => undefined,
      functionLog: () => undefined,
      accessLog: (line) => {
        if (line.includes('/describe-execution')) describes += 1;
      },
    });
    const figures: Figure[] = [];
    const raw: RuntimeMeasurement[] = [];
    try {
      for (const seconds of ctx.httpJobSeconds) {
        const m = await measureAgainstRuntime(runtime.url, seconds, { countServerDescribes: () => describes });
        raw.push(m);
        const ratio = m.delayMs / allowedDelayMs(m.jobMs);
        const idBase = `client.http.${seconds}s`;
        figures.push(
          {
            id: `${idBase}.delay`,
            label: `client over HTTP, real ${seconds} s job: detection delay`,
            unit: 's',
            value: m.delayMs / 1000,
            spread: `1 run; job took ${(m.jobMs / 1000).toFixed(2)} s; ${ratio.toFixed(3)} of bound`,
            target: { text: '≤ max(1 s, 25 % of the job)' },
            pass: ratio <= 1,
          },
          {
            id: `${idBase}.requests`,
            label: `client over HTTP, real ${seconds} s job: describe requests`,
            unit: 'requests',
            value: m.requests,
            spread: `1 run; the runtime saw ${m.serverDescribes ?? '?'}`,
          },
        );
      }
    } finally {
      await runtime.close();
    }
    return { figures, raw };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
