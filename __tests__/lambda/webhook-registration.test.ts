import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError } from '../../lambda-src/shared/config-error';
import {
  REGISTRATION_TTL_SECONDS,
  WebhookRegistrations,
  webhookOfItem,
} from '../../lambda-src/shared/webhook-registration';
import { parseWebhookTable } from '../../lambda-src/shared/webhook-table';

const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:async-api-dev-job:run-1';
const TABLE = 'async-api-dev-webhook-registrations';
const NOW_MS = 1_700_000_000_500;
const dynamo = mockClient(DynamoDBClient);

const registrations = () => new WebhookRegistrations(new DynamoDBClient({ region: 'eu-west-1' }), TABLE, () => NOW_MS);

beforeEach(() => dynamo.reset());

describe('WebhookRegistrations', () => {
  it('writes the URL under the execution ARN only if no item is there, expiring a year and a day later', async () => {
    dynamo.on(PutItemCommand).resolves({});

    await expect(registrations().register(ARN, 'https://hooks.example.com/in')).resolves.toEqual({ kind: 'created' });

    const put = dynamo.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(put).toEqual({
      TableName: TABLE,
      Item: {
        executionArn: { S: ARN },
        webhook: { S: 'https://hooks.example.com/in' },
        expiresAt: { N: String(1_700_000_000 + REGISTRATION_TTL_SECONDS) },
      },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': 'executionArn' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(REGISTRATION_TTL_SECONDS).toBe(366 * 86_400);
  });

  it('answers the URL an earlier start registered instead of overwriting it', async () => {
    dynamo.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: { executionArn: { S: ARN }, webhook: { S: 'https://first.example.com/' } },
      }),
    );

    await expect(registrations().register(ARN, 'https://second.example.com/')).resolves.toEqual({
      kind: 'exists',
      webhook: 'https://first.example.com/',
    });
  });

  it('lets any other DynamoDB error through (the start answers 500 and starts nothing)', async () => {
    dynamo.on(PutItemCommand).rejects(new Error('throttled'));

    await expect(registrations().register(ARN, 'https://hooks.example.com/')).rejects.toThrow('throttled');
  });

  it('reads with a strongly consistent read, so a start just before the end is seen', async () => {
    dynamo.on(GetItemCommand).resolves({
      Item: { webhook: { S: 'https://hooks.example.com/in' }, expiresAt: { N: String(1_700_000_001) } },
    });

    await expect(registrations().lookup(ARN, NOW_MS)).resolves.toBe('https://hooks.example.com/in');
    expect(dynamo.commandCalls(GetItemCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { executionArn: { S: ARN } },
      ConsistentRead: true,
    });
  });

  it("binds a registration to the execution's start date, a year and a day from now", async () => {
    dynamo.on(PutItemCommand).resolves({});

    await registrations().confirm(ARN, 'https://hooks.example.com/in', 1_700_000_000_123);

    expect(dynamo.commandCalls(PutItemCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: {
        executionArn: { S: ARN },
        webhook: { S: 'https://hooks.example.com/in' },
        expiresAt: { N: String(1_700_000_000 + REGISTRATION_TTL_SECONDS) },
        startDate: { N: '1700000000123' },
      },
    });
  });

  it('deletes by key', async () => {
    dynamo.on(DeleteItemCommand).resolves({});

    await registrations().remove(ARN);

    expect(dynamo.commandCalls(DeleteItemCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { executionArn: { S: ARN } },
    });
  });
});

describe('webhookOfItem', () => {
  const item = (expiresAt: string) => ({ webhook: { S: 'https://h.example.com/' }, expiresAt: { N: expiresAt } });

  const START = 1_690_000_000_000;
  const bound = (startDate: number) => ({ ...item('1700000001'), startDate: { N: String(startDate) } });

  it.each([
    ['was kept for this execution', bound(START), 'https://h.example.com/'],
    [
      'was kept for a start 999 ms away (the same instant, another precision)',
      bound(START - 999),
      'https://h.example.com/',
    ],
    ['was kept for a start 1000 ms before', bound(START - 1000), undefined],
    ['was kept for a start 1000 ms after', bound(START + 1000), undefined],
    ['was kept for an earlier execution of the same name, 90 days before', bound(START - 90 * 86_400_000), undefined],
    ['was never bound (its start got no answer)', item('1700000001'), 'https://h.example.com/'],
  ])('an item that %s gives %s', (_case, got, expected) => {
    expect(webhookOfItem(got, 1_700_000_000_000, START)).toBe(expected);
  });

  it.each([
    ['expires after now', item('1700000001'), 'https://h.example.com/'],
    ['expires at now (already expired: TTL deletion lags, the reader does not)', item('1700000000'), undefined],
    ['expired a second ago', item('1699999999'), undefined],
    ['has no expiry', { webhook: { S: 'https://h.example.com/' } }, undefined],
    ['has no URL', { expiresAt: { N: '1800000000' } }, undefined],
    ['is missing', undefined, undefined],
  ])('an item that %s gives %s', (_case, got, expected) => {
    expect(webhookOfItem(got, 1_700_000_000_000, 0)).toBe(expected);
  });
});

describe('parseWebhookTable', () => {
  it.each([['abc'], ['a'.repeat(255)], ['async-api-dev_webhook.registrations']])('accepts %s', (name) => {
    expect(parseWebhookTable({ WEBHOOK_REGISTRATIONS_TABLE: name })).toBe(name);
  });

  it.each([[undefined], ['ab'], ['a'.repeat(256)], ['has space'], ['arn:aws:dynamodb:eu-west-1:1:table/x']])(
    'refuses %s with the variable name',
    (name) => {
      expect(() => parseWebhookTable({ WEBHOOK_REGISTRATIONS_TABLE: name })).toThrow(ConfigError);
      expect(() => parseWebhookTable({ WEBHOOK_REGISTRATIONS_TABLE: name })).toThrow(/WEBHOOK_REGISTRATIONS_TABLE/);
    },
  );
});
