import { Webhook } from 'standardwebhooks';
import { ConfigError } from '../../lambda-src/shared/config-error';
import { STATUS_CHANGE_DETAIL_TYPE, TERMINAL_STATUSES } from '../../lambda-src/shared/step-functions-arn';
import { parseSenderConfig } from '../../lambda-src/webhook-sender/config';
import { createHandler, type SenderOptions, WebhookDeliveryError } from '../../lambda-src/webhook-sender/handler';
import { createPost, type Post } from '../../lambda-src/webhook-sender/post';
import { backoffMs, deliverWithRetry } from '../../lambda-src/webhook-sender/retry';
import { isForbiddenAddress, WEBHOOK_URL_MAX_LENGTH, webhookUrlProblem } from '../../lambda-src/webhook-sender/url';

const SECRET = 'local-test-signing-secret-of-enough-length';
const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:async-api-dev-job:run-1';

function statusEvent(status: string, input: unknown, id = 'event-1') {
  return {
    id,
    'detail-type': STATUS_CHANGE_DETAIL_TYPE,
    source: 'aws.states',
    detail: {
      executionArn: ARN,
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:async-api-dev-job',
      name: 'run-1',
      status,
      startDate: 1_700_000_000_000,
      stopDate: 1_700_000_003_000,
      input: JSON.stringify(input),
      output: status === 'SUCCEEDED' ? '{"ok":true}' : null,
      error: status === 'FAILED' ? 'Boom' : null,
      cause: null,
    },
  };
}

/** The registration table: what the start function wrote for the test's execution. */
const registered = new Map<string, string>();

/** Registers `webhook` for the execution (as the start function does) and returns the job's own input. */
function withWebhook(input: unknown, webhook: string): unknown {
  registered.set(ARN, webhook);
  return input;
}

beforeEach(() => registered.clear());

/** A receiver answering the given statuses in turn, recording what it got. */
function receiver(statuses: number[]) {
  const received: { headers: Record<string, string>; body: string }[] = [];
  const post: Post = async (_url, request) => {
    received.push({ headers: { ...request.headers }, body: request.body });
    const status = statuses.shift() ?? 200;
    if (status === 0) throw new Error('connect ECONNREFUSED');
    return status;
  };
  return { post, received };
}

function setup(statuses: number[], overrides: Partial<SenderOptions> = {}) {
  const r = receiver(statuses);
  const log = jest.fn();
  const sleeps: number[] = [];
  const handler = createHandler({
    webhookOf: async (executionArn) => registered.get(executionArn),
    signingSecret: async () => SECRET,
    allowLoopbackHttp: false,
    post: r.post,
    attemptTimeoutMs: 1000,
    retry: {
      maxAttempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 400,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
    },
    log,
    ...overrides,
  });
  return { handler, received: r.received, log, sleeps };
}

describe('webhook sender', () => {
  it.each(TERMINAL_STATUSES)(
    'delivers a %s event once, signed so the Standard Webhooks library verifies it',
    async (status) => {
      const { handler, received } = setup([200]);

      const result = await handler(statusEvent(status, withWebhook({ a: 1 }, 'https://hooks.example.com/in')));

      expect(result).toMatchObject({ kind: 'delivered', attempts: 1 });
      expect(received).toHaveLength(1);
      const payload = new Webhook(SECRET, { format: 'raw' }).verify(received[0]!.body, received[0]!.headers) as Record<
        string,
        unknown
      >;
      expect(payload).toMatchObject({ type: `execution.${status.toLowerCase()}`, data: { executionArn: ARN, status } });
      expect(received[0]!.headers['webhook-id']).toBe('event-1');
      // Neither the URL nor the execution's input is part of the payload.
      expect(received[0]!.body).not.toContain('hooks.example.com');
      expect(received[0]!.body).not.toContain('"a":1');
    },
  );

  it('retries a 5xx and a dropped connection, and succeeds on the third attempt with the same event id', async () => {
    const { handler, received, sleeps } = setup([503, 0, 200]);

    const result = await handler(statusEvent('SUCCEEDED', withWebhook({}, 'https://hooks.example.com/in')));

    expect(result).toMatchObject({ kind: 'delivered', attempts: 3 });
    expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set(['event-1']));
    expect(sleeps).toEqual([75, 150]);
  });

  describe('on a clock that moves 6 minutes between attempts', () => {
    // Only Date is faked: the sender's promises and timers stay real.
    const T0 = Date.parse('2026-12-06T12:00:00Z');
    const STEP_MS = 6 * 60_000; // past Standard Webhooks' 5-minute tolerance
    beforeEach(() => {
      jest.useFakeTimers({
        now: T0,
        doNotFake: [
          'nextTick',
          'queueMicrotask',
          'setImmediate',
          'clearImmediate',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'hrtime',
          'performance',
        ],
      });
    });
    afterEach(() => jest.useRealTimers());

    it('signs every attempt afresh: each carries its own timestamp and verifies when it arrives', async () => {
      // Prepare: a receiver that verifies each request at the moment it arrives, as a real one does
      const arrivals: { timestamp: string; verified: boolean }[] = [];
      const statuses = [503, 503, 200];
      const post: Post = async (_url, request) => {
        let verified = true;
        try {
          new Webhook(SECRET, { format: 'raw' }).verify(request.body, request.headers);
        } catch {
          verified = false;
        }
        arrivals.push({ timestamp: request.headers['webhook-timestamp']!, verified });
        return statuses.shift()!;
      };
      const { handler } = setup([], {
        post,
        retry: {
          maxAttempts: 3,
          baseDelayMs: 100,
          maxDelayMs: 400,
          sleep: async () => void jest.setSystemTime(Date.now() + STEP_MS),
          random: () => 0.5,
        },
      });

      // Act
      const result = await handler(statusEvent('SUCCEEDED', withWebhook({}, 'https://hooks.example.com/in')));

      // Assess
      expect(result).toMatchObject({ kind: 'delivered', attempts: 3 });
      expect(arrivals).toEqual(
        [0, 1, 2].map((n) => ({ timestamp: String((T0 + n * STEP_MS) / 1000), verified: true })),
      );
    });
  });

  it('does not repeat a 4xx and throws so the event is dead-lettered', async () => {
    const { handler, received } = setup([400, 200]);

    await expect(handler(statusEvent('FAILED', withWebhook({}, 'https://hooks.example.com/in')))).rejects.toThrow(
      WebhookDeliveryError,
    );
    expect(received).toHaveLength(1);
  });

  it('throws after every attempt failed, and never logs the URL or the secret', async () => {
    const { handler, received, log } = setup([500, 500, 500]);

    await expect(handler(statusEvent('TIMED_OUT', withWebhook({}, 'https://hooks.example.com/in')))).rejects.toThrow(
      /exhausted after 3/,
    );
    expect(received).toHaveLength(3);
    const logged = JSON.stringify(log.mock.calls);
    expect(logged).not.toContain('hooks.example.com');
    expect(logged).not.toContain(SECRET);
  });

  it('skips a running execution and one started without a webhook', async () => {
    const { handler, received } = setup([]);

    await expect(handler(statusEvent('RUNNING', withWebhook({}, 'https://hooks.example.com/in')))).resolves.toEqual({
      kind: 'skipped',
      reason: 'not-terminal',
    });
    registered.clear();
    await expect(handler(statusEvent('SUCCEEDED', { plain: 'input' }))).resolves.toEqual({
      kind: 'skipped',
      reason: 'no-webhook',
    });
    // The input is never read for a URL: only the registration table says where to send.
    await expect(
      handler(statusEvent('SUCCEEDED', { asyncApiWebhook: 'https://hooks.example.com/in', input: {} })),
    ).resolves.toEqual({ kind: 'skipped', reason: 'no-webhook' });
    expect(received).toHaveLength(0);
  });

  it("asks for the URL of the execution that started at the event's startDate", async () => {
    const asked: [string, number][] = [];
    const { handler } = setup([], {
      webhookOf: async (executionArn, startDateMs) => {
        asked.push([executionArn, startDateMs]);
        return undefined;
      },
    });

    await handler(statusEvent('SUCCEEDED', {}));

    expect(asked).toEqual([[ARN, 1_700_000_000_000]]);
  });

  it('dead-letters a delivery whose host resolves to a private address, without connecting', async () => {
    const { handler, log } = setup([], {
      post: createPost({ allowLoopbackHttp: false, resolve: async () => [{ address: '10.0.0.7', family: 4 }] }),
    });

    await expect(handler(statusEvent('SUCCEEDED', withWebhook({}, 'https://rebind.example.com/')))).rejects.toThrow(
      WebhookDeliveryError,
    );
    expect(JSON.stringify(log.mock.calls)).toContain('forbidden address');
  });

  it('drops an http URL on AWS even if one got into an execution', async () => {
    const { handler, received } = setup([200]);

    await expect(handler(statusEvent('SUCCEEDED', withWebhook({}, 'http://127.0.0.1:8080/')))).resolves.toMatchObject({
      kind: 'refused',
    });
    expect(received).toHaveLength(0);
  });
});

describe('webhook URL policy', () => {
  it.each([
    ['http://hooks.example.com/', false],
    ['https://10.1.2.3/', false],
    ['https://169.254.169.254/latest/meta-data/', false],
    ['https://[fd00:ec2::254]/', false],
    ['https://[::ffff:127.0.0.1]/', false],
    ['https://localhost/', false],
    ['https://metadata.google.internal/', false],
    ['https://user:pw@hooks.example.com/', false],
    [`https://hooks.example.com/${'a'.repeat(WEBHOOK_URL_MAX_LENGTH)}`, false],
    ['http://127.0.0.1:9000/hook', false],
    ['https://hooks.example.com/in?x=1', true],
    ['https://93.184.215.14/', true],
  ])('%s on AWS: accepted %s', (url, accepted) => {
    expect(webhookUrlProblem(url, { allowLoopbackHttp: false }) === null).toBe(accepted);
  });

  it('allows http://127.0.0.1 only locally, and no other http host', () => {
    expect(webhookUrlProblem('http://127.0.0.1:9000/hook', { allowLoopbackHttp: true })).toBeNull();
    expect(webhookUrlProblem('http://192.168.1.2:9000/hook', { allowLoopbackHttp: true })).not.toBeNull();
    expect(webhookUrlProblem('http://localhost:9000/hook', { allowLoopbackHttp: true })).not.toBeNull();
  });

  it('treats text that is not an address as forbidden', () => {
    expect(isForbiddenAddress('not-an-ip')).toBe(true);
    expect(isForbiddenAddress('8.8.8.8')).toBe(false);
  });
});

describe('retry schedule', () => {
  it('doubles up to the cap, with jitter in its upper half', () => {
    const o = { baseDelayMs: 100, maxDelayMs: 300, random: () => 0.999 };
    expect([2, 3, 4, 5].map((n) => backoffMs(n, o))).toEqual([100, 200, 300, 300]);
    expect(backoffMs(2, { ...o, random: () => 0 })).toBe(50);
  });

  it('refuses a maxAttempts below 1 naming the field', async () => {
    await expect(
      deliverWithRetry(async () => 200, {
        maxAttempts: 0,
        baseDelayMs: 1,
        maxDelayMs: 1,
        sleep: async () => {},
        random: Math.random,
      }),
    ).rejects.toThrow(/maxAttempts/);
  });
});

describe('sender config', () => {
  it('needs a Secrets Manager ARN and a true/false loopback flag', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:async-api-dev-webhook-signing-AbCdEf';
    const table = 'async-api-dev-webhook-registrations';
    expect(parseSenderConfig({ SIGNING_SECRET_ARN: arn, WEBHOOK_REGISTRATIONS_TABLE: table })).toEqual({
      signingSecretArn: arn,
      allowLoopbackHttp: false,
      table,
    });
    expect(() => parseSenderConfig({})).toThrow(ConfigError);
    expect(() => parseSenderConfig({ SIGNING_SECRET_ARN: arn })).toThrow(/WEBHOOK_REGISTRATIONS_TABLE/);
    expect(() => parseSenderConfig({ SIGNING_SECRET_ARN: arn, WEBHOOK_REGISTRATIONS_TABLE: 'a/b' })).toThrow(
      /WEBHOOK_REGISTRATIONS_TABLE must be a DynamoDB table name; got "a\/b"/,
    );
    expect(() =>
      parseSenderConfig({ SIGNING_SECRET_ARN: arn, WEBHOOK_REGISTRATIONS_TABLE: table, ALLOW_LOOPBACK_HTTP: 'yes' }),
    ).toThrow(/ALLOW_LOOPBACK_HTTP/);
  });
});
