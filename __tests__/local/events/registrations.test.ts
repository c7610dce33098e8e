/**
 * The local stand-in of the webhook registration table, driven by the real DynamoDB SDK client over
 * HTTP with roles' credentials: it serves the start and sender functions' three operations as
 * DynamoDB does, checks each against the caller's role, and refuses what it does not implement.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { WebhookRegistrations } from '../../../lambda-src/shared/webhook-registration';
import { CredentialStore } from '../../../local/auth/credentials';
import { LocalDynamoDb } from '../../../local/events/registrations';
import { IamAuthorizer } from '../../../local/iam/authorizer';
import { createRuntimeServer } from '../../../local/server';
import type { RoleModel, StackModel } from '../../../local/terraform/model';

const ACCOUNT = '123456789012';
const TABLE = 'async-api-dev-webhook-registrations';
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${TABLE}`;
const EXECUTION = `arn:aws:states:us-east-1:${ACCOUNT}:execution:async-api-dev-job:run-1`;

function role(name: string, actions: string[]): RoleModel {
  const statement = { Effect: 'Allow', Action: actions, Resource: TABLE_ARN };
  return {
    address: `aws_iam_role.${name}`,
    name,
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    trustPolicy: { Statement: [] },
    policies: [
      { name, source: `aws_iam_role_policy.${name}`, document: { Version: '2012-10-17', Statement: [statement] } },
    ],
  };
}

const WRITER = role('webhook-start', ['dynamodb:PutItem', 'dynamodb:DeleteItem']);
const READER = role('webhook-sender', ['dynamodb:GetItem']);

describe('the local registration table', () => {
  let dir: string;
  let server: Server;
  let credentials: CredentialStore;
  let endpoint: string;
  const clients: DynamoDBClient[] = [];

  const client = (r: RoleModel | 'developer') => {
    const c = r === 'developer' ? credentials.developer : credentials.forRole(r.arn);
    const made = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
      maxAttempts: 1,
    });
    clients.push(made);
    return made;
  };
  const put = (webhook: string) =>
    new PutItemCommand({
      TableName: TABLE,
      Item: { executionArn: { S: EXECUTION }, webhook: { S: webhook }, expiresAt: { N: '4102444800' } },
      ConditionExpression: 'attribute_not_exists(executionArn)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  const get = () => new GetItemCommand({ TableName: TABLE, Key: { executionArn: { S: EXECUTION } } });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'async-api-registrations-'));
    credentials = CredentialStore.open(dir, ACCOUNT);
    const model = {
      region: 'us-east-1',
      accountId: ACCOUNT,
      partition: 'aws',
      roles: [WRITER, READER],
      lambdaPermissions: [],
    };
    const iam = await IamAuthorizer.create(model as unknown as StackModel, () => undefined);
    const table = new LocalDynamoDb({
      tables: [TABLE],
      dataDir: dir,
      credentials,
      iam,
      region: 'us-east-1',
      accountId: ACCOUNT,
      partition: 'aws',
    });
    const unused = async () => {
      throw new Error('not in this test');
    };
    server = createRuntimeServer(() => ({ httpApi: unused, stepFunctions: unused, dynamoDb: (r) => table.handle(r) }));
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the start and sender functions through WebhookRegistrations, each with its own role', async () => {
    // Prepare
    const start = new WebhookRegistrations(client(WRITER), TABLE);
    const sender = new WebhookRegistrations(client(READER), TABLE);

    // Act
    const created = await start.register(EXECUTION, 'https://first.example.com/');
    const again = await start.register(EXECUTION, 'https://second.example.com/');
    const found = await sender.lookup(EXECUTION, 0);
    await start.remove(EXECUTION);

    // Assess
    expect(created).toEqual({ kind: 'created' });
    expect(again).toEqual({ kind: 'exists', webhook: 'https://first.example.com/' });
    expect(found).toBe('https://first.example.com/');
    await expect(sender.lookup(EXECUTION, 0)).resolves.toBeUndefined();
  });

  it("refuses an operation the caller's role does not allow, as IAM would", async () => {
    await expect(client(READER).send(put('https://h.example.com/'))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    await expect(client(WRITER).send(get())).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('answers a failed condition with the item it kept, which the SDK reads into the exception', async () => {
    await client(WRITER).send(put('https://first.example.com/'));

    const failed = await client(WRITER)
      .send(put('https://second.example.com/'))
      .catch((e: unknown) => e);

    expect(failed).toBeInstanceOf(ConditionalCheckFailedException);
    expect((failed as ConditionalCheckFailedException).Item?.['webhook']).toEqual({ S: 'https://first.example.com/' });
  });

  it('refuses a key over 2048 UTF-8 bytes, as a table does, and keeps one of exactly 2048', async () => {
    const keyed = (key: string) =>
      new PutItemCommand({
        TableName: TABLE,
        Item: { executionArn: { S: key }, webhook: { S: 'https://h.example/' } },
      });

    await expect(client(WRITER).send(keyed('é'.repeat(1024)))).resolves.toBeDefined();
    await expect(client(WRITER).send(keyed(`${'é'.repeat(1024)}a`))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('2048 bytes'),
    });
  });

  it.each([
    ['another operation', new ScanCommand({ TableName: TABLE }), 'UnknownOperationException'],
    [
      'a parameter it does not implement',
      new GetItemCommand({
        TableName: TABLE,
        Key: { executionArn: { S: EXECUTION } },
        ProjectionExpression: 'webhook',
      }),
      'ValidationException',
    ],
    [
      'another condition',
      new PutItemCommand({
        TableName: TABLE,
        Item: { executionArn: { S: EXECUTION } },
        ConditionExpression: 'attribute_exists(executionArn)',
      }),
      'ValidationException',
    ],
    [
      'a key it does not have',
      new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'x' } } }),
      'ValidationException',
    ],
    [
      'a table the stack does not define',
      new GetItemCommand({ TableName: 'other-table', Key: { executionArn: { S: EXECUTION } } }),
      'ResourceNotFoundException',
    ],
  ])('refuses %s rather than half-serving it', async (_case, command, name) => {
    await expect(client('developer').send(command as GetItemCommand)).rejects.toMatchObject({ name });
  });
});
