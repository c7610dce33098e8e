/**
 * Measures the local Lambda service against the runtime's scale targets (≥ 300 invocations/s on 2 cores;
 * 1,000 executions running at once in ≤ 300 MB): throughput of a trivial handler at 200 concurrent
 * invocations, and resident memory of the parent plus the function's process while 1,000 invocations sleep.
 *
 * Run directly: `npx tsx bench/measure/lambda-service.ts` prints the figures as JSON. The bench calls
 * `measureLambdaService()`.
 */
import { performance } from 'node:perf_hooks';
// The local Lambda tests' sandbox: zips written to a temporary folder, removed afterwards.
import { createSandbox } from '../../__tests__/local/lambda/fixtures';
import { createLambdaService } from '../../local/lambda/index';
import { readStatus } from '../../local/proc';
import { round } from '../stats';

/** What to measure; every field has a default matching the targets above. */
export interface MeasureOptions {
  /** Invocations in the throughput run (default 3000). */
  readonly invocations?: number;
  /** Invocations kept in flight during the throughput run (default 200). */
  readonly concurrency?: number;
  /** Invocations sleeping at once during the memory run (default 1000). */
  readonly sleepers?: number;
  /** How long each sleeping invocation waits (default 2000 ms). */
  readonly sleepMs?: number;
}

/** The figures. Memory is resident set size (RSS) in MB. */
export interface LambdaMeasurements {
  readonly throughput: {
    readonly invocations: number;
    readonly concurrency: number;
    readonly seconds: number;
    readonly invocationsPerSecond: number;
    /** Invocations that failed or answered with another invocation's result. */
    readonly failed: number;
  };
  readonly memory: {
    readonly sleepers: number;
    readonly sleepMs: number;
    /** Parent RSS before the run, with the service created and the function warm. */
    readonly parentIdleRssMb: number;
    /** Highest RSS seen while the invocations slept. */
    readonly parentPeakRssMb: number;
    readonly childPeakRssMb: number;
    /** Highest sampled sum of parent and child. */
    readonly totalPeakRssMb: number;
    readonly failed: number;
  };
}

const TRIVIAL = `exports.handler = async (event) => ({ ok: true, n: event.n });`;
const SLEEPER = `
  exports.handler = async (event) => {
    if (event.ms) await new Promise((resolve) => setTimeout(resolve, event.ms));
    return { pid: process.pid };
  };`;

/** Runs both measurements with fresh functions in a temporary folder, which is removed afterwards. */
export async function measureLambdaService(options: MeasureOptions = {}): Promise<LambdaMeasurements> {
  const invocations = options.invocations ?? 3000;
  const concurrency = options.concurrency ?? 200;
  const sleepers = options.sleepers ?? 1000;
  const sleepMs = options.sleepMs ?? 2000;

  const sandbox = createSandbox();
  const service = createLambdaService({
    functions: [
      sandbox.fn('trivial', { 'index.js': TRIVIAL }),
      sandbox.fn('sleeper', { 'index.js': SLEEPER }, { timeoutSeconds: sleepMs / 1000 + 5 }),
    ],
    workDir: sandbox.workDir,
    accountConcurrency: Math.max(1000, sleepers, concurrency),
    log: () => undefined,
  });
  try {
    // Throughput: the function is warmed first, so the figure is for warm invocations.
    await service.invoke({ functionName: 'trivial', payload: { n: -1 } });
    let next = 0;
    let failed = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < invocations) {
        const n = next++;
        const result = await service.invoke({ functionName: 'trivial', payload: { n } });
        if (result.functionError || (result.payload as { n?: number }).n !== n) failed += 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;

    // Memory: warm the sleeper (and learn its pid), then hold `sleepers` invocations in flight.
    const warm = await service.invoke({ functionName: 'sleeper', payload: { ms: 0 } });
    const childPid = (warm.payload as { pid: number }).pid;
    const parentIdleRssMb = mb(process.memoryUsage.rss());
    let parentPeak = 0;
    let childPeak = 0;
    let totalPeak = 0;
    const sample = (): void => {
      const parent = mb(process.memoryUsage.rss());
      const child = childRssMb(childPid);
      parentPeak = Math.max(parentPeak, parent);
      childPeak = Math.max(childPeak, child);
      totalPeak = Math.max(totalPeak, parent + child);
    };
    const sampler = setInterval(sample, 100);
    const results = await Promise.all(
      Array.from({ length: sleepers }, () => service.invoke({ functionName: 'sleeper', payload: { ms: sleepMs } })),
    );
    clearInterval(sampler);
    sample();

    return {
      throughput: {
        invocations,
        concurrency,
        seconds: round(seconds, 2),
        invocationsPerSecond: Math.round(invocations / seconds),
        failed,
      },
      memory: {
        sleepers,
        sleepMs,
        parentIdleRssMb,
        parentPeakRssMb: parentPeak,
        childPeakRssMb: childPeak,
        totalPeakRssMb: totalPeak,
        failed: results.filter((r) => r.functionError).length,
      },
    };
  } finally {
    await service.close();
    sandbox.remove();
  }
}

/** RSS of another process in MB (Linux /proc; 0 elsewhere). */
function childRssMb(pid: number): number {
  return Math.round((readStatus(pid)?.rssKb ?? 0) / 1024);
}

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

if (require.main === module) {
  measureLambdaService().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
