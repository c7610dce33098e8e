/**
 * Where a caller's webhook URL is kept: one item per execution in a DynamoDB table keyed by the
 * execution ARN (docs/webhooks.md, docs/architecture.md). The webhook start function writes it before
 * it starts the execution, the sender reads it when the execution ends; the execution's input, history
 * and the job's ASL never hold the URL.
 *
 * An item: `executionArn` (S, the key), `webhook` (S, the URL), `expiresAt` (N, epoch seconds: the
 * table's TTL attribute).
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ConfigError, type Env } from './config-error';

/** Environment variable of the start and sender functions: the registration table's name. */
export const WEBHOOK_TABLE_VAR = 'WEBHOOK_REGISTRATIONS_TABLE';
/** The table's partition key (a string attribute). */
export const REGISTRATION_KEY = 'executionArn';
/** The table's TTL attribute (epoch seconds). */
export const REGISTRATION_TTL_ATTRIBUTE = 'expiresAt';

/**
 * How long a registration is kept: a Standard execution may run for a year, redrives included (Step
 * Functions quotas), and EventBridge retries the sender's event for up to a day after it ends
 * (the target's `maximumEventAgeInSeconds`). One fixed span, so no job's timeout has to reach the function.
 */
export const REGISTRATION_TTL_SECONDS = (365 + 1) * 24 * 60 * 60;

/** What {@link WebhookRegistrations.register} found: a new item, or one already there with its URL. */
export type RegisterOutcome =
  | { readonly kind: 'created' }
  | { readonly kind: 'exists'; readonly webhook: string | null };

/** The table's name from {@link WEBHOOK_TABLE_VAR}; a missing or malformed value fails the cold start. */
export function parseWebhookTable(env: Env): string {
  const table = env[WEBHOOK_TABLE_VAR];
  // DynamoDB table names: 3-255 of [a-zA-Z0-9_.-].
  if (table === undefined || !/^[A-Za-z0-9_.-]{3,255}$/.test(table)) {
    throw new ConfigError(`${WEBHOOK_TABLE_VAR} must be a DynamoDB table name; got ${JSON.stringify(table)}`);
  }
  return table;
}

/** The registration table, through the DynamoDB API (on AWS, or the local runtime's stand-in). */
export class WebhookRegistrations {
  constructor(
    private readonly client: Pick<DynamoDBClient, 'send'>,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Keeps `webhook` for `executionArn` unless an item for it exists already (a conditional put:
   * two starts with the same name never overwrite each other's URL); then answers that item's URL.
   */
  async register(executionArn: string, webhook: string): Promise<RegisterOutcome> {
    const expiresAt = Math.floor(this.now() / 1000) + REGISTRATION_TTL_SECONDS;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            [REGISTRATION_KEY]: { S: executionArn },
            webhook: { S: webhook },
            [REGISTRATION_TTL_ATTRIBUTE]: { N: String(expiresAt) },
          },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': REGISTRATION_KEY },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'created' };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return { kind: 'exists', webhook: err.Item?.['webhook']?.S ?? null };
    }
  }

  /** The URL kept for `executionArn`; `undefined` when there is none, or it has expired (TTL deletion lags). */
  async lookup(executionArn: string): Promise<string | undefined> {
    const got = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: this.key(executionArn), ConsistentRead: true }),
    );
    return webhookOfItem(got.Item, this.now());
  }

  /** Removes the registration of an execution that did not start. */
  async remove(executionArn: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: this.key(executionArn) }));
  }

  private key(executionArn: string): Record<string, AttributeValue> {
    return { [REGISTRATION_KEY]: { S: executionArn } };
  }
}

/**
 * The URL of a registration item, or `undefined` when there is no item or its `expiresAt` has passed:
 * DynamoDB deletes expired items only within days, and still returns them until then.
 */
export function webhookOfItem(item: Record<string, AttributeValue> | undefined, nowMs: number): string | undefined {
  const webhook = item?.['webhook']?.S;
  const expiresAt = Number(item?.[REGISTRATION_TTL_ATTRIBUTE]?.N);
  if (webhook === undefined || !(expiresAt * 1000 > nowMs)) return undefined;
  return webhook;
}
