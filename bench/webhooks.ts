/**
 * Webhooks locally (issue 14): the delay from an execution's end (its `stopDate`) to the moment a
 * receiver on 127.0.0.1 has the signed delivery, for executions of the default job started through
 * `POST /<job>/start-execution-with-webhook` one after another. The path measured is the runtime's
 * status-change listener, the sender zip in the local Lambda service (secret read through the local
 * Secrets Manager on its first call), and its HTTP POST.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../local/runtime';
import { synthIfStale } from '../local/synth';
import { defaultJob } from '../stacks/job';
import { JOBS } from '../stacks/jobs';
import type { BenchContext, GroupResult } from './context';
import { MEASURE_SETTINGS, postJson } from './measure/runtime-process';
import { sampleFigure } from './report';

/** Deliveries measured per run of the bench. */
const DELIVERIES_PER_RUN = 20;

/** Measures `ctx.runs × 20` deliveries (one warm-up first: the sender's cold start is not the figure). */
export async function benchWebhooks(ctx: BenchContext): Promise<GroupResult> {
  const work = mkdtempSync(join(tmpdir(), 'async-api-bench-webhooks-'));
  const delays: number[] = [];
  let onDelivery: (stopDate: number) => void = () => undefined;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const receivedAt = Date.now();
      res.writeHead(204).end();
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { stopDate: string } };
      onDelivery(receivedAt - Date.parse(payload.data.stopDate));
    });
  });
  try {
    const outdir = join(work, 'cdktf.out');
    synthIfStale({ repoRoot: ctx.repoRoot, outdir, env: { ...ctx.env, ...MEASURE_SETTINGS } });
    receiver.listen(0, '127.0.0.1');
    await new Promise((r) => receiver.once('listening', r));
    const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const runtime = await startRuntime({
      outdir,
      port: 0,
      dataDir: join(work, 'data'),
      log: () => undefined,
      accessLog: () => undefined,
      functionLog: () => undefined,
    });
    try {
      const job = defaultJob(JOBS);
      const agent = new Agent({ keepAlive: true });
      const once = async (): Promise<number> => {
        const delivered = new Promise<number>((resolve) => {
          onDelivery = resolve;
        });
        const started = await postJson(
          runtime.url,
          `/${job.name}/start-execution-with-webhook`,
          { input: job.exampleInput, webhook },
          agent,
        );
        if (started.status !== 200) throw new Error(`start answered ${started.status}`);
        return delivered;
      };
      await once();
      for (let i = 0; i < ctx.runs * DELIVERIES_PER_RUN; i++) delays.push(await once());
    } finally {
      await runtime.close();
    }
  } finally {
    receiver.close();
    rmSync(work, { recursive: true, force: true });
  }
  return {
    figures: [
      sampleFigure(
        {
          id: 'webhooks.delay',
          label: 'local webhook delivery after an execution ends (stopDate → received)',
          unit: 'ms',
          target: { max: 50, text: 'p50 ≤ 50 ms' },
        },
        delays,
      ),
    ],
    raw: { delays },
  };
}
