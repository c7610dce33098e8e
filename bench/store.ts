/**
 * The runtime's execution store at scale (issue 13, item 8): the runtime in its own process (as `npm
 * start` runs it) serves 100,000 executions of the default job's example input, started over HTTP;
 * its RSS is sampled every 10,000 executions (flat after warm-up is the claim), then ListExecutions
 * and a RUNNING execution's describe are timed with those 100,000 in the store.
 *
 * - ListExecutions: the Step Functions API of the runtime through `@aws-sdk/client-sfn` (SigV4 and
 *   all), first page of 100 newest and a page further down through its token.
 * - describe of a RUNNING execution: `POST /describe-execution` over the HTTP API (gateway, status
 *   Lambda, DescribeExecution), and what progress costs on top of it in Step Functions calls:
 *   DescribeExecution plus GetExecutionHistory (`reverseOrder`, 20 events) through the SDK.
 *
 * `npm run bench -- --only store` runs this group alone (a few minutes: the 100,000 executions).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { synthIfStale } from '../local/synth';
import { defaultJob } from '../stacks/job';
import { JOBS } from '../stacks/jobs';
import type { BenchContext, GroupResult } from './context';
import {
  findStateMachineArn,
  MEASURE_SETTINGS,
  postJson,
  runtimeSfnClient,
  spawnMeasuredRuntime,
} from './measure/runtime-process';
import { type Figure, sampleFigure } from './report';
import { median } from './stats';

/** Executions the store holds when memory and listing are measured. */
export const STORE_EXECUTIONS = 100_000;
const LOG_EVERY = 10_000;
const CLIENTS = 32;
const TIMED_CALLS = 200;

/** Runs the store figures. */
export async function benchStore(ctx: BenchContext): Promise<GroupResult> {
  const work = mkdtempSync(join(tmpdir(), 'async-api-bench-store-'));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const outdir = join(work, 'cdktf.out');
    ctx.log('store: synthesizing...');
    synthIfStale({ repoRoot: ctx.repoRoot, outdir, env: { ...ctx.env, ...MEASURE_SETTINGS } });
    const runtime = await spawnMeasuredRuntime(outdir, join(work, 'data'));
    const sfn = runtimeSfnClient(runtime, { maxAttempts: 1 });
    try {
      const input = defaultJob(JOBS).exampleInput;
      let next = 0;
      let started = 0;
      let failedStarts = 0;
      const t0 = performance.now();
      const client = async (): Promise<void> => {
        while (next < STORE_EXECUTIONS) {
          const i = next++;
          const r = await postJson(runtime.url, '/start-execution', { input, name: `store-${i}` }, agent);
          if (r.status === 200) started++;
          else failedStarts++;
          if ((i + 1) % LOG_EVERY === 0) ctx.log(`store: ${i + 1} started`);
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, client));
      const machineArn = await findStateMachineArn(runtime.url, agent, defaultJob(JOBS).exampleInput);
      await untilNoneRunning(sfn, machineArn);
      const startSeconds = (performance.now() - t0) / 1000;
      ctx.log(`store: ${started} executions in ${startSeconds.toFixed(0)} s`);

      const firstPage = await timed(() =>
        sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 100 })),
      );
      const deep = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 1000 }));
      const deepPage = await timed(() =>
        sfn.send(
          new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 100, nextToken: deep.nextToken! }),
        ),
      );
      const filtered = await timed(() =>
        sfn.send(
          new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 100, statusFilter: 'SUCCEEDED' }),
        ),
      );

      // A RUNNING execution: the default job's worker holds for a minute (bench/measure/runtime.ts's memory phase does the same).
      const running = await postJson(
        runtime.url,
        '/start-execution',
        { input: { seconds: 60 }, name: 'store-running' },
        agent,
      );
      const executionArn = (running.body as { executionArn: string }).executionArn;
      await postJson(runtime.url, '/describe-execution', { executionArn }, agent); // brings up the status function
      const describeHttp = await timed(async () => {
        const r = await postJson(runtime.url, '/describe-execution', { executionArn }, agent);
        if ((r.body as { status?: string }).status !== 'RUNNING')
          throw new Error(`not RUNNING: ${JSON.stringify(r.body)}`);
      });
      const progressCalls = await timed(async () => {
        await sfn.send(new DescribeExecutionCommand({ executionArn }));
        await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 20 }));
      });
      await sfn.send(new StopExecutionCommand({ executionArn }));

      const figures: Figure[] = [
        {
          ...sampleFigure(
            {
              id: 'store.list.p50',
              label: `ListExecutions p50 (100 newest of ${STORE_EXECUTIONS.toLocaleString('en')})`,
              unit: 'ms',
              target: { max: 20, text: '≤ 20 ms' },
            },
            firstPage,
            { what: 'calls' },
          ),
          ...(failedStarts > 0 ? { note: `${failedStarts} of the starts were refused` } : {}),
        },
        sampleFigure(
          { id: 'store.list.deep.p50', label: 'ListExecutions p50, a page 1,000 deep (nextToken)', unit: 'ms' },
          deepPage,
          { what: 'calls' },
        ),
        sampleFigure(
          { id: 'store.list.filtered.p50', label: 'ListExecutions p50, statusFilter SUCCEEDED', unit: 'ms' },
          filtered,
          { what: 'calls' },
        ),
        sampleFigure(
          {
            id: 'store.describe.running.p50',
            label: 'POST /describe-execution p50, a RUNNING execution',
            unit: 'ms',
            target: { max: 15, text: '≤ 15 ms' },
          },
          describeHttp,
          { what: 'calls' },
        ),
        sampleFigure(
          {
            id: 'store.progress.calls.p50',
            label: 'DescribeExecution + GetExecutionHistory (reverse, 20) p50, RUNNING',
            unit: 'ms',
          },
          progressCalls,
          { what: 'calls' },
        ),
      ];
      return {
        figures,
        raw: {
          executions: started,
          failedStarts,
          startSeconds,
          p50: {
            list: median(firstPage),
            deep: median(deepPage),
            filtered: median(filtered),
            describeHttp: median(describeHttp),
            progressCalls: median(progressCalls),
          },
        },
      };
    } finally {
      sfn.destroy();
      await runtime.stop();
    }
  } finally {
    agent.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

// Milliseconds of TIMED_CALLS sequential calls.
async function timed(call: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < TIMED_CALLS; i++) {
    const t = performance.now();
    await call();
    out.push(performance.now() - t);
  }
  return out;
}

async function untilNoneRunning(sfn: SFNClient, stateMachineArn: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const r = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }));
    if ((r.executions ?? []).length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
