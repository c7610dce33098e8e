/**
 * Lambda entry point of `POST /<job>/start-execution-with-webhook`. Configuration and the SDK client
 * are created once per container; a missing or malformed variable fails the cold start.
 *
 * Import types and constants from `./handler`, never from here: importing this file reads the environment.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { WebhookRegistrations } from '../shared/webhook-registration';
import { parseWebhookStartConfig } from './config';
import { createHandler } from './handler';

const config = parseWebhookStartConfig(process.env);

// Region and endpoints come from AWS_REGION / AWS_ENDPOINT_URL_SFN / AWS_ENDPOINT_URL_DYNAMODB, which the SDK reads itself.
const client = new SFNClient({});
const registrations = new WebhookRegistrations(new DynamoDBClient({}), config.table);

/** The Lambda handler. */
export const handler = createHandler({
  client,
  registrations,
  machines: config.machines,
  allowLoopbackHttp: config.allowLoopbackHttp,
});
