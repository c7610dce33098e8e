import type { Env } from '../shared/config-error';
import { parseJobStateMachines } from '../shared/jobs-config';
import { parseWebhookTable } from '../shared/webhook-table';
import { parseLoopbackFlag } from '../webhook-sender/config';

/** Validated configuration of the webhook start function. */
export interface WebhookStartConfig {
  /** State machine ARN per job name. */
  readonly machines: Readonly<Record<string, string>>;
  readonly allowLoopbackHttp: boolean;
  /** The registration table's name. */
  readonly table: string;
}

/**
 * Reads the configuration: the jobs from `JOB_STATE_MACHINES`, as every Lambda-backed route reads
 * them, and the registration table; a missing or malformed value fails the cold start with its name.
 */
export function parseWebhookStartConfig(env: Env): WebhookStartConfig {
  const machines = Object.fromEntries(parseJobStateMachines(env).map((m) => [m.job, m.stateMachineArn]));
  return { machines, allowLoopbackHttp: parseLoopbackFlag(env), table: parseWebhookTable(env) };
}
