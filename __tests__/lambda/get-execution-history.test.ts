import {
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidToken,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, HISTORY_MAX_RESULTS } from '../../lambda-src/get-execution-history/handler';
import { encodeHistoryToken } from '../../lambda-src/get-execution-history/token';
import { EXECUTION_ARN, httpEvent, STATE_MACHINE_ARN } from './fixtures';

const sfn = mockClient(SFNClient);
const AT = new Date('2026-12-01T10:00:00.000Z');
const EVENTS: HistoryEvent[] = [
  { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: AT, executionStartedEventDetails: { input: '{}' } },
  { id: 2, previousEventId: 1, type: 'TaskStateEntered', timestamp: AT, stateEnteredEventDetails: { name: 'Boil' } },
];

function setup() {
  const logger = { error: jest.fn(), warn: jest.fn() };
  const handler = createHandler({
    client: new SFNClient({ region: 'eu-west-1' }),
    jobs: { ramen: STATE_MACHINE_ARN },
    logger,
  });
  return { handler, logger };
}

beforeEach(() => {
  sfn.reset();
});

describe('200: one page of events', () => {
  it("returns Step Functions' events and token, with dates as ISO-8601, and sends the defaults", async () => {
    // Prepare
    sfn.on(GetExecutionHistoryCommand).resolves({ events: EVENTS, nextToken: 'sfn-token-1' });
    const { handler } = setup();

    // Act
    const response = await handler(httpEvent(JSON.stringify({ executionArn: EXECUTION_ARN })));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      events: [
        {
          id: 1,
          previousEventId: 0,
          type: 'ExecutionStarted',
          timestamp: AT.toISOString(),
          executionStartedEventDetails: { input: '{}' },
        },
        {
          id: 2,
          previousEventId: 1,
          type: 'TaskStateEntered',
          timestamp: AT.toISOString(),
          stateEnteredEventDetails: { name: 'Boil' },
        },
      ],
      nextToken: encodeHistoryToken({
        executionArn: EXECUTION_ARN,
        maxResults: HISTORY_MAX_RESULTS.default,
        reverseOrder: false,
        includeExecutionData: true,
        token: 'sfn-token-1',
      }),
    });
    expect(sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input)).toEqual([
      {
        executionArn: EXECUTION_ARN,
        maxResults: HISTORY_MAX_RESULTS.default,
        reverseOrder: false,
        includeExecutionData: true,
      },
    ]);
  });

  it('passes the page token, size, order and data choice through, and answers null when there is no more', async () => {
    // Prepare
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [EVENTS[1]!] });
    const { handler } = setup();
    const request = { executionArn: EXECUTION_ARN, maxResults: 1, reverseOrder: true, includeExecutionData: false };
    const nextToken = encodeHistoryToken({ ...request, token: 'sfn-token-1' });

    // Act
    const response = await handler(httpEvent(JSON.stringify({ ...request, nextToken })));

    // Assess
    expect(response.statusCode).toBe(200);
    expect((JSON.parse(response.body) as { nextToken: unknown }).nextToken).toBeNull();
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]!.args[0].input).toEqual({
      ...request,
      nextToken: 'sfn-token-1',
    });
  });
});

describe('4xx', () => {
  it.each([
    ['no body', undefined, /^Request body is required/],
    ['no executionArn', '{}', /^executionArn is required/],
    ['a malformed ARN', '{"executionArn":"arn:aws:states:x"}', /^executionArn must look like/],
    [
      "another API's execution",
      JSON.stringify({ executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:someone-else:order-42' }),
      /^executionArn must be an execution of one of this API's state machines$/,
    ],
    [
      'maxResults 0 (Step Functions would read it as its default)',
      JSON.stringify({ executionArn: EXECUTION_ARN, maxResults: 0 }),
      /^maxResults must be an integer from 1 to 1000; got 0$/,
    ],
    [
      'maxResults 1001',
      JSON.stringify({ executionArn: EXECUTION_ARN, maxResults: 1001 }),
      /^maxResults must be an integer from 1 to 1000/,
    ],
    [
      'reverseOrder as a string',
      JSON.stringify({ executionArn: EXECUTION_ARN, reverseOrder: 'yes' }),
      /^reverseOrder must be true or false; got "yes"$/,
    ],
    [
      'an empty token',
      JSON.stringify({ executionArn: EXECUTION_ARN, nextToken: '' }),
      /^nextToken must be a string of 1 to 8192 characters/,
    ],
    ['an unknown field', JSON.stringify({ executionArn: EXECUTION_ARN, order: 'desc' }), /^Unknown field "order"/],
    [
      'a token this API did not issue',
      JSON.stringify({ executionArn: EXECUTION_ARN, nextToken: 'sfn-token-1' }),
      /^nextToken is not a token this API issued$/,
    ],
    [
      'a token issued for another order',
      JSON.stringify({
        executionArn: EXECUTION_ARN,
        nextToken: encodeHistoryToken({
          executionArn: EXECUTION_ARN,
          maxResults: HISTORY_MAX_RESULTS.default,
          reverseOrder: true,
          includeExecutionData: true,
          token: 't',
        }),
      }),
      /^nextToken was issued for another executionArn, maxResults, reverseOrder or includeExecutionData/,
    ],
  ])('400 for %s, without calling Step Functions', async (_what, body, message) => {
    // Prepare
    const { handler } = setup();

    // Act
    const response = await handler(httpEvent(body));

    // Assess
    expect(response.statusCode).toBe(400);
    expect((JSON.parse(response.body) as { message: string }).message).toMatch(message);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  });

  it('400 for a token Step Functions refuses, 404 for an execution that does not exist', async () => {
    // Prepare
    sfn
      .on(GetExecutionHistoryCommand)
      .rejectsOnce(new InvalidToken({ message: 'Invalid token', $metadata: {} }))
      .rejectsOnce(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    const { handler } = setup();

    // Act
    const old = encodeHistoryToken({
      executionArn: EXECUTION_ARN,
      maxResults: HISTORY_MAX_RESULTS.default,
      reverseOrder: false,
      includeExecutionData: true,
      token: 'old',
    });
    const stale = await handler(httpEvent(JSON.stringify({ executionArn: EXECUTION_ARN, nextToken: old })));
    const missing = await handler(httpEvent(JSON.stringify({ executionArn: EXECUTION_ARN })));

    // Assess
    expect(stale.statusCode).toBe(400);
    expect(stale.body).toMatch(/nextToken has expired or does not belong to this request/);
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toBe(JSON.stringify({ message: `Execution not found: ${EXECUTION_ARN}` }));
  });
});
