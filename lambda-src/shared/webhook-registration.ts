/**
 * Where a caller's webhook URL is kept: one item per execution in a DynamoDB table keyed by the
 * execution ARN (docs/webhooks.md, docs/architecture.md). The webhook start function writes it before
 * it starts the execution, the sender reads it when the execution ends; the execution's input, history
 * and the job's ASL never hold the URL.
 *
 * An item: `executionArn` (S, the key), `webhook` (S, the URL), `expiresAt` (N, epoch seconds: the
 * table's TTL attribute) and, once Step Functions has answered the start, `startDate` (N, epoch
 * milliseconds of the execution it was kept for).
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { REGISTRATION_KEY, REGISTRATION_START_ATTRIBUTE, REGISTRATION_TTL_ATTRIBUTE } from './webhook-table';

/**
 * How far an execution's start may be from the one its registration recorded and still be that
 * execution: the two figures are the same instant (StartExecution's answer and the status event's
 * `startDate`), read at different precisions. Another execution of the same name can only start 30 or
 * more days after this one ended (Step Functions keeps a closed execution's name for its history
 * retention), so a second cannot be a different execution.
 */
export const SAME_START_TOLERANCE_MS = 1000;

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
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: this.item(executionArn, webhook),
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

  /**
   * Records which execution the registration belongs to once StartExecution has answered (its
   * `startDate`). An item is rewritten only by a start that registered or found this same URL.
   */
  async confirm(executionArn: string, webhook: string, startDateMs: number): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: { ...this.item(executionArn, webhook), [REGISTRATION_START_ATTRIBUTE]: { N: String(startDateMs) } },
      }),
    );
  }

  /** The item for `executionArn`: its URL, and a TTL a registration's lifetime from now. */
  private item(executionArn: string, webhook: string) {
    const expiresAt = Math.floor(this.now() / 1000) + REGISTRATION_TTL_SECONDS;
    return {
      [REGISTRATION_KEY]: { S: executionArn },
      webhook: { S: webhook },
      [REGISTRATION_TTL_ATTRIBUTE]: { N: String(expiresAt) },
    };
  }

  /**
   * The URL kept for the execution `executionArn` that started at `startDateMs`; `undefined` when there
   * is none, it has expired (TTL deletion lags), or it was kept for an earlier execution of that name.
   */
  async lookup(executionArn: string, startDateMs: number): Promise<string | undefined> {
    const got = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: this.key(executionArn), ConsistentRead: true }),
    );
    return webhookOfItem(got.Item, this.now(), startDateMs);
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
 * The URL of a registration item for the execution that started at `startDateMs`, or `undefined` when
 * there is no item, its `expiresAt` has passed (DynamoDB deletes expired items only within days, and
 * still returns them until then), or its `startDate` is another execution's: Step Functions lets a name
 * be used again once the closed execution's history is deleted (30 or 90 days), well within the item's
 * life, and that execution's result must not go to the earlier caller's URL. An item without
 * `startDate` (its start never got an answer) is kept for whichever execution ends under its ARN.
 */
export function webhookOfItem(
  item: Record<string, AttributeValue> | undefined,
  nowMs: number,
  startDateMs: number,
): string | undefined {
  const webhook = item?.['webhook']?.S;
  const expiresAt = Number(item?.[REGISTRATION_TTL_ATTRIBUTE]?.N);
  if (webhook === undefined || !(expiresAt * 1000 > nowMs)) return undefined;
  const started = item?.[REGISTRATION_START_ATTRIBUTE]?.N;
  if (started !== undefined && !(Math.abs(Number(started) - startDateMs) < SAME_START_TOLERANCE_MS)) return undefined;
  return webhook;
}
