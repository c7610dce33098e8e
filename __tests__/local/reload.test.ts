/**
 * Watch-mode reloads let the replaced stacks go: an execution running across three reloads ends on
 * the stack it started with and is announced once (one webhook delivery, one dashboard event per
 * status), like one started after them, and once it has ended no replaced stack's service has a
 * subscriber left (each used to keep one per subscriber, and with it its engines and model, forever).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DASHBOARD_PATH } from '../../local/dashboard/server';
import type { StepFunctionsService } from '../../local/stepfunctions/service';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { type FaultyStack, faultyStack, WORKER_FAULTS, WORKER_INPUT } from '../robustness/fault-injection';
import { closeAfterTest } from '../servers';
import { waitUntil } from '../wait';
import { postJson, startTestRuntime, synthesize, type TestRuntime, uniqueName } from './helpers';

jest.setTimeout(60_000);

/** A webhook receiver on 127.0.0.1 that records the executionArn of every delivery. */
async function receiver(): Promise<{ url: string; delivered: string[] }> {
  const delivered: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { executionArn: string } };
      delivered.push(body.data.executionArn);
      res.writeHead(204).end();
    });
  });
  closeAfterTest(server);
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, delivered };
}

/** The dashboard's event stream, read into `frames` until `stop()`. */
async function dashboardEvents(
  url: string,
): Promise<{ frames: { executionArn: string; status: string }[]; stop(): void }> {
  const frames: { executionArn: string; status: string }[] = [];
  const abort = new AbortController();
  const res = await fetch(`${url}${DASHBOARD_PATH}api/events`, { signal: abort.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      text += decoder.decode(value, { stream: true });
      const parts = text.split('\n\n');
      text = parts.pop()!;
      for (const part of parts) if (part.startsWith('data: ')) frames.push(JSON.parse(part.slice(6)));
    }
  })();
  return { frames, stop: () => abort.abort() };
}

describe('reloads in watch mode', () => {
  let rt: TestRuntime | undefined;
  let faulty: FaultyStack | undefined;
  let events: { stop(): void } | undefined;

  beforeEach(async () => {
    faulty = faultyStack(synthesize(), { worker: { wrapper: WORKER_FAULTS } });
    rt = await startTestRuntime({ stack: faulty.stack });
  });
  afterEach(async () => {
    events?.stop();
    await rt?.close();
    faulty?.remove();
  });

  const start = async (input: unknown, webhook: string): Promise<string> => {
    const started = await postJson(`${rt!.url}/${defaultJob(JOBS).name}/start-execution-with-webhook`, {
      input,
      name: uniqueName('reload'),
      webhook,
    });
    if (started.status !== 200) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
    return started.body.executionArn as string;
  };

  it('announces each end once and keeps no subscription on a replaced stack', async () => {
    // Prepare: an execution running on the first stack, watched by the dashboard and a webhook
    const hook = await receiver();
    const stream = await dashboardEvents(rt!.url);
    events = stream;
    const first = rt!.runtime.sfn;
    expect(first.subscriberCount).toBe(1);
    const across = await start(WORKER_INPUT.hold(1_500), hook.url);

    // Act: three reloads, then an execution on the last stack
    const replaced: StepFunctionsService[] = [];
    for (let i = 0; i < 3; i++) {
      replaced.push(rt!.runtime.sfn);
      await rt!.runtime.reload({ stack: faulty!.stack });
    }
    const after = await start(WORKER_INPUT.hold(0), hook.url);
    await waitUntil(() => hook.delivered.length >= 2, 'two deliveries', 20_000);
    await rt!.runtime.webhooks.idle();
    await waitUntil(() => replaced.every((s) => s.subscriberCount === 0), 'the replaced stacks to retire', 10_000);
    await waitUntil(() => stream.frames.filter((f) => f.status !== 'RUNNING').length >= 2, 'two end events');

    // Assess
    expect(hook.delivered.sort()).toEqual([across, after].sort());
    for (const arn of [across, after]) {
      expect(stream.frames.filter((f) => f.executionArn === arn).map((f) => f.status)).toEqual([
        'RUNNING',
        'SUCCEEDED',
      ]);
    }
    expect(rt!.runtime.sfn.subscriberCount).toBe(1);
    expect(replaced).not.toContain(rt!.runtime.sfn);
  });
});
