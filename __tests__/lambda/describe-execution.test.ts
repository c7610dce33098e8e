import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  InvalidArn,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { parseDescribeExecutionConfig } from '../../lambda-src/describe-execution/config';
import {
  createHandler,
  runningRetryAfterSeconds,
  THROTTLED_RETRY_AFTER_SECONDS,
} from '../../lambda-src/describe-execution/handler';
import { ConfigError } from '../../lambda-src/shared/config-error';
import { arnBody, EXECUTION_ARN, httpEvent, STATE_MACHINE_ARN } from './fixtures';

/** A second job's machine in the same API: its executions are served too. */
const OTHER_JOB_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:async-api-dev-other-job';

const sfn = mockClient(SFNClient);
const START = new Date('2025-11-24T20:00:00.000Z');
const STOP = new Date('2025-11-24T20:00:03.250Z');

function setup({ now = START }: { now?: Date } = {}) {
  const logger = { error: jest.fn(), warn: jest.fn() };
  const handler = createHandler({
    client: new SFNClient({ region: 'eu-west-1' }),
    stateMachineArns: [OTHER_JOB_MACHINE_ARN, STATE_MACHINE_ARN],
    now: () => now,
    logger,
  });
  return { handler, logger };
}

function parsedBody(response: { body: string }): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

beforeEach(() => {
  sfn.reset();
});

describe('200: execution found', () => {
  it('returns every field, with dates as ISO-8601 and input/output parsed', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'order-42',
      status: 'SUCCEEDED',
      startDate: START,
      stopDate: STOP,
      input: '{"seconds":3}',
      output: '{"message":"boiled"}',
    });
    const { handler } = setup();
    // Act
    const response = await handler(httpEvent(arnBody(EXECUTION_ARN)));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toStrictEqual({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(parsedBody(response)).toStrictEqual({
      executionArn: EXECUTION_ARN,
      name: 'order-42',
      status: 'SUCCEEDED',
      startDate: '2025-11-24T20:00:00.000Z',
      stopDate: '2025-11-24T20:00:03.250Z',
      input: { seconds: 3 },
      output: { message: 'boiled' },
      error: null,
      cause: null,
      redriveCount: null,
      redriveDate: null,
      redriveStatus: null,
      redriveStatusReason: null,
      progress: null,
    });
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toStrictEqual([
      { executionArn: EXECUTION_ARN },
    ]);
  });

  it('reports a failed execution with error and cause, and null for what is absent', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'order-42',
      status: 'FAILED',
      startDate: START,
      stopDate: STOP,
      input: '{"seconds":"abc"}',
      error: 'RamenTimer.InvalidInput',
      cause: 'seconds must be a number',
    });
    const { handler } = setup();
    // Act
    const body = parsedBody(await handler(httpEvent(arnBody(EXECUTION_ARN))));
    // Assess
    expect(body).toMatchObject({
      status: 'FAILED',
      output: null,
      error: 'RamenTimer.InvalidInput',
      cause: 'seconds must be a number',
    });
  });

  it('accepts a base64-encoded body', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION_ARN, status: 'SUCCEEDED', startDate: START });
    const { handler } = setup();
    const encoded = Buffer.from(arnBody(EXECUTION_ARN), 'utf8').toString('base64');
    // Act
    const response = await handler(httpEvent(encoded, { isBase64Encoded: true }));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toStrictEqual({ executionArn: EXECUTION_ARN });
  });

  it('passes input that is not JSON through as a string and logs a warning', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: 'SUCCEEDED',
      startDate: START,
      input: 'not json',
    });
    const { handler, logger } = setup();
    // Act
    const response = await handler(httpEvent(arnBody(EXECUTION_ARN)));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(parsedBody(response).input).toBe('not json');
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });
});

describe('Retry-After while the execution runs', () => {
  it.each([
    [0, '1'],
    [3.9, '1'],
    [8, '2'],
    [11.9, '2'],
    [40, '10'],
    [79.9, '19'],
    [80, '20'],
    [3600, '20'],
  ])('after %d s of RUNNING, retry-after is %s', async (elapsedSeconds, expected) => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION_ARN, status: 'RUNNING', startDate: START });
    const { handler } = setup({ now: new Date(START.getTime() + elapsedSeconds * 1000) });
    // Act
    const response = await handler(httpEvent(arnBody(EXECUTION_ARN)));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['retry-after']).toBe(expected);
    expect(parsedBody(response)).toMatchObject({ status: 'RUNNING', stopDate: null, output: null });
  });

  it('is also sent for PENDING_REDRIVE', async () => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION_ARN, status: 'PENDING_REDRIVE', startDate: START });
    const { handler } = setup({ now: new Date(START.getTime() + 20_000) });
    // Act
    const response = await handler(httpEvent(arnBody(EXECUTION_ARN)));
    // Assess
    expect(response.headers['retry-after']).toBe('5');
  });

  it.each(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const)(
    'is not sent once the status is %s',
    async (status) => {
      // Prepare
      sfn
        .on(DescribeExecutionCommand)
        .resolves({ executionArn: EXECUTION_ARN, status, startDate: START, stopDate: STOP });
      const { handler } = setup({ now: new Date(START.getTime() + 60_000) });
      // Act
      const response = await handler(httpEvent(arnBody(EXECUTION_ARN)));
      // Assess
      expect(response.headers).not.toHaveProperty('retry-after');
    },
  );

  it.each([
    ['a start date in the future (clock skew)', new Date(START.getTime() + 30_000)],
    ['no start date', undefined],
    ['an invalid start date', new Date(NaN)],
  ])('falls back to the 1 s minimum for %s', (_label, startDate) => {
    // Act
    const seconds = runningRetryAfterSeconds(startDate, START);
    // Assess
    expect(seconds).toBe(1);
  });
});

describe('400: bad requests never reach AWS', () => {
  const expectedBody =
    /a JSON object like \{"executionArn": "arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>"\}/;

  it.each([
    ['no body', undefined, /^Request body is required: send /],
    ['an empty body', '', /^Request body is required: send /],
    ['a body that is not JSON', '{executionArn:', /^Request body is not valid JSON: send /],
    ['a JSON array', '[]', /^Request body must be a JSON object like .*; got \[\]$/],
    ['JSON null', 'null', /^Request body must be a JSON object like .*; got null$/],
    ['a JSON string', `"${EXECUTION_ARN}"`, /^Request body must be a JSON object like /],
    ['an object without executionArn', '{"arn":"x"}', /^executionArn is required: send /],
    ['a numeric executionArn', arnBody(42), /^executionArn must be a string; got 42$/],
    ['a null executionArn', arnBody(null), /^executionArn must be a string; got null$/],
  ])('%s', async (_label, body, message) => {
    // Prepare
    const { handler } = setup();
    // Act
    const response = await handler(httpEvent(body));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/json');
    expect(parsedBody(response).message).toMatch(message);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('says what body is expected', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const response = await handler(httpEvent('nope'));
    // Assess
    expect(parsedBody(response).message).toMatch(expectedBody);
  });

  it('rejects base64 that does not decode to JSON', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const response = await handler(httpEvent(Buffer.from('not json').toString('base64'), { isBase64Encoded: true }));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(parsedBody(response).message).toMatch(/^Request body is not valid JSON/);
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    ['the state machine ARN itself', STATE_MACHINE_ARN],
    ['an execution ARN without a name', 'arn:aws:states:eu-west-1:123456789012:execution:async-api-dev-ramen'],
    ['an express execution ARN', 'arn:aws:states:eu-west-1:123456789012:express:async-api-dev-ramen:order-42:abc'],
    ['an 11-digit account', 'arn:aws:states:eu-west-1:12345678901:execution:async-api-dev-ramen:order-42'],
    ['a name with a space', 'arn:aws:states:eu-west-1:123456789012:execution:async-api-dev-ramen:order 42'],
    ['an 81-character name', `arn:aws:states:eu-west-1:123456789012:execution:async-api-dev-ramen:${'x'.repeat(81)}`],
    ['another service', 'arn:aws:lambda:eu-west-1:123456789012:execution:async-api-dev-ramen:order-42'],
    ['trailing text', `${EXECUTION_ARN}:extra`],
    ['plain text', 'order-42'],
  ])('rejects a malformed executionArn: %s', async (_label, arn) => {
    // Prepare
    const { handler } = setup();
    // Act
    const response = await handler(httpEvent(arnBody(arn)));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(parsedBody(response).message).toMatch(
      /^executionArn must look like arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>; got "/,
    );
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    ['another state machine', 'arn:aws:states:eu-west-1:123456789012:execution:other-machine:order-42'],
    [
      'a machine whose name extends ours',
      'arn:aws:states:eu-west-1:123456789012:execution:async-api-dev-ramen-2:order-42',
    ],
    [
      'a machine whose name is a prefix of ours',
      'arn:aws:states:eu-west-1:123456789012:execution:async-api-dev:order-42',
    ],
    ['another account', 'arn:aws:states:eu-west-1:210987654321:execution:async-api-dev-ramen:order-42'],
    ['another region', 'arn:aws:states:us-east-1:123456789012:execution:async-api-dev-ramen:order-42'],
    ['another partition', 'arn:aws-cn:states:eu-west-1:123456789012:execution:async-api-dev-ramen:order-42'],
  ])('rejects an execution of %s without revealing ours', async (_label, arn) => {
    // Prepare
    const { handler } = setup();
    // Act
    const response = await handler(httpEvent(arnBody(arn)));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(parsedBody(response).message).toBe("executionArn must be an execution of one of this API's state machines");
    expect(response.body).not.toContain('123456789012');
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('errors from Step Functions', () => {
  it('maps ExecutionDoesNotExist to 404 naming the ARN', async () => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: { httpStatusCode: 400 } }));
    const { handler, logger } = setup();
    // Act
    const response = await handler(httpEvent(arnBody(EXECUTION_ARN)));
    // Assess
    expect(response.statusCode).toBe(404);
    expect(parsedBody(response)).toStrictEqual({ message: `Execution not found: ${EXECUTION_ARN}` });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('maps InvalidArn to 400 without echoing the AWS message', async () => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new InvalidArn({ message: 'Invalid Arn: internal-detail-xyz', $metadata: { httpStatusCode: 400 } }));
    const { handler } = setup();
    // Act
    const response = await handler(httpEvent(arnBody(EXECUTION_ARN)));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(parsedBody(response)).toStrictEqual({ message: 'executionArn is not a valid execution ARN' });
  });

  it.each([
    ['ThrottlingException', 400],
    ['TooManyRequestsException', 400],
    ['SomethingNew', 429],
  ])('maps %s (HTTP %d) to 429 with retry-after', async (name, httpStatusCode) => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .rejects(
        new SFNServiceException({ name, $fault: 'client', message: 'Rate exceeded', $metadata: { httpStatusCode } }),
      );
    const { handler, logger } = setup();
    // Act
    const response = await handler(httpEvent(arnBody(EXECUTION_ARN)));
    // Assess
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe(String(THROTTLED_RETRY_AFTER_SECONDS));
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(parsedBody(response).message).toMatch(/^Too many requests/);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it.each([
    [
      'an AWS error',
      new SFNServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'User arn:aws:sts::123456789012:assumed-role/secret-role is not authorized',
        $metadata: { httpStatusCode: 403 },
      }),
    ],
    ['a network error', new Error('connect ECONNREFUSED 10.0.0.7:443 secret-host')],
    ['a non-Error value', 'secret string thrown'],
  ])('maps %s to a 500 that leaks nothing and logs the request id', async (_label, failure) => {
    // Prepare: callsFake, because rejects() would wrap a non-Error in an Error.
    sfn.on(DescribeExecutionCommand).callsFake(() => Promise.reject(failure));
    const { handler, logger } = setup();
    // Act
    const response = await handler(httpEvent(arnBody(EXECUTION_ARN), { requestId: 'apigw-req-77' }), {
      awsRequestId: 'lambda-req-88',
    });
    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe(JSON.stringify({ message: 'Internal server error' }));
    expect(response.body).not.toMatch(/secret|ECONNREFUSED|stack/i);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0]).toContainEqual(
      expect.objectContaining({
        requestId: 'apigw-req-77',
        awsRequestId: 'lambda-req-88',
        executionArn: EXECUTION_ARN,
      }),
    );
  });
});

describe('configuration', () => {
  it("reads every job's state machine from JOB_STATE_MACHINES, in registry order", () => {
    expect(
      parseDescribeExecutionConfig({
        JOB_STATE_MACHINES: JSON.stringify({ ramen: STATE_MACHINE_ARN, other: OTHER_JOB_MACHINE_ARN }),
      }),
    ).toStrictEqual({ stateMachineArns: [STATE_MACHINE_ARN, OTHER_JOB_MACHINE_ARN] });
  });

  it.each([undefined, '', '  '])('requires JOB_STATE_MACHINES (%j), stating its shape', (value) => {
    // Act / Assess
    expect(() => parseDescribeExecutionConfig({ JOB_STATE_MACHINES: value })).toThrow(
      'JOB_STATE_MACHINES is required: set it to a JSON object {"<job>": "arn:<partition>:states:<region>:<account>:stateMachine:<name>"}',
    );
  });

  it.each([
    EXECUTION_ARN,
    'arn:aws:states:eu-west-1:123456789012:stateMachine:async-api-dev-ramen:1',
    'async-api-dev-ramen',
    '',
  ])('rejects a JOB_STATE_MACHINES entry that is not a state machine ARN: %j', (value) => {
    // Act / Assess
    expect(() =>
      parseDescribeExecutionConfig({ JOB_STATE_MACHINES: JSON.stringify({ ramen: STATE_MACHINE_ARN, bad: value }) }),
    ).toThrow(
      `JOB_STATE_MACHINES.bad must look like arn:<partition>:states:<region>:<account>:stateMachine:<name>; got "${value}"`,
    );
  });

  it('refuses to build a handler for a malformed or missing state machine ARN', () => {
    // Act / Assess
    expect(() => createHandler({ client: new SFNClient({}), stateMachineArns: ['nope'] })).toThrow(
      /^stateMachineArns must look like/,
    );
    expect(() => createHandler({ client: new SFNClient({}), stateMachineArns: [] })).toThrow(ConfigError);
  });

  it('describes an execution of any of its state machines', async () => {
    // Prepare
    const { handler } = setup();
    const other = `${OTHER_JOB_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:run-7`;
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: other, status: 'RUNNING', startDate: START });
    // Act
    const response = await handler(httpEvent(arnBody(other)));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toStrictEqual([
      { executionArn: other },
    ]);
  });

  it('serves executions of a state machine in another partition (GovCloud)', async () => {
    // Prepare
    const govMachine = 'arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:ramen';
    const govExecution = 'arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:ramen:run-1';
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: govExecution, status: 'SUCCEEDED', startDate: START });
    const handler = createHandler({
      client: new SFNClient({}),
      stateMachineArns: [govMachine],
      logger: { error: jest.fn(), warn: jest.fn() },
    });
    // Act
    const response = await handler(httpEvent(arnBody(govExecution)));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
  });
});
