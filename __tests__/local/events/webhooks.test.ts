/**
 * The local webhook loop end to end: executions started through `POST /<job>/start-execution-with-webhook`
 * (the stack's start zip, which keeps the URL in the local registration table) end, the runtime hands
 * the status-change event to the stack's own sender zip, which reads the URL back from the table and
 * its secret from the local Secrets Manager, and posts a Standard Webhooks-signed request to a receiver
 * on 127.0.0.1, verified here with the library.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { RedriveExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { Webhook } from 'standardwebhooks';
import { listen, type ReceivedEvent, readSecretFile } from '../../../client/listen';
import { banner } from '../../../local/banner';
import { registrationDir } from '../../../local/events/registrations';
import { localSigningSecret } from '../../../local/events/secrets';
import { type DeadLetter, STATUS_EVENT_DATA_MAX_BYTES } from '../../../local/events/webhooks';
import type { TerraformJson } from '../../../local/terraform/document';
import { machineStartedBy } from '../../../local/terraform/model';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import { type FaultyStack, faultyStack, WORKER_FAULTS, WORKER_INPUT } from '../../robustness/fault-injection';
import { closeAfterTest, closeServer } from '../../servers';
import { waitUntil } from '../../wait';
import { postJson, startTestRuntime, synthesize, type TestRuntime, uniqueName } from '../helpers';

jest.setTimeout(60_000);

interface Received {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly at: number;
}

/** A receiver on 127.0.0.1 that answers with `plan()`'s status and records every request. */
async function receiver(plan: () => number = () => 204) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(plan()).end();
    });
  });
  closeAfterTest(server);
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => closeServer(server) };
}

describe('local webhooks', () => {
  let rt: TestRuntime;
  let sfn: SFNClient;
  let faulty: FaultyStack;
  let machineArn: string;
  let secret: string;

  beforeAll(async () => {
    faulty = faultyStack(synthesize(), { worker: { wrapper: WORKER_FAULTS } });
    rt = await startTestRuntime({ stack: { ...faulty.stack, doc: withExecutionTimeout(faulty.stack.doc, 2) } });
    sfn = new SFNClient({ endpoint: rt.url, region: rt.runtime.model.region, credentials: rt.runtime.credentials });
    machineArn = machineStartedBy(rt.runtime.model).arn;
    secret = localSigningSecret(rt.dataDir);
  });
  afterAll(async () => {
    sfn?.destroy();
    await rt?.close();
    faulty?.remove();
  });

  /** Starts the default job through the webhook start route, as a caller does; returns the execution's ARN. */
  const start = async (input: unknown, webhook: string): Promise<string> => {
    const job = defaultJob(JOBS).name;
    const started = await postJson(`${rt.url}/${job}/start-execution-with-webhook`, {
      input,
      name: uniqueName('hook'),
      webhook,
    });
    if (started.status !== 200) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
    return started.body.executionArn as string;
  };

  const waitForEnd = (executionArn: string): Promise<void> =>
    waitUntil(async () => {
      const { status } = (await rt.runtime.sfn.call('DescribeExecution', { kind: 'developer' }, { executionArn })) as {
        status: string;
      };
      return status !== 'RUNNING';
    }, 'the execution to end');

  const verified = (r: Received) =>
    new Webhook(secret, { format: 'raw' }).verify(r.body, r.headers) as { type: string; data: Record<string, unknown> };

  it.each([
    ['SUCCEEDED', WORKER_INPUT.hold(0), false],
    ['FAILED', WORKER_INPUT.fail, false],
    ['ABORTED', WORKER_INPUT.hold(20_000), true],
    ['TIMED_OUT', WORKER_INPUT.hold(5_000), false],
  ] as const)('delivers one signed %s event per execution', async (status, input, stop) => {
    // Prepare
    const hook = await receiver();

    // Act
    const executionArn = await start(input, hook.url);
    if (stop) await sfn.send(new StopExecutionCommand({ executionArn }));
    await waitUntil(() => hook.received.length >= 1, 'delivery 1', 15_000);
    await rt.runtime.webhooks.idle();

    // Assess
    expect(hook.received).toHaveLength(1);
    const payload = verified(hook.received[0]!);
    expect(payload).toMatchObject({ type: `execution.${status.toLowerCase()}`, data: { executionArn, status } });
    await hook.close();
  });

  it('starts a job through POST /<job>/start-execution-with-webhook and delivers its end to the URL', async () => {
    const hook = await receiver();
    const job = defaultJob(JOBS).name;

    const started = await postJson(`${rt.url}/${job}/start-execution-with-webhook`, {
      input: WORKER_INPUT.hold(0),
      name: uniqueName('route'),
      webhook: hook.url,
    });
    await waitUntil(() => hook.received.length >= 1, 'the delivery');

    expect(started.status).toBe(200);
    expect(verified(hook.received[0]!).data).toMatchObject({
      executionArn: started.body.executionArn,
      status: 'SUCCEEDED',
    });
    await hook.close();
  });

  it('closes the loop with async-api listen, which verifies the signature with the local secret file', async () => {
    const events: ReceivedEvent[] = [];
    const { server, url } = await listen({
      port: 0,
      secret: readSecretFile(rt.runtime.webhooks.signingSecretPath),
      onEvent: (e) => events.push(e),
    });
    closeAfterTest(server);

    const executionArn = await start(WORKER_INPUT.hold(0), url);
    await waitUntil(() => events.length >= 1, 'the event');

    expect(events[0]).toMatchObject({ repeat: false, payload: { data: { executionArn, status: 'SUCCEEDED' } } });
    await closeServer(server);
  });

  it.each([
    ['an http URL other than 127.0.0.1', 'http://192.168.1.20:8080/hook'],
    ['a private https address', 'https://10.0.0.8/hook'],
    ['the metadata service', 'https://169.254.169.254/latest/meta-data/'],
    ['a URL too long', `http://127.0.0.1:9/${'a'.repeat(2100)}`],
  ])('answers 400 to %s and starts nothing', async (_case, webhook) => {
    const job = defaultJob(JOBS).name;
    const name = uniqueName('bad');

    const res = await postJson(`${rt.url}/${job}/start-execution-with-webhook`, { input: {}, name, webhook });

    expect(res.status).toBe(400);
    const listed = (await rt.runtime.sfn.call(
      'ListExecutions',
      { kind: 'developer' },
      { stateMachineArn: machineArn, maxResults: 1000 },
    )) as { executions: { name: string }[] };
    expect(listed.executions.map((e) => e.name)).not.toContain(name);
  });

  it("prints where the local signing secret is in the banner, and the secret is the owner's alone", () => {
    const lines = banner(rt.runtime, rt.dataDir).join('\n');

    expect(lines).toContain(rt.runtime.webhooks.signingSecretPath);
    expect(statSync(rt.runtime.webhooks.signingSecretPath).mode & 0o077).toBe(0);
    expect(lines).not.toContain(secret);
  });

  it('hands the job its own input: the URL is in no execution input, history or definition', async () => {
    // Prepare
    const hook = await receiver();
    const input = WORKER_INPUT.hold(0);

    // Act
    const executionArn = await start(input, hook.url);
    await waitUntil(() => hook.received.length >= 1, 'the delivery');

    // Assess
    const described = (await rt.runtime.sfn.call('DescribeExecution', { kind: 'developer' }, { executionArn })) as {
      input: string;
    };
    const history = await rt.runtime.sfn.call(
      'GetExecutionHistory',
      { kind: 'developer' },
      { executionArn, maxResults: 1000 },
    );
    const definition = await rt.runtime.sfn.call(
      'DescribeStateMachineForExecution',
      { kind: 'developer' },
      { executionArn },
    );
    expect(JSON.parse(described.input)).toEqual(input);
    expect(JSON.stringify(history)).toContain('hold');
    expect(JSON.stringify([described, history, definition])).not.toContain(hook.url);
    await hook.close();
  });

  it('sends nothing for an execution started without a webhook: the sender finds no registration', async () => {
    // Prepare
    const before = deadLetters(rt.runtime.webhooks.deadLetterDir).length;

    // Act
    const executionArn = (
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machineArn,
          name: uniqueName('plain'),
          input: JSON.stringify(WORKER_INPUT.hold(0)),
        }),
      )
    ).executionArn!;
    await waitForEnd(executionArn);
    await rt.runtime.webhooks.idle();

    // Assess
    expect(deadLetters(rt.runtime.webhooks.deadLetterDir)).toHaveLength(before);
  });

  it('keeps registrations in the data folder, readable by the owner only', async () => {
    const hook = await receiver();
    await start(WORKER_INPUT.hold(0), hook.url);
    await waitUntil(() => hook.received.length >= 1, 'the delivery');

    const tables = readdirSync(join(registrationDir(rt.dataDir, 'x'), '..'));
    const dir = registrationDir(rt.dataDir, tables[0]!);
    const files = readdirSync(dir);
    expect(tables).toHaveLength(1);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o077).toBe(0);
    await hook.close();
  });

  it('delivers the end of an execution whose input is too large for the status-change event to carry', async () => {
    // Prepare: a job input that fits StartExecution's 256 KiB but not the event's 248 KiB. The URL is
    // not in the input, so the event leaving the input out no longer loses the webhook.
    const hook = await receiver();
    const input = { ...WORKER_INPUT.fail, pad: 'x'.repeat(STATUS_EVENT_DATA_MAX_BYTES) };

    try {
      // Act
      const executionArn = await start(input, hook.url);
      await waitUntil(() => hook.received.length >= 1, 'the delivery', 15_000);

      // Assess
      expect(verified(hook.received[0]!).data).toMatchObject({ executionArn, status: 'FAILED' });
    } finally {
      await hook.close();
    }
  });

  it('delivers the end of a redrive as a second event, with its own id, to the same URL', async () => {
    // Prepare: a FAILED execution, delivered once
    const hook = await receiver();
    const executionArn = await start(WORKER_INPUT.fail, hook.url);
    await waitUntil(() => hook.received.length >= 1, 'delivery 1', 15_000);

    // Act: redriven, it fails again: a second end, so a second status-change event
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    await waitUntil(() => hook.received.length >= 2, 'delivery 2', 15_000);
    await rt.runtime.webhooks.idle();

    // Assess
    expect(hook.received).toHaveLength(2);
    expect(hook.received.map((r) => verified(r).data['executionArn'])).toEqual([executionArn, executionArn]);
    expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(2);
    await hook.close();
  });

  it('retries a receiver that fails twice and delivers on the third attempt, with the same event id', async () => {
    let calls = 0;
    const hook = await receiver(() => (++calls <= 2 ? 503 : 200));

    await start(WORKER_INPUT.hold(0), hook.url);
    await waitUntil(() => hook.received.length >= 3, 'delivery 3', 20_000);
    await rt.runtime.webhooks.idle();

    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(() => verified(hook.received[2]!)).not.toThrow();
    await hook.close();
  });

  it('writes a dead letter for a receiver that cannot be reached, and the execution still SUCCEEDS', async () => {
    const hook = await receiver();
    await hook.close(); // nothing listens on its port any more

    const executionArn = await start(WORKER_INPUT.hold(0), hook.url);
    await waitUntil(
      () => deadLetters(rt.runtime.webhooks.deadLetterDir).some((d) => d.event.detail.executionArn === executionArn),
      'the dead letter',
      30_000,
    );

    const letter = deadLetters(rt.runtime.webhooks.deadLetterDir).find(
      (d) => d.event.detail.executionArn === executionArn,
    )!;
    expect(letter.errorType).toBe('WebhookDeliveryError');
    expect(letter.event.detail.status).toBe('SUCCEEDED');
    const described = (await rt.runtime.sfn.call('DescribeExecution', { kind: 'developer' }, { executionArn })) as {
      status: string;
    };
    expect(described.status).toBe('SUCCEEDED');
  });
});

/**
 * The stack with every state machine's execution timeout cut to `seconds`, so a held worker ends the
 * execution TIMED_OUT (the rendered definitions are JSON whose Terraform references sit in strings).
 */
function withExecutionTimeout(doc: TerraformJson, seconds: number): TerraformJson {
  const copy = structuredClone(doc) as TerraformJson & {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  for (const machine of Object.values(copy.resource['aws_sfn_state_machine'] ?? {})) {
    const definition = JSON.parse(String(machine['definition'])) as { TimeoutSeconds?: number };
    definition.TimeoutSeconds = seconds;
    machine['definition'] = JSON.stringify(definition);
  }
  return copy;
}

function deadLetters(dir: string): DeadLetter[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(`${dir}/${n}`, 'utf8')) as DeadLetter);
}
