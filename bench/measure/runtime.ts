/**
 * Measures the local runtime against its targets (issue #3): start→SUCCEEDED latency of a
 * zero-second job through HTTP, sustained executions per second, and memory with many executions
 * running at once. The bench calls {@link measureRuntime}; `npm run local:measure` prints JSON.
 *
 * By default it synthesizes the stack into a temporary folder (API_AUTH=NONE,
 * stage throttling raised so that it measures the runtime, not the 50 rps default limit) and runs
 * the runtime as a child process, as `npm start` does, so the load generator does not share its
 * event loop. Pass `url` (and `pid`, `credentials`) to measure a runtime that is already running.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { REPO_ROOT } from '../../local/runtime';
import { synthIfStale } from '../../local/synth';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { percentile, round } from '../stats';
import { countSince, idleRss, type MemoryReading, memoryAfter, startAtFullSpeed, waitUntilClosed } from './long-run';
import {
  type CpuPerExecution,
  cpuMs,
  cpuPerExecution,
  findStateMachineArn,
  MEASURE_SETTINGS,
  postJson,
  rssMb,
  runtimeSfnClient,
  spawnMeasuredRuntime,
  type Target,
} from './runtime-process';

/** What the latency and throughput runs start: the default job's example input (the registry's). */
const EXAMPLE_INPUT = defaultJob(JOBS).exampleInput;

/** Options of {@link measureRuntime}; every field has a default. */
export interface MeasureOptions {
  /** A running runtime to measure (its stack must have API_AUTH=NONE). */
  readonly url?: string;
  /** Its process id, for memory figures. */
  readonly pid?: number;
  /** The developer credentials of that runtime (`<dataDir>/credentials.json`). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Sequential executions for the latency figures (default 200). */
  readonly latencySamples?: number;
  /** Length of the throughput run in seconds (default 10). */
  readonly throughputSeconds?: number;
  /** Concurrent clients starting executions during the throughput run (default 16). */
  readonly throughputConcurrency?: number;
  /**
   * Executions run in the first runtime (the latency and throughput runs' included) before its memory
   * is read a second time; the first reading comes after a tenth of them (default 100,000).
   */
  readonly longRunExecutions?: number;
  /** Executions running at once for the memory figure (default 1000). */
  readonly concurrentExecutions?: number;
  /** `seconds` input of those executions (default 30). */
  readonly concurrentSeconds?: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** What {@link measureRuntime} returns. */
export interface RuntimeMeasurements {
  readonly latency: {
    readonly samples: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly describesPerExecution: number;
  };
  readonly throughput: {
    readonly seconds: number;
    readonly started: number;
    readonly succeeded: number;
    /** Succeeded executions divided by the time from the first start to the last one closing. */
    readonly executionsPerSecond: number;
    readonly rejected: number;
    /** CPU ms per succeeded execution during the run ({@link cpuPerExecution}); none without /proc. */
    readonly cpuMsPerExecution?: CpuPerExecution;
  };
  /** The first runtime's RSS after a tenth of the long run's executions and after all of them, closed. */
  readonly longRun: { readonly first: MemoryReading; readonly last: MemoryReading };
  readonly memory: {
    readonly executions: number;
    readonly running: number;
    /** RSS of the runtime process, idle after one execution. */
    readonly idleRssMb: number;
    /** The same with the function processes started by then. */
    readonly idleRssTotalMb: number;
    /** RSS of the runtime process alone. */
    readonly rssRuntimeMb: number;
    /** RSS of the runtime and its function processes. */
    readonly rssTotalMb: number;
  };
}

/**
 * Runs the three measurements. When it starts the runtime itself, the memory figure comes from a
 * second, fresh runtime: the first one holds every execution of the throughput run by then.
 */
export async function measureRuntime(options: MeasureOptions = {}): Promise<RuntimeMeasurements> {
  const log = options.log ?? (() => undefined);
  const executions = options.concurrentExecutions ?? 1000;
  const jobSeconds = options.concurrentSeconds ?? 30;
  const memoryOf = (t: Connected): Promise<RuntimeMeasurements['memory']> =>
    phase(log, 'memory', async () => {
      const idle = await idleRss(t);
      const m = await measureMemory(t.url, t.agent, t.sfn, t.stateMachineArn, t.pid, executions, jobSeconds);
      return { ...m, ...idle };
    });

  if (options.url) {
    const target = { url: options.url, pid: options.pid, credentials: options.credentials! };
    return withTarget(target, async (t) => {
      const idle = await idleRss(t);
      const first = await firstRuntimePhases(t, options, log);
      const memory = await memoryOf(t);
      return { ...first, memory: { ...memory, ...idle } };
    });
  }
  const work = mkdtempSync(join(tmpdir(), 'async-api-measure-'));
  try {
    const outdir = join(work, 'cdktf.out');
    log('synthesizing...');
    synthIfStale({ repoRoot: REPO_ROOT, outdir, env: { ...process.env, ...MEASURE_SETTINGS } });
    const first = await spawnMeasuredRuntime(outdir, join(work, 'data-1'));
    const phases = await withTarget(first, (t) => firstRuntimePhases(t, options, log)).finally(() => first.stop());
    const second = await spawnMeasuredRuntime(outdir, join(work, 'data-2'));
    const memory = await withTarget(second, memoryOf).finally(() => second.stop());
    return { ...phases, memory };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Latency, then memory after a tenth of the long run, throughput, and memory after the whole long run,
 * in one runtime: every execution these phases start counts towards the long run.
 */
async function firstRuntimePhases(
  t: Connected,
  options: MeasureOptions,
  log: (line: string) => void,
): Promise<Omit<RuntimeMeasurements, 'memory'>> {
  const latencySamples = options.latencySamples ?? 200;
  const concurrency = options.throughputConcurrency ?? 16;
  const total = options.longRunExecutions ?? 100_000;
  const latency = await phase(log, 'latency', () => measureLatency(t.url, t.agent, latencySamples));
  // findStateMachineArn started one execution too.
  const long = { input: EXAMPLE_INPUT, concurrency };
  const first = await phase(log, `memory after ${Math.round(total / 10)} executions`, () =>
    memoryAfter(t, { ...long, executions: Math.round(total / 10), alreadyRun: 1 + latencySamples }),
  );
  const throughput = await phase(log, 'throughput', () =>
    measureThroughput(t, options.throughputSeconds ?? 10, concurrency),
  );
  const last = await phase(log, `memory after ${total} executions`, () =>
    memoryAfter(t, { ...long, executions: total, alreadyRun: first.executions + throughput.started }),
  );
  return { latency, throughput, longRun: { first, last } };
}

interface Connected extends Target {
  readonly agent: Agent;
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
}

async function withTarget<T>(target: Target, run: (t: Connected) => Promise<T>): Promise<T> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const sfn = runtimeSfnClient(target, { maxAttempts: 1 });
  try {
    const stateMachineArn = await findStateMachineArn(target.url, agent, EXAMPLE_INPUT);
    return await run({ ...target, agent, sfn, stateMachineArn });
  } finally {
    agent.destroy();
    sfn.destroy();
  }
}

async function phase<T>(log: (line: string) => void, name: string, run: () => Promise<T>): Promise<T> {
  log(`${name}...`);
  const result = await run();
  log(`${name}: ${JSON.stringify(result)}`);
  return result;
}

async function measureLatency(url: string, agent: Agent, samples: number): Promise<RuntimeMeasurements['latency']> {
  const times: number[] = [];
  let describes = 0;
  const tag = Date.now().toString(36);
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const started = await postJson(url, '/start-execution', { input: EXAMPLE_INPUT, name: `lat-${tag}-${i}` }, agent);
    if (started.status !== 200)
      throw new Error(`start-execution answered ${started.status}: ${JSON.stringify(started.body)}`);
    const executionArn = (started.body as { executionArn: string }).executionArn;
    // Poll back-to-back: the figure is the runtime's latency, not a polling interval.
    for (let attempt = 0; attempt < 10_000; attempt++) {
      describes++;
      const d = await postJson(url, '/describe-execution', { executionArn }, agent);
      const status = (d.body as { status?: string }).status;
      if (d.status === 200 && status !== 'RUNNING') {
        if (status !== 'SUCCEEDED') throw new Error(`execution ended ${String(status)}: ${JSON.stringify(d.body)}`);
        break;
      }
      if (d.status !== 200) throw new Error(`describe-execution answered ${d.status}: ${JSON.stringify(d.body)}`);
    }
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    samples,
    p50Ms: round(percentile(times, 0.5)),
    p99Ms: round(percentile(times, 0.99)),
    describesPerExecution: round(describes / samples),
  };
}

async function measureThroughput(
  target: Connected,
  seconds: number,
  concurrency: number,
): Promise<RuntimeMeasurements['throughput']> {
  const { url, agent, sfn, stateMachineArn, pid } = target;
  const cpuBefore = pid ? cpuMs(pid) : undefined;
  const tag = Date.now().toString(36);
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const { started, rejected } = await startAtFullSpeed(
    { url, agent },
    { input: EXAMPLE_INPUT, prefix: `tput-${tag}-`, concurrency, more: () => performance.now() < deadline },
  );
  // Wait for the last executions to close, then count what succeeded.
  await waitUntilClosed(target, 30_000);
  const elapsed = (performance.now() - t0) / 1000;
  const cpuAfter = pid ? cpuMs(pid) : undefined;
  const succeeded = await countSince(sfn, stateMachineArn, `tput-${tag}-`, 'SUCCEEDED');
  const cpu = cpuPerExecution(cpuBefore, cpuAfter, succeeded);
  const result = { seconds: round(elapsed), started, succeeded, rejected };
  return { ...result, executionsPerSecond: round(succeeded / elapsed), ...(cpu ? { cpuMsPerExecution: cpu } : {}) };
}

async function measureMemory(
  url: string,
  agent: Agent,
  sfn: SFNClient,
  stateMachineArn: string,
  pid: number | undefined,
  executions: number,
  seconds: number,
): Promise<Omit<RuntimeMeasurements['memory'], 'idleRssMb' | 'idleRssTotalMb'>> {
  const tag = Date.now().toString(36);
  const arns: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < executions) {
      const i = next++;
      const r = await postJson(url, '/start-execution', { input: { seconds }, name: `mem-${tag}-${i}` }, agent);
      if (r.status !== 200) throw new Error(`start-execution answered ${r.status}: ${JSON.stringify(r.body)}`);
      arns.push((r.body as { executionArn: string }).executionArn);
    }
  };
  // A client's describe brings up the status function's process too, as in real use. It must come
  // first: once 1,000 worker invocations hold the account's whole concurrency (Lambda's default quota),
  // the status function is throttled, as it would be in AWS.
  const probe = await postJson(url, '/start-execution', { input: EXAMPLE_INPUT, name: `mem-probe-${tag}` }, agent);
  await postJson(
    url,
    '/describe-execution',
    { executionArn: (probe.body as { executionArn: string }).executionArn },
    agent,
  );
  await Promise.all(Array.from({ length: 32 }, worker));
  // Give every execution time to reach its Lambda invocation, then sample.
  await sleep(2000);
  const running = await countSince(sfn, stateMachineArn, `mem-${tag}-`, 'RUNNING');
  const rss = pid ? rssMb(pid) : { self: 0, total: 0 };
  for (const executionArn of arns)
    await sfn.send(new StopExecutionCommand({ executionArn, cause: 'measurement finished' }));
  return { executions, running, rssRuntimeMb: rss.self, rssTotalMb: rss.total };
}

if (require.main === module) {
  measureRuntime({ log: (line) => process.stderr.write(`${line}\n`) }).then(
    (m) => process.stdout.write(`${JSON.stringify(m, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
