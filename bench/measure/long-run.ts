/**
 * Runtime memory after many executions (issue 24: ≤ 150 MB after 100,000, flat): executions are
 * started at full speed by the throughput run's client until a count is reached, left to close, and
 * the runtime's RSS is read, once at a tenth of the count and once at the count, so growth per
 * execution shows as the difference between the two readings.
 */
import type { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { round } from '../stats';
import { postJson, rssMb } from './runtime-process';

/** A runtime as the measurements speak to it. */
export interface Driven {
  readonly url: string;
  readonly agent: Agent;
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  readonly pid: number | undefined;
}

/** RSS after `executions` executions had run in the runtime and closed. */
export interface MemoryReading {
  readonly executions: number;
  /** The runtime process alone, MB. */
  readonly rssRuntimeMb: number;
  /** The runtime and its function processes, MB. */
  readonly rssTotalMb: number;
}

/**
 * Starts executions with `input` from `concurrency` clients back to back, each as soon as the last
 * answer came, until `more()` says stop; counts the accepted and the rejected starts.
 */
export async function startAtFullSpeed(
  target: Pick<Driven, 'url' | 'agent'>,
  options: {
    readonly input: unknown;
    readonly prefix: string;
    readonly concurrency: number;
    readonly more: (started: number) => boolean;
  },
): Promise<{ started: number; rejected: number }> {
  let started = 0;
  let rejected = 0;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (options.more(started)) {
      const name = `${options.prefix}${n++}`;
      const r = await postJson(target.url, '/start-execution', { input: options.input, name }, target.agent);
      if (r.status === 200) started++;
      else rejected++;
      // A runtime that refuses everything would keep this loop spinning forever.
      if (rejected > 1000 && rejected > started)
        throw new Error(`start-execution refused ${rejected} starts: ${JSON.stringify(r.body)}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { started, rejected };
}

/** Waits until no execution of the state machine is RUNNING (at most `timeoutMs`); false on timeout. */
export async function waitUntilClosed(
  target: Pick<Driven, 'sfn' | 'stateMachineArn'>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const running = await target.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: target.stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }),
    );
    if ((running.executions ?? []).length === 0) return true;
    await sleep(50);
  }
  return false;
}

/**
 * Runs executions of `input` until `executions` have run in the runtime (`alreadyRun` of them before
 * this call), waits until they closed, and reads the runtime's RSS. Nothing is started when the count
 * is already reached: the reading then names the count it was taken at.
 */
export async function memoryAfter(
  target: Driven,
  options: {
    readonly executions: number;
    readonly alreadyRun: number;
    readonly input: unknown;
    readonly concurrency: number;
  },
): Promise<MemoryReading> {
  const missing = Math.max(0, options.executions - options.alreadyRun);
  const { started } = await startAtFullSpeed(target, {
    input: options.input,
    prefix: `long-${Date.now().toString(36)}-`,
    concurrency: options.concurrency,
    more: (n) => n < missing,
  });
  // The workers may overshoot by one start each; the count is what really ran.
  const executions = options.alreadyRun + started;
  if (!(await waitUntilClosed(target, 120_000)))
    throw new Error(`executions still running 120 s after the ${executions}th was started`);
  const rss = target.pid ? rssMb(target.pid) : { self: 0, total: 0 };
  return { executions, rssRuntimeMb: round(rss.self), rssTotalMb: round(rss.total) };
}

/** Executions of the state machine in `status` whose name starts with `prefix`. */
export async function countSince(
  sfn: SFNClient,
  stateMachineArn: string,
  prefix: string,
  status: 'RUNNING' | 'SUCCEEDED',
): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const r = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: status, maxResults: 1000, nextToken }),
    );
    count += (r.executions ?? []).filter((e) => e.name?.startsWith(prefix)).length;
    nextToken = r.nextToken;
    if (!nextToken) break;
  }
  return count;
}

/**
 * RSS of a runtime whose executions so far (the probe that found the state machine) have ended: the
 * runtime process alone, and with the function processes started by then (the worker and, once the
 * end's webhook delivery ran, the sender).
 */
export async function idleRss(
  target: Pick<Driven, 'sfn' | 'stateMachineArn' | 'pid'>,
): Promise<{ readonly idleRssMb: number; readonly idleRssTotalMb: number }> {
  if (!(await waitUntilClosed(target, 60_000))) throw new Error('the probe execution did not close within 60 s');
  const rss = target.pid ? rssMb(target.pid) : { self: 0, total: 0 };
  return { idleRssMb: round(rss.self), idleRssTotalMb: round(rss.total) };
}
