import type { Env } from '../shared/config-error';
import { parseJobStateMachines } from '../shared/jobs-config';

/** Validated configuration of the status Lambda. */
export interface DescribeExecutionConfig {
  /** The state machines' ARNs, one per job of the API. */
  readonly stateMachineArns: readonly string[];
}

/**
 * Reads the status Lambda's configuration: the jobs' state machines from `JOB_STATE_MACHINES`, the
 * variable every Lambda-backed route reads (`lambda-src/shared/jobs-config.ts`).
 *
 * Region and endpoint are not read here: the SDK client picks up `AWS_REGION` and
 * `AWS_ENDPOINT_URL_SFN` by itself.
 *
 * @throws ConfigError naming `JOB_STATE_MACHINES` and its accepted shape when it is missing or malformed.
 */
export function parseDescribeExecutionConfig(env: Env): DescribeExecutionConfig {
  return { stateMachineArns: parseJobStateMachines(env).map((m) => m.stateMachineArn) };
}
