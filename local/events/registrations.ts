/**
 * The local stand-in of the webhook registration table (lambda-src/shared/webhook-registration.ts):
 * the three DynamoDB operations the webhook start and sender functions call, `PutItem` (with the
 * one condition they use, `attribute_not_exists(<key>)`), `GetItem` and `DeleteItem` (AWS JSON 1.0,
 * `X-Amz-Target: DynamoDB_20120810.<operation>`, SigV4 for service `dynamodb`), so their zips run
 * locally exactly as on AWS. The caller's role must be allowed the operation on the table, as on AWS.
 * Anything else a real table would accept is refused here rather than half-served.
 *
 * Items live in `<dataDir>/webhooks/registrations/<table>/`, one file per key, so a restart loses
 * nothing. Expired items are kept and returned, as DynamoDB does until its TTL process deletes them;
 * the reader skips them itself.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRATION_KEY } from '../../lambda-src/shared/webhook-table';
import type { GatewayRequest, GatewayResponse } from '../apigw/gateway';
import type { CredentialStore } from '../auth/credentials';
import { verifySigV4 } from '../auth/sigv4';
import type { IamAuthorizer } from '../iam/authorizer';
import { awsJsonResponse } from '../stepfunctions/api';

/** The `X-Amz-Target` prefix of DynamoDB operations. */
export const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810.';

/** Largest partition key value DynamoDB accepts, in UTF-8 bytes. */
export const PARTITION_KEY_MAX_BYTES = 2048;

/** Where a table's items live under the runtime's data folder. */
export function registrationDir(dataDir: string, table: string): string {
  return join(dataDir, 'webhooks', 'registrations', table);
}

type Item = Record<string, Record<string, unknown>>;

/** A DynamoDB error as the service sends it (`__type` is namespaced; the SDK reads the part after `#`). */
class DynamoDbError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Options of {@link LocalDynamoDb}. */
export interface LocalDynamoDbOptions {
  /** Names of the tables this runtime holds (the functions' `WEBHOOK_REGISTRATIONS_TABLE`). */
  readonly tables: readonly string[];
  readonly dataDir: string;
  readonly credentials: CredentialStore;
  readonly iam: IamAuthorizer;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
}

/** Serves `PutItem`, `GetItem` and `DeleteItem` on the registration tables; every other operation is refused. */
export class LocalDynamoDb {
  constructor(private readonly options: LocalDynamoDbOptions) {}

  /** Handles one request whose `x-amz-target` starts with {@link DYNAMODB_TARGET_PREFIX}; never throws. */
  async handle(req: GatewayRequest): Promise<GatewayResponse> {
    try {
      const { options } = this;
      const verified = await verifySigV4(
        { method: req.method, path: req.rawPath, query: req.rawQuery, headers: req.headers, body: req.body },
        { service: 'dynamodb', region: options.region, credentials: options.credentials },
      );
      if (!verified.ok) throw new DynamoDbError('UnrecognizedClientException', verified.message);
      const operation = (req.headers['x-amz-target'] ?? '').slice(DYNAMODB_TARGET_PREFIX.length);
      if (operation !== 'PutItem' && operation !== 'GetItem' && operation !== 'DeleteItem') {
        throw new DynamoDbError('UnknownOperationException', `${operation} is not served by the local runtime`);
      }
      const body = parseBody(req.body);
      const table = this.tableOf(body.TableName);
      const roleArn = verified.credential.roleArn;
      if (roleArn) {
        const arn = `arn:${options.partition}:dynamodb:${options.region}:${options.accountId}:table/${table}`;
        const decision = await options.iam.authorizeRole(roleArn, `dynamodb:${operation}`, arn);
        if (!decision.allowed) throw new DynamoDbError('AccessDeniedException', decision.message);
      }
      const result = this[operation](table, body);
      return awsJsonResponse(200, result, randomUUID(), '1.0');
    } catch (err) {
      const e =
        err instanceof DynamoDbError ? err : new DynamoDbError('InternalServerError', 'Internal server error', {}, 500);
      const payload = { __type: `com.amazonaws.dynamodb.v20120810#${e.code}`, message: e.message, ...e.extra };
      return awsJsonResponse(e.status, payload, randomUUID(), '1.0');
    }
  }

  private PutItem(table: string, body: Record<string, unknown>): Record<string, unknown> {
    const item = body.Item as Item | undefined;
    if (typeof item !== 'object' || item === null) throw validation('Item is required');
    const key = keyValue(item, 'Item');
    refuseUnserved(body, [
      'TableName',
      'Item',
      'ConditionExpression',
      'ExpressionAttributeNames',
      'ReturnValuesOnConditionCheckFailure',
    ]);
    const path = this.itemPath(table, key);
    if (body.ConditionExpression !== undefined) {
      if (!isKeyAbsentCondition(body.ConditionExpression, body.ExpressionAttributeNames)) {
        throw validation(
          `ConditionExpression ${JSON.stringify(body.ConditionExpression)} is not served by the local runtime; only attribute_not_exists(${REGISTRATION_KEY})`,
        );
      }
      if (existsSync(path)) {
        const old = body.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? { Item: readItem(path) } : {};
        throw new DynamoDbError('ConditionalCheckFailedException', 'The conditional request failed', old);
      }
    }
    mkdirSync(registrationDir(this.options.dataDir, table), { recursive: true, mode: 0o700 });
    // Only the owner may read it: a webhook URL may carry a token.
    writeFileSync(path, JSON.stringify(item), { mode: 0o600 });
    return {};
  }

  private GetItem(table: string, body: Record<string, unknown>): Record<string, unknown> {
    refuseUnserved(body, ['TableName', 'Key', 'ConsistentRead']);
    const path = this.itemPath(table, keyOf(body));
    return existsSync(path) ? { Item: readItem(path) } : {};
  }

  private DeleteItem(table: string, body: Record<string, unknown>): Record<string, unknown> {
    refuseUnserved(body, ['TableName', 'Key']);
    rmSync(this.itemPath(table, keyOf(body)), { force: true });
    return {};
  }

  private tableOf(name: unknown): string {
    if (typeof name !== 'string' || name.length === 0) throw validation('TableName is required');
    const table = this.options.tables.find((t) => t === name || name.endsWith(`:table/${t}`));
    if (!table) throw new DynamoDbError('ResourceNotFoundException', 'Requested resource not found');
    return table;
  }

  private itemPath(table: string, key: string): string {
    return join(registrationDir(this.options.dataDir, table), `${createHash('sha256').update(key).digest('hex')}.json`);
  }
}

function validation(message: string): DynamoDbError {
  return new DynamoDbError('ValidationException', message);
}

function parseBody(raw: Buffer): Record<string, unknown> {
  try {
    const body: unknown = JSON.parse(raw.toString('utf8') || '{}');
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // Answered below, as DynamoDB answers a body it cannot read.
  }
  throw new DynamoDbError('SerializationException', 'The request body is not a JSON object');
}

// A parameter the stand-in does not implement is refused, never ignored.
function refuseUnserved(body: Record<string, unknown>, served: readonly string[]): void {
  const unserved = Object.keys(body).filter((k) => !served.includes(k));
  if (unserved.length > 0) throw validation(`${unserved.join(', ')} is not served by the local runtime`);
}

function keyOf(body: Record<string, unknown>): string {
  const key = body.Key as Item | undefined;
  if (typeof key !== 'object' || key === null) throw validation('Key is required');
  if (Object.keys(key).length !== 1) throw validation('The provided key element does not match the schema');
  return keyValue(key, 'Key');
}

function keyValue(item: Item, field: string): string {
  const value = item[REGISTRATION_KEY]?.['S'];
  if (typeof value !== 'string' || value.length === 0) {
    throw validation(`One or more parameter values were invalid: Missing the key ${REGISTRATION_KEY} in the ${field}`);
  }
  // DynamoDB's limit on a partition key value, in UTF-8 bytes: the stand-in refuses what a table would.
  if (Buffer.byteLength(value) > PARTITION_KEY_MAX_BYTES) {
    throw validation(
      `One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of ${PARTITION_KEY_MAX_BYTES} bytes`,
    );
  }
  return value;
}

function isKeyAbsentCondition(expression: unknown, names: unknown): boolean {
  const match = /^\s*attribute_not_exists\s*\(\s*(#?\w+)\s*\)\s*$/.exec(String(expression));
  if (!match) return false;
  const name = match[1]!.startsWith('#') ? (names as Record<string, unknown> | undefined)?.[match[1]!] : match[1];
  return name === REGISTRATION_KEY;
}

function readItem(path: string): Item {
  return JSON.parse(readFileSync(path, 'utf8')) as Item;
}
