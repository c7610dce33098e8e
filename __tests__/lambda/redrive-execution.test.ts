import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  type ExecutionStatus,
  RedriveExecutionCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, REDRIVE_WINDOW_MS, redriveRefusal } from '../../lambda-src/redrive-execution/handler';
import { EXECUTION_ARN, httpEvent, STATE_MACHINE_ARN } from './fixtures';

const sfn = mockClient(SFNClient);
const NOW = new Date('2026-12-05T12:00:00.000Z');
const REDRIVE_DATE = new Date('2026-12-05T12:00:01.000Z');

function setup() {
  const logger = { error: jest.fn(), warn: jest.fn() };
  const handler = createHandler({
    client: new SFNClient({ region: 'eu-west-1' }),
    jobs: { ramen: STATE_MACHINE_ARN },
    now: () => NOW,
    logger,
  });
  return { handler, logger };
}

const body = JSON.stringify({ executionArn: EXECUTION_ARN });

beforeEach(() => {
  sfn.reset();
});

describe('200: redriven', () => {
  it.each<ExecutionStatus>(['FAILED', 'TIMED_OUT', 'ABORTED'])(
    'redrives a %s execution under the same ARN and answers the redrive date',
    async (status) => {
      // Prepare
      sfn.on(DescribeExecutionCommand).resolves({ status, stopDate: new Date(NOW.getTime() - 60_000) });
      sfn.on(RedriveExecutionCommand).resolves({ redriveDate: REDRIVE_DATE });
      const { handler } = setup();

      // Act
      const response = await handler(httpEvent(body));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual({
        executionArn: EXECUTION_ARN,
        // Epoch seconds, as start and stop answer (Step Functions' own convention)
        redriveDate: REDRIVE_DATE.getTime() / 1000,
      });
      expect(sfn.commandCalls(RedriveExecutionCommand).map((c) => c.args[0].input)).toEqual([
        { executionArn: EXECUTION_ARN },
      ]);
    },
  );

  it('redrives one that stopped exactly 14 days ago', async () => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'FAILED', stopDate: new Date(NOW.getTime() - REDRIVE_WINDOW_MS) });
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: REDRIVE_DATE });
    const { handler } = setup();

    // Act
    const response = await handler(httpEvent(body));

    // Assess
    expect(response.statusCode).toBe(200);
  });
});

describe('409: not redrivable, and nothing is redriven', () => {
  it.each([
    [
      'RUNNING',
      { status: 'RUNNING' },
      /^Only FAILED, TIMED_OUT, ABORTED executions can be redriven; this one is RUNNING$/,
    ],
    ['SUCCEEDED', { status: 'SUCCEEDED', stopDate: NOW }, /this one is SUCCEEDED$/],
    ['PENDING_REDRIVE', { status: 'PENDING_REDRIVE' }, /this one is PENDING_REDRIVE$/],
    [
      'past the 14-day window',
      { status: 'FAILED', stopDate: new Date(NOW.getTime() - REDRIVE_WINDOW_MS - 1) },
      /^The execution stopped at 2026-11-21T11:59:59\.999Z, more than 14 days ago; it can no longer be redriven$/,
    ],
    [
      'reported NOT_REDRIVABLE by Step Functions',
      { status: 'FAILED', stopDate: NOW, redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is a child' },
      /^Step Functions reports the execution as not redrivable: Execution is a child$/,
    ],
  ])('%s', async (_what, execution, message) => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves(execution as DescribeExecutionOutput);
    const { handler } = setup();

    // Act
    const response = await handler(httpEvent(body));

    // Assess
    expect(response.statusCode).toBe(409);
    expect((JSON.parse(response.body) as { message: string }).message).toMatch(message);
    expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
  });

  it('when Step Functions refuses after our check passed (a race), still 409', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', stopDate: NOW });
    sfn.on(RedriveExecutionCommand).rejects(new ExecutionNotRedrivable({ message: 'not redrivable', $metadata: {} }));
    const { handler } = setup();

    // Act
    const response = await handler(httpEvent(body));

    // Assess
    expect(response.statusCode).toBe(409);
  });
});

describe('400 and 404', () => {
  it.each([
    ['no body', undefined],
    ['a malformed ARN', '{"executionArn":"order-42"}'],
    [
      "another API's execution",
      JSON.stringify({ executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:other:order-42' }),
    ],
    ['an unknown field', JSON.stringify({ executionArn: EXECUTION_ARN, force: true })],
  ])('400 for %s, without calling Step Functions', async (_what, request) => {
    // Prepare
    const { handler } = setup();

    // Act
    const response = await handler(httpEvent(request));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('404 for an execution that does not exist', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'nope', $metadata: {} }));
    const { handler } = setup();

    // Act
    const response = await handler(httpEvent(body));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
  });
});

describe('redriveRefusal', () => {
  it('accepts a redrivable execution with no stop date reported (Step Functions checks again)', () => {
    expect(redriveRefusal({ status: 'ABORTED' }, NOW)).toBeUndefined();
  });
});
