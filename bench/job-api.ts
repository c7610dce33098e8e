/**
 * Issue 13's read routes under a filled runtime: `POST /list-executions` (first page of 20, every job)
 * once `ctx.jobApiExecutions` executions exist (100,000; 5,000 with --quick), and `POST /describe-execution` of a RUNNING multi-step
 * execution, progress included (one DescribeExecution and one GetExecutionHistory behind it). The
 * runtime runs in this process with the default job's first function wrapped so that an execution
 * can hold (the fault wrapper the tests use), and is filled through its Step Functions endpoint.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ListExecutionsCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { faultyStack, WORKER_FAULTS, WORKER_INPUT } from '../__tests__/robustness/fault-injection';
import { startRuntime } from '../local/runtime';
import { synthIfStale } from '../local/synth';
import { defaultJob } from '../stacks/job';
import { JOBS } from '../stacks/jobs';
import type { BenchContext, GroupResult } from './context';
import { MEASURE_SETTINGS, postJson, runtimeSfnClient } from './measure/runtime-process';
import { type Figure, sampleFigure } from './report';

/** Timed requests per figure. */
const SAMPLES = 200;
/** Starts in flight while filling. */
const FILL_CONCURRENCY = 32;

const rows = (executions: number): Record<'list' | 'describe', Omit<Figure, 'value' | 'spread'>> => ({
  list: {
    id: 'jobApi.list.p50',
    label: `job API: POST /list-executions, first page of 20 over every job, ${executions.toLocaleString('en')} executions`,
    unit: 'ms',
    target: { max: 20, text: '≤ 20 ms' },
  },
  describe: {
    id: 'jobApi.describeProgress.p50',
    label: 'job API: POST /describe-execution of a RUNNING execution, with progress',
    unit: 'ms',
    target: { max: 15, text: '≤ 15 ms' },
  },
});

/** Fills a runtime, then times the list and the describe with progress. */
export async function benchJobApi(ctx: BenchContext): Promise<GroupResult> {
  const executions = ctx.jobApiExecutions;
  const ROWS = rows(executions);
  const work = mkdtempSync(join(tmpdir(), 'async-api-bench-jobapi-'));
  const agent = new Agent({ keepAlive: true, maxSockets: FILL_CONCURRENCY });
  let faulty: ReturnType<typeof faultyStack> | undefined;
  try {
    const outdir = join(work, 'cdktf.out');
    synthIfStale({ repoRoot: ctx.repoRoot, outdir, env: { ...ctx.env, ...MEASURE_SETTINGS } });
    faulty = faultyStack(outdir, { worker: { wrapper: WORKER_FAULTS } });
    const runtime = await startRuntime({
      outdir,
      stack: faulty.stack,
      port: 0,
      dataDir: join(work, 'data'),
      log: () => undefined,
      accessLog: () => undefined,
      functionLog: () => undefined,
    });
    const sfn = runtimeSfnClient(runtime);
    try {
      ctx.log(`job API: filling the runtime with ${executions} executions`);
      const fillSeconds = await fill(
        sfn,
        runtime.model.stateMachines.map((m) => m.arn),
        executions,
      );
      ctx.log(`job API: filled in ${fillSeconds.toFixed(0)} s; timing ${SAMPLES} lists and describes`);
      const list = await timed(async () => {
        const r = await postJson(runtime.url, '/list-executions', { maxResults: 20 }, agent);
        if (r.status !== 200) throw new Error(`list-executions answered ${r.status}`);
      });
      const started = await postJson(runtime.url, '/start-execution', { input: WORKER_INPUT.hold(60_000) }, agent);
      const executionArn = (started.body as { executionArn: string }).executionArn;
      await waitForProgress(runtime.url, executionArn, agent);
      const describe = await timed(async () => {
        const r = await postJson(runtime.url, '/describe-execution', { executionArn }, agent);
        const body = r.body as { status?: string; progress?: { states?: unknown[] } | null };
        if (r.status !== 200 || body.status !== 'RUNNING' || !body.progress?.states?.length)
          throw new Error(`describe answered ${r.status} without progress`);
      });
      await postJson(runtime.url, '/stop-execution', { executionArn }, agent);
      const what = { what: 'sequential requests' };
      return {
        figures: [sampleFigure(ROWS.list, list, what), sampleFigure(ROWS.describe, describe, what)],
        raw: { executions, fillSeconds, listMs: list, describeMs: describe },
      };
    } finally {
      sfn.destroy();
      await runtime.close();
    }
  } catch (err) {
    const note = `not measured: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    return {
      figures: Object.values(ROWS).map((row) => ({ ...row, value: null, spread: '—', note })),
      raw: { error: note },
    };
  } finally {
    agent.destroy();
    faulty?.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Starts `count` quick executions across the machines and waits until none runs. */
async function fill(sfn: SFNClient, machines: readonly string[], count: number): Promise<number> {
  const t0 = performance.now();
  // Each machine gets its own job's example input (machine names end with `-<job>`).
  const inputOf = (arn: string): string =>
    JSON.stringify((JOBS.find((job) => arn.endsWith(`-${job.name}`)) ?? defaultJob(JOBS)).exampleInput);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const stateMachineArn = machines[i % machines.length]!;
      await sfn.send(
        new StartExecutionCommand({ stateMachineArn, input: inputOf(stateMachineArn), name: `fill-${i}` }),
      );
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
  for (const stateMachineArn of machines) {
    for (;;) {
      const running = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }),
      );
      if ((running.executions ?? []).length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return (performance.now() - t0) / 1000;
}

/** Times `call` {@link SAMPLES} times after 10 untimed warm-up calls. */
async function timed(call: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 10; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return samples;
}

/** Waits until describe reports the execution's first running state. */
async function waitForProgress(url: string, executionArn: string, agent: Agent): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    const r = await postJson(url, '/describe-execution', { executionArn }, agent);
    const progress = (r.body as { progress?: { states?: unknown[] } | null }).progress;
    if (progress?.states?.length) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the held execution never showed a running state');
}
