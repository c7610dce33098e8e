/**
 * The webhook delivery queue (local/events/webhooks.ts): a burst of closed executions must not become a
 * burst of concurrent sender invocations (they held the account's Lambda concurrency, throttled the
 * jobs' own functions and were dead-lettered as TooManyRequestsException), and must not be dropped:
 * every status change reaches the sender once, in order, and nothing stays held once delivered.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_DELIVERY_CONCURRENCY,
  type DeadLetter,
  type DeliveryStack,
  deadLetterDir,
  WebhookDelivery,
} from '../../../local/events/webhooks';
import type { InvokeRequest, InvokeResult } from '../../../local/lambda/types';
import type { ExecutionStatusChange, StatusChangeListener } from '../../../local/stepfunctions/events';

const SENDER = 'arn:aws:lambda:us-east-1:123456789012:function:sender';
const RULE = 'arn:aws:events:us-east-1:123456789012:rule/status';

/** A sender whose invocations end when the test says so. */
function heldSender() {
  const pending: { executionArn: string; end: () => void }[] = [];
  const invoked: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const invoke = (request: InvokeRequest): Promise<InvokeResult> => {
    const executionArn = (request.payload as { detail: ExecutionStatusChange }).detail.executionArn;
    invoked.push(executionArn);
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    return new Promise((resolve) =>
      pending.push({
        executionArn,
        end: () => {
          inFlight--;
          resolve({
            statusCode: 200,
            executedVersion: '$LATEST',
            payload: null,
            requestId: executionArn,
            durationMs: 0,
            coldStart: false,
          });
        },
      }),
    );
  };
  const stack = {
    model: {
      accountId: '123456789012',
      region: 'us-east-1',
      lambdaPermissions: [{ principal: 'events.amazonaws.com', functionArn: SENDER, sourceArn: RULE }],
    },
    lambda: { invoke },
    iam: { authorizeServiceInvoke: async () => ({ allowed: true }) },
  } as unknown as DeliveryStack;
  return { stack, pending, invoked, mostInFlight: () => mostInFlight };
}

function change(i: number): ExecutionStatusChange {
  return {
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:m:e-${i}`,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
    name: `e-${i}`,
    status: 'SUCCEEDED',
    startDate: 1,
    stopDate: 2,
    input: '{}',
    output: '{}',
    error: null,
    cause: null,
    redriveCount: 0,
  };
}

/** Lets the delivery's awaits (authorization, invoke) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('webhook delivery queue', () => {
  let dataDir: string;
  let delivery: WebhookDelivery | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'delivery-queue-'));
  });
  afterEach(async () => {
    delivery = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const attach = (stack: DeliveryStack, concurrency?: number): ((c: ExecutionStatusChange) => void) => {
    let listener: StatusChangeListener | undefined;
    delivery = new WebhookDelivery({ dataDir, stack: () => stack, log: () => undefined, concurrency });
    delivery.attach({
      onStatusChange: (l) => {
        listener = l;
        return () => undefined;
      },
    });
    return (c) => listener!(c);
  };

  it('keeps at most `concurrency` invocations in flight, and delivers the rest in order as slots free', async () => {
    // Prepare
    const sender = heldSender();
    const emit = attach(sender.stack, 3);

    // Act
    for (let i = 0; i < 10; i++) emit(change(i));
    await settle();

    // Assess: exactly the limit, not one more
    expect(sender.invoked).toHaveLength(3);
    expect(delivery!.backlog).toBe(10);
    while (sender.pending.length > 0) {
      sender.pending.shift()!.end();
      await settle();
    }
    expect(sender.invoked).toEqual(Array.from({ length: 10 }, (_, i) => change(i).executionArn));
    expect(sender.mostInFlight()).toBe(3);
    expect(delivery!.backlog).toBe(0);
  });

  it('holds nothing once a long burst is delivered (the queue does not keep handed-over changes)', async () => {
    // Prepare: more than the queue's compaction threshold
    const sender = heldSender();
    const emit = attach(sender.stack);
    const burst = 5000;

    // Act
    for (let i = 0; i < burst; i++) emit(change(i));
    await settle();
    const inFlightAtPeak = sender.invoked.length;
    while (sender.pending.length > 0) {
      for (const p of sender.pending.splice(0)) p.end();
      await settle();
    }
    await delivery!.idle();

    // Assess
    expect(inFlightAtPeak).toBe(DEFAULT_DELIVERY_CONCURRENCY);
    expect(new Set(sender.invoked).size).toBe(burst);
    expect(sender.invoked).toHaveLength(burst);
    expect(delivery!.backlog).toBe(0);
    expect((delivery as unknown as { waiting: unknown[] }).waiting).toHaveLength(0);
  });

  it('idle() waits for the waiting changes too, not only those in flight', async () => {
    // Prepare
    const sender = heldSender();
    const emit = attach(sender.stack, 1);
    emit(change(1));
    emit(change(2));
    await settle();
    let idle = false;
    const waiting = delivery!.idle().then(() => (idle = true));

    // Act: the first ends; the second is still to come
    sender.pending.shift()!.end();
    await settle();

    // Assess
    expect(idle).toBe(false);
    expect(sender.invoked).toHaveLength(2);
    sender.pending.shift()!.end();
    await waiting;
    expect(idle).toBe(true);
  });

  it('invokes no sender the rule may not invoke: the event goes to the dead letters as AccessDeniedException', async () => {
    // Prepare: IAM refuses events.amazonaws.com the sender (its permission names another rule, say)
    const sender = heldSender();
    const denied = {
      ...sender.stack,
      iam: { authorizeServiceInvoke: async () => ({ allowed: false, message: 'no permission for this rule' }) },
    } as unknown as DeliveryStack;
    const emit = attach(denied);

    // Act
    emit(change(1));
    await settle();

    // Assess
    expect(sender.invoked).toEqual([]);
    expect(delivery!.backlog).toBe(0);
    const letters = readdirSync(deadLetterDir(dataDir)).map(
      (file) => JSON.parse(readFileSync(join(deadLetterDir(dataDir), file), 'utf8')) as DeadLetter,
    );
    expect(letters).toEqual([
      expect.objectContaining({
        errorType: 'AccessDeniedException',
        errorMessage: 'no permission for this rule',
        event: expect.objectContaining({ detail: expect.objectContaining({ executionArn: change(1).executionArn }) }),
      }),
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a concurrency of %p', (concurrency) => {
    expect(
      () => new WebhookDelivery({ dataDir, stack: () => heldSender().stack, log: () => undefined, concurrency }),
    ).toThrow(/concurrency must be a positive integer/);
  });
});
