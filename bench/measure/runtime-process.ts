/**
 * The local runtime as a process of its own, for the measurements: started as `npm start` starts it
 * (so the load generator does not share its event loop), spoken to over HTTP, and measured in /proc.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SFNClient } from '@aws-sdk/client-sfn';
import { processTree, readCpuMs, readStatus } from '../../local/proc';
import { REPO_ROOT } from '../../local/runtime';
import { round } from '../stats';

/** App settings of the measured stack: no auth, throttling out of the way. */
export const MEASURE_SETTINGS = {
  API_AUTH: 'NONE',
  API_THROTTLE_RATE: '10000',
  API_THROTTLE_BURST: '5000',
  TF_STATE_BUCKET: 'async-api-local-unused',
} as const;

/** A runtime to measure: its URL, process id and developer credentials. */
export interface Target {
  readonly url: string;
  readonly pid: number | undefined;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * A Step Functions client for a local runtime's own API, signed with its developer credentials.
 * `maxAttempts: 1` for measurements, where a hidden retry would distort the figure.
 */
export function runtimeSfnClient(
  target: Pick<Target, 'url' | 'credentials'>,
  options: { readonly maxAttempts?: number } = {},
): SFNClient {
  return new SFNClient({ endpoint: target.url, region: 'us-east-1', credentials: target.credentials, ...options });
}

/** A runtime process {@link spawnMeasuredRuntime} started; `stop` ends it. */
export interface Owned extends Target {
  stop(): Promise<void>;
}

/**
 * Starts the runtime as its own process (as `npm start` does, without synthesis) on a free port,
 * serving `outdir` with data in `dataDir`; `pid` is the runtime itself, for RSS.
 */
export async function spawnMeasuredRuntime(outdir: string, dataDir: string): Promise<Owned> {
  // `node --import tsx` (not the tsx CLI, which runs a second process) so `pid` is the runtime itself.
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'local', 'index.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...MEASURE_SETTINGS,
      PORT: '0',
      LOCAL_OUTDIR: outdir,
      LOCAL_DATA_DIR: dataDir,
      LOCAL_SKIP_SYNTH: '1',
      LOCAL_ACCESS_LOG: '0',
      LOCAL_FUNCTION_LOG: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the runtime did not start within 60 s:\n${stderr}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the runtime exited with ${String(code)}:\n${stderr}`));
    });
  });
  const credentials = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Owned['credentials'];
  return {
    url,
    pid: child.pid,
    credentials,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** POSTs JSON over a keep-alive agent; returns status and parsed body. */
export function postJson(
  url: string,
  path: string,
  body: unknown,
  agent: Agent,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = request(
      `${url}${path}`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** RSS in MB of a process alone and with all its descendants (Linux /proc). */
export function rssMb(pid: number): { self: number; total: number } {
  const rssOf = (p: number): number => (readStatus(p)?.rssKb ?? 0) / 1024;
  const total = processTree(pid).reduce((sum, p) => sum + rssOf(p), 0);
  return { self: round(rssOf(pid)), total: round(total) };
}

/** The ARN of the state machine behind `POST /start-execution`, found by starting one execution with `input`. */
export async function findStateMachineArn(url: string, agent: Agent, input: unknown): Promise<string> {
  // The HTTP API does not expose the machine's ARN; an execution ARN contains it.
  const r = await postJson(url, '/start-execution', { input, name: `probe-${Date.now().toString(36)}` }, agent);
  if (r.status !== 200) throw new Error(`start-execution answered ${r.status}: ${JSON.stringify(r.body)}`);
  const arn = (r.body as { executionArn: string }).executionArn;
  return arn.slice(0, arn.lastIndexOf(':')).replace(':execution:', ':stateMachine:');
}

/**
 * CPU ms used so far by the runtime process, and by it with its function processes (for a difference
 * over a run: those alive at both reads, which the runtime keeps warm for the whole run).
 */
export function cpuMs(pid: number): { runtime: number; total: number } | undefined {
  const runtime = readCpuMs(pid);
  if (runtime === undefined) return undefined;
  const total = processTree(pid).reduce((sum, p) => sum + (readCpuMs(p) ?? 0), 0);
  return { runtime, total };
}

/** CPU time (user + system) per execution, in ms: the runtime process alone, and with its function processes. */
export interface CpuPerExecution {
  readonly runtime: number;
  readonly withFunctions: number;
}

/**
 * CPU per execution between two {@link cpuMs} readings over `executions`; undefined when either is
 * missing (no /proc). Unlike executions per second, this barely moves when other work shares the machine.
 */
export function cpuPerExecution(
  before: ReturnType<typeof cpuMs>,
  after: ReturnType<typeof cpuMs>,
  executions: number,
): CpuPerExecution | undefined {
  if (!before || !after) return undefined;
  const per = (ms: number): number => Math.round((ms / Math.max(executions, 1)) * 1000) / 1000;
  return { runtime: per(after.runtime - before.runtime), withFunctions: per(after.total - before.total) };
}
