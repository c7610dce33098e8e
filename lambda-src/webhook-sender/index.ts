/**
 * Lambda entry point of the webhook sender (EventBridge target). Configuration is read once per
 * container; the signing secret is fetched on first use and kept in memory, never logged.
 *
 * Import types and constants from `./handler`, never from here: importing this file reads the environment.
 */
import { lookup } from 'node:dns/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WebhookRegistrations } from '../shared/webhook-registration';
import { parseSenderConfig } from './config';
import { createHandler, DELIVERY_SCHEDULE } from './handler';
import { createPost } from './post';

const config = parseSenderConfig(process.env);
// Region and endpoints come from AWS_REGION / AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL_DYNAMODB
// (the local runtime sets them).
const secrets = new SecretsManagerClient({});
const registrations = new WebhookRegistrations(new DynamoDBClient({}), config.table);
let secret: Promise<string> | undefined;

/** The Lambda handler. */
export const handler = createHandler({
  webhookOf: (executionArn, startDateMs) => registrations.lookup(executionArn, startDateMs),
  signingSecret: () => {
    secret ??= secrets.send(new GetSecretValueCommand({ SecretId: config.signingSecretArn })).then((r) => {
      if (!r.SecretString) throw new Error('the signing secret has no string value');
      return r.SecretString;
    });
    return secret;
  },
  allowLoopbackHttp: config.allowLoopbackHttp,
  post: createPost({ allowLoopbackHttp: config.allowLoopbackHttp, resolve: (host) => lookup(host, { all: true }) }),
  attemptTimeoutMs: DELIVERY_SCHEDULE.attemptTimeoutMs,
  retry: { ...DELIVERY_SCHEDULE, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random },
  log: (entry) => console.log(JSON.stringify(entry)),
});
