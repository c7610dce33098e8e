/**
 * Load test (issue #6, part 5): 10,000 zero-second executions started and followed to their end
 * through the HTTP API of the local runtime on loopback, with a bounded number of requests in flight
 * and an overall time limit after which it stops by itself and reports what is missing.
 *
 *   npm run test:load [-- --executions 10000 --concurrency 50 --time-limit 120]
 *
 * The runtime runs as its own process (as `npm start` runs it) over the stack synthesized with the
 * test settings (API_AUTH=NONE, stage throttling raised to 10,000 rps / 5,000
 * burst so that the 50 rps default is not what is measured). Each of `concurrency` clients starts an
 * execution, then describes it every 10 ms until it is no longer RUNNING (Retry-After is ignored on
 * purpose: the figure is the runtime's, not a polling interval), then starts the next one. At the end
 * ListExecutions is compared with what the clients saw.
 *
 * The issue-13 routes have their place too: after every {@link SIDE_CALL_EVERY}th execution its client
 * also reads one page of `POST /list-executions` and of `POST /get-execution-history`, and at the end
 * the run's executions are listed again through `POST /list-executions`, page by page, and one
 * `POST /redrive-execution` of a SUCCEEDED execution must be refused with 409.
 *
 * Exit code 0 when every started execution SUCCEEDED and no response was a 5xx or a 429; 1 otherwise
 * (lost executions, 5xx, 429, network errors, the time limit reached); 2 on bad arguments.
 */
import '../../scripts/require-node.cjs'; // first: an older Node.js stops here with one line
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { postJson, rssMb, runtimeSfnClient } from '../../bench/measure/runtime-process';
import { percentile, round } from '../../bench/stats';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { DEFAULT_SETTINGS, synthesize } from '../local/helpers';
import { spawnRuntime } from '../robustness/runtime-process';

/** The default job's example input (the registry's): small, and done in seconds. */
const EXAMPLE_INPUT = defaultJob(JOBS).exampleInput;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Executions to start (default 10,000). */
  readonly executions: number;
  /** Clients, i.e. requests in flight at most (default 50). */
  readonly concurrency: number;
  /** Seconds after which no execution is started and waiting ends (default 120). */
  readonly timeLimitSeconds: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** What {@link runLoad} counted and measured. */
export interface LoadReport {
  readonly requested: number;
  readonly started: number;
  readonly succeeded: number;
  /** Started but not seen SUCCEEDED (another end status, never finished, or unknown to describe). */
  readonly lost: number;
  readonly responses5xx: number;
  readonly responses429: number;
  /** Other non-200 answers to a start (a bad request here is a bug of the driver or the runtime). */
  readonly otherRejections: number;
  readonly networkErrors: number;
  readonly timeLimitReached: boolean;
  /** ListExecutions: executions of this run by status, to compare with the clients' counts. */
  readonly listed: Readonly<Record<string, number>>;
  /** Executions of this run that `POST /list-executions` returned, paging through all of them. */
  readonly listedByApi: number;
  /** The list, history and redrive routes under load: calls, wrong answers, latencies. */
  readonly jobApi: {
    readonly calls: number;
    readonly failures: number;
    readonly listMs: { readonly p50: number; readonly p99: number };
    readonly historyMs: { readonly p50: number; readonly p99: number };
  };
  readonly seconds: number;
  readonly executionsPerSecond: number;
  readonly startLatencyMs: { readonly p50: number; readonly p99: number };
  /** From the start request to the describe that saw SUCCEEDED. */
  readonly endToEndMs: { readonly p50: number; readonly p99: number };
  readonly describesPerExecution: number;
  readonly maxRssMb: { readonly runtime: number; readonly withFunctions: number };
  /** Up to five examples of what went wrong. */
  readonly problems: readonly string[];
}

const POLL_MS = 10;
/** After the time limit, executions not yet seen to end get one last describe within this time. */
const FINAL_CHECK_MS = 10_000;

/** Runs the load against a fresh runtime process and returns the figures. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const log = options.log ?? (() => undefined);
  log('synthesizing (cached while sources are unchanged)...');
  const outdir = synthesize(DEFAULT_SETTINGS);
  const dataDir = mkdtempSync(join(tmpdir(), 'async-api-load-'));
  const runtime = await spawnRuntime({ outdir, dataDir, env: { LOCAL_ACCESS_LOG: '0', LOCAL_FUNCTION_LOG: '0' } });
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const sfn = runtimeSfnClient(runtime);
  const maxRss = { runtime: 0, withFunctions: 0 };
  const sampleRss = (): void => {
    const rss = rssMb(runtime.pid);
    maxRss.runtime = Math.max(maxRss.runtime, rss.self);
    maxRss.withFunctions = Math.max(maxRss.withFunctions, rss.total);
  };
  const sampler = setInterval(sampleRss, 500);
  try {
    log(
      `runtime ${runtime.url} (pid ${runtime.pid}); ${options.executions} executions, ${options.concurrency} in flight, limit ${options.timeLimitSeconds} s`,
    );
    const report = await drive(runtime.url, agent, options, log);
    sampleRss();
    const listed = report.stateMachineArn ? await listByStatus(sfn, report.stateMachineArn, report.prefix) : {};
    const listedByApi = await listThroughApi(runtime.url, agent, report.prefix, report.jobApi);
    await refuseRedrive(runtime.url, agent, report.anySucceeded, report.jobApi);
    const { jobApi } = report;
    return {
      ...report.counts,
      listed,
      listedByApi,
      jobApi: {
        calls: jobApi.calls,
        failures: jobApi.failures.length,
        listMs: percentiles(jobApi.listMs),
        historyMs: percentiles(jobApi.historyMs),
      },
      problems: [...report.counts.problems, ...jobApi.failures].slice(0, 5),
      maxRssMb: { ...maxRss },
    };
  } finally {
    clearInterval(sampler);
    agent.destroy();
    sfn.destroy();
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type Counts = Omit<LoadReport, 'listed' | 'listedByApi' | 'jobApi' | 'maxRssMb'>;

/** One execution in this many also reads a page of the list and of its history. */
export const SIDE_CALL_EVERY = 10;

/** What the list, history and redrive routes did during the run. */
interface JobApiTally {
  calls: number;
  readonly failures: string[];
  readonly listMs: number[];
  readonly historyMs: number[];
}

function percentiles(values: number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)) };
}

/** Calls `path`, timing it; anything but `expected` is a failure of the run. */
async function timedCall(
  url: string,
  agent: Agent,
  path: string,
  body: unknown,
  expected: number,
  tally: JobApiTally,
  times?: number[],
): Promise<unknown> {
  tally.calls++;
  const t = performance.now();
  try {
    const r = await postJson(url, path, body, agent);
    times?.push(performance.now() - t);
    if (r.status !== expected) tally.failures.push(`${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.status === expected ? r.body : undefined;
  } catch (err) {
    tally.failures.push(`${path}: ${(err as Error).message}`);
    return undefined;
  }
}

/** Pages through `POST /list-executions` and counts this run's executions (all jobs, newest first). */
async function listThroughApi(url: string, agent: Agent, prefix: string, tally: JobApiTally): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const body = (await timedCall(
      url,
      agent,
      '/list-executions',
      { maxResults: 100, ...(nextToken ? { nextToken } : {}) },
      200,
      tally,
      tally.listMs,
    )) as { executions: { name: string }[]; nextToken: string | null } | undefined;
    if (!body) break;
    count += body.executions.filter((e) => e.name.startsWith(prefix)).length;
    if (!body.nextToken) break;
    nextToken = body.nextToken;
  }
  return count;
}

/** A SUCCEEDED execution cannot be redriven: the route must say 409 and change nothing. */
async function refuseRedrive(url: string, agent: Agent, executionArn: string | undefined, tally: JobApiTally) {
  if (executionArn) await timedCall(url, agent, '/redrive-execution', { executionArn }, 409, tally);
}

async function drive(
  url: string,
  agent: Agent,
  options: LoadOptions,
  log: (line: string) => void,
): Promise<{
  prefix: string;
  stateMachineArn: string | undefined;
  anySucceeded: string | undefined;
  jobApi: JobApiTally;
  counts: Counts;
}> {
  const prefix = `load-${Date.now().toString(36)}-`;
  const t0 = performance.now();
  const deadline = t0 + options.timeLimitSeconds * 1000;
  const startLatencies: number[] = [];
  const endToEnd: number[] = [];
  const problems: string[] = [];
  const note = (problem: string): void => void (problems.length < 5 && problems.push(problem));
  let next = 0;
  let started = 0;
  let succeeded = 0;
  let responses5xx = 0;
  let responses429 = 0;
  let otherRejections = 0;
  let networkErrors = 0;
  let describes = 0;
  // The HTTP API does not name the state machine; its executions' ARNs do.
  let stateMachineArn: string | undefined;
  /** Started executions still RUNNING when the time limit came. */
  const unconfirmed: string[] = [];
  const jobApi: JobApiTally = { calls: 0, failures: [], listMs: [], historyMs: [] };
  let anySucceeded: string | undefined;

  const post = async (path: string, body: unknown): Promise<{ status: number; body: unknown } | undefined> => {
    try {
      const r = await postJson(url, path, body, agent);
      if (r.status >= 500) {
        responses5xx++;
        note(`${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
      } else if (r.status === 429) {
        responses429++;
        note(`${path} answered 429`);
      }
      return r;
    } catch (err) {
      networkErrors++;
      note(`${path}: ${(err as Error).message}`);
      return undefined;
    }
  };

  const client = async (): Promise<void> => {
    while (next < options.executions && performance.now() < deadline) {
      const i = next++;
      const t = performance.now();
      const r = await post('/start-execution', { input: EXAMPLE_INPUT, name: `${prefix}${i}` });
      if (r === undefined || r.status >= 500 || r.status === 429) continue;
      if (r.status !== 200) {
        otherRejections++;
        note(`start answered ${r.status}: ${JSON.stringify(r.body)}`);
        continue;
      }
      started++;
      startLatencies.push(performance.now() - t);
      const executionArn = (r.body as { executionArn: string }).executionArn;
      stateMachineArn ??= executionArn.slice(0, executionArn.lastIndexOf(':')).replace(':execution:', ':stateMachine:');
      for (;;) {
        if (performance.now() >= deadline) {
          unconfirmed.push(executionArn);
          break;
        }
        describes++;
        const d = await post('/describe-execution', { executionArn });
        const status = d?.status === 200 ? (d.body as { status?: string }).status : undefined;
        if (status === 'SUCCEEDED') {
          succeeded++;
          endToEnd.push(performance.now() - t);
          anySucceeded ??= executionArn;
          if (i % SIDE_CALL_EVERY === 0) {
            await timedCall(url, agent, '/list-executions', { maxResults: 20 }, 200, jobApi, jobApi.listMs);
            const history = { executionArn, maxResults: 100, reverseOrder: true };
            await timedCall(url, agent, '/get-execution-history', history, 200, jobApi, jobApi.historyMs);
          }
          break;
        }
        if (status !== undefined && status !== 'RUNNING') {
          note(`${executionArn} ended ${status}: ${JSON.stringify(d!.body)}`);
          break;
        }
        if (d !== undefined && d.status !== 200 && d.status < 500 && d.status !== 429) {
          note(`describe answered ${d.status}: ${JSON.stringify(d.body)}`);
          break;
        }
        await sleep(POLL_MS);
      }
    }
  };

  const progress = setInterval(
    () => log(`  ${started} started, ${succeeded} succeeded after ${round((performance.now() - t0) / 1000)} s`),
    5000,
  );
  try {
    await Promise.all(Array.from({ length: options.concurrency }, client));
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - t0) / 1000;
  const timeLimitReached = next < options.executions || unconfirmed.length > 0;
  // One last look at what was still running at the limit, so "lost" counts only what never ended well.
  const finalDeadline = performance.now() + FINAL_CHECK_MS;
  const finalCheck = async (): Promise<void> => {
    for (let arn = unconfirmed.pop(); arn !== undefined && performance.now() < finalDeadline; arn = unconfirmed.pop()) {
      const d = await post('/describe-execution', { executionArn: arn });
      if (d?.status === 200 && (d.body as { status?: string }).status === 'SUCCEEDED') succeeded++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, finalCheck));
  startLatencies.sort((a, b) => a - b);
  endToEnd.sort((a, b) => a - b);
  return {
    prefix,
    stateMachineArn,
    anySucceeded,
    jobApi,
    counts: {
      requested: options.executions,
      started,
      succeeded,
      lost: started - succeeded,
      responses5xx,
      responses429,
      otherRejections,
      networkErrors,
      timeLimitReached,
      seconds: round(seconds),
      executionsPerSecond: round(succeeded / seconds),
      startLatencyMs: { p50: quantile(startLatencies, 0.5), p99: quantile(startLatencies, 0.99) },
      endToEndMs: { p50: quantile(endToEnd, 0.5), p99: quantile(endToEnd, 0.99) },
      describesPerExecution: round(describes / Math.max(1, started)),
      problems,
    },
  };
}

async function listByStatus(sfn: SFNClient, stateMachineArn: string, prefix: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let nextToken: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const r = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, nextToken }));
    for (const e of r.executions ?? []) {
      if (e.name?.startsWith(prefix)) counts[e.status ?? 'UNKNOWN'] = (counts[e.status ?? 'UNKNOWN'] ?? 0) + 1;
    }
    nextToken = r.nextToken;
    if (!nextToken) break;
  }
  return counts;
}

/** True when the run met the bar: everything started SUCCEEDED, as ListExecutions agrees, and no 5xx/429. */
export function passed(r: LoadReport): boolean {
  const listedTotal = Object.values(r.listed).reduce((a, b) => a + b, 0);
  return (
    r.started === r.requested &&
    r.lost === 0 &&
    r.responses5xx === 0 &&
    r.responses429 === 0 &&
    r.otherRejections === 0 &&
    r.networkErrors === 0 &&
    !r.timeLimitReached &&
    r.listed['SUCCEEDED'] === r.succeeded &&
    listedTotal === r.started &&
    r.listedByApi === r.started &&
    r.jobApi.failures === 0
  );
}

/** The summary lines printed at the end. */
export function summary(r: LoadReport): string[] {
  return [
    `load: ${r.requested} requested, ${r.started} started, ${r.succeeded} succeeded, ${r.lost} lost; ${r.responses5xx} 5xx, ${r.responses429} 429, ${r.otherRejections} other rejections, ${r.networkErrors} network errors${r.timeLimitReached ? '; TIME LIMIT REACHED' : ''}`,
    `load: ListExecutions of this run: ${JSON.stringify(r.listed)}`,
    `load: ${r.seconds} s, ${r.executionsPerSecond} executions/s; start p50 ${r.startLatencyMs.p50} ms, p99 ${r.startLatencyMs.p99} ms; start→SUCCEEDED p50 ${r.endToEndMs.p50} ms, p99 ${r.endToEndMs.p99} ms; ${r.describesPerExecution} describes per execution`,
    `load: POST /list-executions returned ${r.listedByApi} of this run's executions; list/history/redrive routes: ${r.jobApi.calls} calls, ${r.jobApi.failures} wrong answers; list p50 ${r.jobApi.listMs.p50} ms, p99 ${r.jobApi.listMs.p99} ms; history p50 ${r.jobApi.historyMs.p50} ms, p99 ${r.jobApi.historyMs.p99} ms`,
    `load: max RSS ${r.maxRssMb.runtime} MB (runtime), ${r.maxRssMb.withFunctions} MB (with function processes)`,
    ...r.problems.map((p) => `load: problem: ${p}`),
    // Last, alone on its line, in the plain form CI systems count: executions that ended SUCCEEDED,
    // and every requested one that did not, or the whole run when a 5xx or 429 was seen.
    `load: ${r.succeeded} passed, ${passed(r) ? 0 : Math.max(1, r.requested - r.succeeded)} failed`,
  ];
}

/** Parses `--executions N --concurrency N --time-limit S`. @throws Error naming the bad flag. */
export function parseArgs(argv: readonly string[]): LoadOptions {
  const values: Record<string, number> = { executions: 10_000, concurrency: 50, 'time-limit': 120 };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!.replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(flag in values))
      throw new Error(`unknown option ${argv[i]}: expected --executions, --concurrency or --time-limit`);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${flag} must be a positive integer, got ${JSON.stringify(argv[i + 1])}`);
    values[flag] = value;
  }
  return {
    executions: values['executions']!,
    concurrency: values['concurrency']!,
    timeLimitSeconds: values['time-limit']!,
  };
}

if (require.main === module) {
  let options: LoadOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  // Last resort if something hangs past the limit (synthesis and start-up included): stop by itself.
  const watchdog = setTimeout(
    () => {
      say(`load: FAIL (still running ${options.timeLimitSeconds + 180} s after start)`);
      process.exit(1);
    },
    (options.timeLimitSeconds + 180) * 1000,
  );
  watchdog.unref();
  runLoad({ ...options, log: say }).then(
    (report) => {
      say(JSON.stringify(report));
      for (const line of summary(report)) say(line);
      process.exitCode = passed(report) ? 0 : 1;
    },
    (err: unknown) => {
      say(`load: FAIL (${err instanceof Error ? (err.stack ?? err.message) : String(err)})`);
      process.exitCode = 1;
    },
  );
}

// No sample (nothing succeeded) is reported as NaN, which fails every latency threshold.
function quantile(values: readonly number[], q: number): number {
  return values.length === 0 ? Number.NaN : round(percentile(values, q));
}
