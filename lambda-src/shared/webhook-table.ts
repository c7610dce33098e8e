/**
 * The webhook registration table's shape, shared by the stack that creates it, the functions that
 * read and write it (./webhook-registration.ts) and the local runtime's stand-in: names only, so the
 * stacks and the local runtime do not load the DynamoDB client to name a table and its attributes.
 */
import { ConfigError, type Env } from './config-error';

/** Environment variable of the start and sender functions: the registration table's name. */
export const WEBHOOK_TABLE_VAR = 'WEBHOOK_REGISTRATIONS_TABLE';
/** The table's partition key (a string attribute). */
export const REGISTRATION_KEY = 'executionArn';
/** The table's TTL attribute (epoch seconds). */
export const REGISTRATION_TTL_ATTRIBUTE = 'expiresAt';
/** Start of the execution a registration was kept for (epoch milliseconds), written once the start is answered. */
export const REGISTRATION_START_ATTRIBUTE = 'startDate';

/** The table's name from {@link WEBHOOK_TABLE_VAR}; a missing or malformed value fails the cold start. */
export function parseWebhookTable(env: Env): string {
  const table = env[WEBHOOK_TABLE_VAR];
  // DynamoDB table names: 3-255 of [a-zA-Z0-9_.-].
  if (table === undefined || !/^[A-Za-z0-9_.-]{3,255}$/.test(table)) {
    throw new ConfigError(`${WEBHOOK_TABLE_VAR} must be a DynamoDB table name; got ${JSON.stringify(table)}`);
  }
  return table;
}
