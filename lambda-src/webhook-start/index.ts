/**
 * Lambda entry point of `POST /<job>/start-execution-with-webhook`. Configuration and the SDK client
 * are created once per container; a missing or malformed variable fails the cold start.
 *
 * Import types and constants from `./handler`, never from here: importing this file reads the environment.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { parseWebhookStartConfig } from './config';
import { createHandler } from './handler';

const config = parseWebhookStartConfig(process.env);

// Region and endpoint come from AWS_REGION / AWS_ENDPOINT_URL_SFN, which the SDK reads itself.
const client = new SFNClient({});

/** The Lambda handler. */
export const handler = createHandler({ client, ...config });
