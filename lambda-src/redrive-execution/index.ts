/**
 * Lambda entry point of `POST /redrive-execution`. Configuration and the SDK client are created once per
 * container; a missing or malformed `JOB_STATE_MACHINES` fails the cold start.
 *
 * Import types and constants from `./handler`, never from here: importing this file reads the environment.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { parseJobStateMachines } from '../shared/jobs-config';
import { createHandler } from './handler';

const jobs = parseJobStateMachines(process.env);
const client = new SFNClient({});

/** The Lambda handler for `POST /redrive-execution`. */
export const handler = createHandler({ client, jobs: Object.fromEntries(jobs.map((j) => [j.job, j.stateMachineArn])) });
