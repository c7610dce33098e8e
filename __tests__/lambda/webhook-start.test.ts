import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError } from '../../lambda-src/shared/config-error';
import { ENVELOPE_WEBHOOK_KEY, STATUS_EVENT_DATA_MAX_BYTES } from '../../lambda-src/shared/webhook-envelope';
import { parseWebhookStartConfig } from '../../lambda-src/webhook-start/config';
import { createHandler } from '../../lambda-src/webhook-start/handler';

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:async-api-dev-some-job';
const sfn = mockClient(SFNClient);

function setup(allowLoopbackHttp = false) {
  const logger = { error: jest.fn() };
  const handler = createHandler({
    client: new SFNClient({ region: 'eu-west-1' }),
    machines: { 'some-job': MACHINE },
    allowLoopbackHttp,
    logger,
  });
  const post = (body: unknown, path = '/some-job/start-execution-with-webhook') =>
    handler({ rawPath: path, body: typeof body === 'string' ? body : JSON.stringify(body), isBase64Encoded: false });
  return { post, logger };
}

beforeEach(() => sfn.reset());

describe('webhook start', () => {
  it('starts the job with the URL in the envelope and answers like the plain start route', async () => {
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: `${MACHINE}:run-1`, startDate: new Date(1_700_000_000_500) });
    const { post } = setup();

    const res = await post({ input: { a: 1 }, name: 'run-1', webhook: 'https://hooks.example.com/in' });

    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ executionArn: `${MACHINE}:run-1`, startDate: 1_700_000_000.5 });
    const call = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(call.stateMachineArn).toBe(MACHINE);
    expect(call.name).toBe('run-1');
    expect(JSON.parse(call.input!)).toEqual({
      [ENVELOPE_WEBHOOK_KEY]: 'https://hooks.example.com/in',
      input: { a: 1 },
    });
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
    [
      'input too large for the end-of-execution event to carry the URL',
      { input: { pad: 'x'.repeat(STATUS_EVENT_DATA_MAX_BYTES) }, webhook: 'https://hooks.example.com/' },
    ],
  ])('answers 400 for %s and starts nothing', async (_case, body) => {
    const { post } = setup();

    const res = await post(body);

    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).message).toEqual(expect.any(String));
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('accepts http://127.0.0.1 only when the local runtime says so', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x`, startDate: new Date() });

    expect((await setup(true).post({ webhook: 'http://127.0.0.1:9000/hook' })).statusCode).toBe(200);
  });

  it("passes Step Functions' own refusals through as 400 with their type", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const { post } = setup();

    const res = await post({ webhook: 'https://hooks.example.com/', name: 'dup' });

    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ __type: 'ExecutionAlreadyExists', message: 'Execution Already Exists' });
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

  it('needs JOB_STATE_MACHINES to map jobs to state machine ARNs', () => {
    expect(parseWebhookStartConfig({ JOB_STATE_MACHINES: JSON.stringify({ 'some-job': MACHINE }) })).toEqual({
      machines: { 'some-job': MACHINE },
      allowLoopbackHttp: false,
    });
    expect(() => parseWebhookStartConfig({})).toThrow(ConfigError);
    expect(() => parseWebhookStartConfig({ JOB_STATE_MACHINES: '{"a":"nope"}' })).toThrow(/JOB_STATE_MACHINES\.a/);
  });
});
