import { ConfigError, type Env } from '../shared/config-error';
import { parseStateMachineArn, STATE_MACHINE_ARN_FORMAT, type StateMachineArn } from '../shared/step-functions-arn';

/**
 * Name of the environment variable holding the comma-separated ARNs of the state machines whose
 * executions are served (one per job of the API).
 */
export const STATE_MACHINE_ARNS_VAR = 'STATE_MACHINE_ARNS';

/** Validated configuration of the status Lambda. */
export interface DescribeExecutionConfig {
  /** The state machines' ARNs, each checked to look like {@link STATE_MACHINE_ARN_FORMAT}. */
  readonly stateMachineArns: readonly string[];
}

/**
 * Reads the status Lambda's configuration from an environment.
 *
 * Region and endpoint are not read here: the SDK client picks up `AWS_REGION` and
 * `AWS_ENDPOINT_URL_SFN` by itself.
 *
 * @throws ConfigError naming `STATE_MACHINE_ARNS` and its accepted shape when it is missing or an
 *   entry is malformed.
 */
export function parseDescribeExecutionConfig(env: Env): DescribeExecutionConfig {
  const raw = env[STATE_MACHINE_ARNS_VAR];
  if (raw === undefined || raw.trim() === '') {
    throw new ConfigError(
      `${STATE_MACHINE_ARNS_VAR} is required: set it to the state machines' ARNs, comma-separated, each ${STATE_MACHINE_ARN_FORMAT}`,
    );
  }
  const arns = raw.split(',');
  for (const arn of arns) requireStateMachineArn(arn, STATE_MACHINE_ARNS_VAR);
  return { stateMachineArns: arns };
}

/**
 * Parses a state machine ARN or throws a {@link ConfigError} that names `field`.
 * Shared with the handler factory, which validates its own option the same way.
 */
export function requireStateMachineArn(arn: string, field: string): StateMachineArn {
  const parsed = parseStateMachineArn(arn);
  if (!parsed) {
    throw new ConfigError(`${field} must look like ${STATE_MACHINE_ARN_FORMAT}; got ${JSON.stringify(arn)}`);
  }
  return parsed;
}
