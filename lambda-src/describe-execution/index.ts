/**
 * Lambda entry point of the status API (`POST /describe-execution`). Configuration and the SDK client
 * are created once per container; a missing or malformed `JOB_STATE_MACHINES` fails the cold start.
 *
 * Import types and constants from `./handler`, never from here: importing this file reads the
 * environment and throws when the variable is unset.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { parseDescribeExecutionConfig } from './config';
import { createHandler } from './handler';

const config = parseDescribeExecutionConfig(process.env);

// Region and endpoint come from AWS_REGION / AWS_ENDPOINT_URL_SFN, which the SDK reads itself.
const client = new SFNClient({});

/** The Lambda handler for `POST /describe-execution`. */
export const handler = createHandler({ client, stateMachineArns: config.stateMachineArns });
