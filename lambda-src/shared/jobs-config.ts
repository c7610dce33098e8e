import { ConfigError, type Env } from './config-error';
import { isPlainObject } from './describe-value';
import { parseStateMachineArn, STATE_MACHINE_ARN_FORMAT, type StateMachineArn } from './step-functions-arn';

/**
 * Name of the environment variable holding the API's jobs and their state machines, as a JSON object
 * `{"<job>": "<state machine ARN>", ...}` in registry order (the list route pages jobs in that order).
 */
export const JOB_STATE_MACHINES_VAR = 'JOB_STATE_MACHINES';

/** One job of the API and its state machine. */
export interface JobMachine {
  readonly job: string;
  readonly stateMachineArn: string;
  readonly parsed: StateMachineArn;
}

/**
 * Reads and validates {@link JOB_STATE_MACHINES_VAR}.
 * @throws ConfigError naming the variable when it is missing, not a JSON object of strings, empty, or
 *   holds something that is not a state machine ARN.
 */
export function parseJobStateMachines(env: Env): readonly JobMachine[] {
  const raw = env[JOB_STATE_MACHINES_VAR];
  const shape = `a JSON object {"<job>": "arn:<partition>:states:<region>:<account>:stateMachine:<name>"}`;
  if (raw === undefined || raw.trim() === '')
    throw new ConfigError(`${JOB_STATE_MACHINES_VAR} is required: set it to ${shape}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${JOB_STATE_MACHINES_VAR} must be ${shape}; it is not JSON`);
  }
  if (!isPlainObject(parsed)) throw new ConfigError(`${JOB_STATE_MACHINES_VAR} must be ${shape}`);
  return jobMachines(parsed, JOB_STATE_MACHINES_VAR);
}

/** Validates a `{job: arn}` map given in code (handler options) the same way as the environment. */
export function jobMachines(map: Readonly<Record<string, unknown>>, field: string): readonly JobMachine[] {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new ConfigError(`${field} must name at least one job`);
  return entries.map(([job, arn]) => {
    if (typeof arn !== 'string') throw new ConfigError(`${field}.${job} must be a state machine ARN string`);
    return { job, stateMachineArn: arn, parsed: requireStateMachineArn(arn, `${field}.${job}`) };
  });
}

/**
 * Parses a state machine ARN or throws a {@link ConfigError} that names `field`: for the environment
 * and for handler options given in code alike.
 */
export function requireStateMachineArn(arn: string, field: string): StateMachineArn {
  const parsed = parseStateMachineArn(arn);
  if (!parsed) {
    throw new ConfigError(`${field} must look like ${STATE_MACHINE_ARN_FORMAT}; got ${JSON.stringify(arn)}`);
  }
  return parsed;
}
