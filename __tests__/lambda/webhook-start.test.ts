import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError } from '../../lambda-src/shared/config-error';
import type { RegisterOutcome } from '../../lambda-src/shared/webhook-registration';
import { parseWebhookStartConfig } from '../../lambda-src/webhook-start/config';
import { createHandler } from '../../lambda-src/webhook-start/handler';

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:async-api-dev-some-job';
const EXECUTIONS = 'arn:aws:states:eu-west-1:123456789012:execution:async-api-dev-some-job';
const sfn = mockClient(SFNClient);

/** The registration table in memory, with the conditional put's semantics. */
function fakeRegistrations(existing: Record<string, string> = {}) {
  const items = new Map(Object.entries(existing));
  return {
    items,
    register: jest.fn(async (arn: string, webhook: string): Promise<RegisterOutcome> => {
      if (items.has(arn)) return { kind: 'exists', webhook: items.get(arn)! };
      items.set(arn, webhook);
      return { kind: 'created' };
    }),
    remove: jest.fn(async (arn: string) => void items.delete(arn)),
    confirm: jest.fn(async (_arn: string, _webhook: string, _startDateMs: number) => undefined),
  };
}

function setup(allowLoopbackHttp = false, registrations = fakeRegistrations()) {
  const logger = { error: jest.fn() };
  const handler = createHandler({
    client: new SFNClient({ region: 'eu-west-1' }),
    registrations,
    newName: () => 'generated-name',
    machines: { 'some-job': MACHINE },
    allowLoopbackHttp,
    logger,
  });
  const post = (body: unknown, path = '/some-job/start-execution-with-webhook') =>
    handler({ rawPath: path, body: typeof body === 'string' ? body : JSON.stringify(body), isBase64Encoded: false });
  return { post, logger, registrations };
}

beforeEach(() => sfn.reset());

describe('webhook start', () => {
  it("keeps the URL under the execution's ARN before starting, and starts the job with its input untouched", async () => {
    // Prepare
    const order: string[] = [];
    sfn.on(StartExecutionCommand).callsFake(async () => {
      order.push('start');
      return { executionArn: `${EXECUTIONS}:run-1`, startDate: new Date(1_700_000_000_500) };
    });
    const registrations = fakeRegistrations();
    registrations.register.mockImplementationOnce(async (arn, webhook) => {
      order.push('register');
      registrations.items.set(arn, webhook);
      return { kind: 'created' };
    });
    const { post } = setup(false, registrations);

    // Act
    const res = await post({ input: { a: 1 }, name: 'run-1', webhook: 'https://hooks.example.com/in' });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ executionArn: `${EXECUTIONS}:run-1`, startDate: 1_700_000_000.5 });
    expect(order).toEqual(['register', 'start']);
    expect([...registrations.items]).toEqual([[`${EXECUTIONS}:run-1`, 'https://hooks.example.com/in']]);
    const call = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(call).toEqual({ stateMachineArn: MACHINE, name: 'run-1', input: '{"a":1}' });
  });

  it("binds the registration to the started execution's start date, so a later one of that name never gets it", async () => {
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: `${EXECUTIONS}:run-1`, startDate: new Date(1_700_000_000_500) });
    const { post, registrations } = setup();

    await post({ name: 'run-1', webhook: 'https://hooks.example.com/in' });

    expect(registrations.confirm.mock.calls).toEqual([
      [`${EXECUTIONS}:run-1`, 'https://hooks.example.com/in', 1_700_000_000_500],
    ]);
  });

  it('answers 200 when the start happened but its registration could not be bound, and logs it', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${EXECUTIONS}:run-1`, startDate: new Date() });
    const registrations = fakeRegistrations();
    registrations.confirm.mockRejectedValueOnce(new Error('throttled'));
    const { post, logger } = setup(false, registrations);

    const res = await post({ name: 'run-1', webhook: 'https://hooks.example.com/in' });

    expect(res.statusCode).toBe(200);
    expect(registrations.items.get(`${EXECUTIONS}:run-1`)).toBe('https://hooks.example.com/in');
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('not bound'));
  });

  it('names an execution started without a name itself, so its ARN is known before it starts', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${EXECUTIONS}:generated-name`, startDate: new Date() });
    const { post, registrations } = setup();

    const res = await post({ webhook: 'https://hooks.example.com/in' });

    expect(res.statusCode).toBe(200);
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toMatchObject({
      name: 'generated-name',
      input: '{}',
    });
    expect(registrations.items.get(`${EXECUTIONS}:generated-name`)).toBe('https://hooks.example.com/in');
  });

  it('never replaces the URL another start registered under the same name, and starts nothing', async () => {
    const registrations = fakeRegistrations({ [`${EXECUTIONS}:dup`]: 'https://first.example.com/' });
    const { post } = setup(false, registrations);

    const res = await post({ webhook: 'https://second.example.com/', name: 'dup' });

    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ __type: 'ExecutionAlreadyExists' });
    expect(registrations.items.get(`${EXECUTIONS}:dup`)).toBe('https://first.example.com/');
    expect(registrations.remove).not.toHaveBeenCalled();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it("leaves the same URL's repeated start to Step Functions, which answers an idempotent start itself", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${EXECUTIONS}:again`, startDate: new Date() });
    const registrations = fakeRegistrations({ [`${EXECUTIONS}:again`]: 'https://hooks.example.com/' });
    const { post } = setup(false, registrations);

    const res = await post({ webhook: 'https://hooks.example.com/', name: 'again' });

    expect(res.statusCode).toBe(200);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it.each([
    ['no webhook', { input: {} }],
    ['an http URL', { input: {}, webhook: 'http://hooks.example.com/' }],
    ['a private address', { input: {}, webhook: 'https://10.0.0.1/' }],
    ['the metadata service', { input: {}, webhook: 'https://169.254.169.254/' }],
    ['a URL too long', { input: {}, webhook: `https://hooks.example.com/${'a'.repeat(3000)}` }],
    ['loopback http on AWS', { input: {}, webhook: 'http://127.0.0.1:9000/' }],
    ['a body that is not JSON', '{not json'],
    ['a name that is not a string', { webhook: 'https://hooks.example.com/', name: 7 }],
  ])('answers 400 for %s and starts nothing', async (_case, body) => {
    const { post, registrations } = setup();

    const res = await post(body);

    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).message).toEqual(expect.any(String));
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(registrations.register).not.toHaveBeenCalled();
  });

  it('accepts http://127.0.0.1 only when the local runtime says so', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x`, startDate: new Date() });

    expect((await setup(true).post({ webhook: 'http://127.0.0.1:9000/hook' })).statusCode).toBe(200);
  });

  it("passes Step Functions' own refusals through as 400 with their type", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const { post, registrations } = setup();

    const res = await post({ webhook: 'https://hooks.example.com/', name: 'dup' });

    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ __type: 'ExecutionAlreadyExists', message: 'Execution Already Exists' });
    // Nothing started, so the registration written for it is taken back.
    expect(registrations.items.size).toBe(0);
    expect(registrations.confirm).not.toHaveBeenCalled();
  });

  it('refuses a name Step Functions would refuse before keeping anything, at the 80-character boundary', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${EXECUTIONS}:x`, startDate: new Date() });
    const { post, registrations } = setup();

    const longest = await post({ webhook: 'https://h.example.com/', name: 'n'.repeat(80) });
    const tooLong = await post({ webhook: 'https://h.example.com/', name: 'n'.repeat(81) });
    const huge = await post({ webhook: 'https://h.example.com/', name: 'n'.repeat(3000) });
    const colon = await post({ webhook: 'https://h.example.com/', name: 'a:b' });

    expect(longest.statusCode).toBe(200);
    for (const res of [tooLong, huge, colon]) {
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ __type: 'InvalidName' });
    }
    expect(registrations.register).toHaveBeenCalledTimes(1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('answers 404 for a job it does not serve and 500 without detail for the unexpected', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('socket hang up'));
    const { post, logger } = setup();

    expect(
      (await post({ webhook: 'https://h.example.com/' }, '/other-job/start-execution-with-webhook')).statusCode,
    ).toBe(404);
    const res = await post({ webhook: 'https://h.example.com/' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('socket');
    expect(logger.error).toHaveBeenCalled();
  });

  it('answers 500 and starts nothing when the URL cannot be kept', async () => {
    const registrations = fakeRegistrations();
    registrations.register.mockRejectedValueOnce(new Error('ProvisionedThroughputExceededException'));
    const { post, logger } = setup(false, registrations);

    const res = await post({ webhook: 'https://h.example.com/' });

    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('Provisioned');
    expect(logger.error).toHaveBeenCalled();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('keeps the registration when the start may have happened (no answer), so no webhook is lost', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('socket hang up'));
    const { post, registrations } = setup();

    expect((await post({ webhook: 'https://h.example.com/', name: 'maybe' })).statusCode).toBe(500);
    expect(registrations.items.get(`${EXECUTIONS}:maybe`)).toBe('https://h.example.com/');
  });

  it('needs JOB_STATE_MACHINES to map jobs to state machine ARNs, and the registration table', () => {
    const table = 'async-api-dev-webhook-registrations';
    const jobs = JSON.stringify({ 'some-job': MACHINE });
    expect(parseWebhookStartConfig({ JOB_STATE_MACHINES: jobs, WEBHOOK_REGISTRATIONS_TABLE: table })).toEqual({
      machines: { 'some-job': MACHINE },
      allowLoopbackHttp: false,
      table,
    });
    expect(() => parseWebhookStartConfig({})).toThrow(ConfigError);
    expect(() => parseWebhookStartConfig({ JOB_STATE_MACHINES: jobs })).toThrow(/WEBHOOK_REGISTRATIONS_TABLE/);
    expect(() => parseWebhookStartConfig({ JOB_STATE_MACHINES: '{"a":"nope"}' })).toThrow(/JOB_STATE_MACHINES\.a/);
  });
});
