import { ConfigError, type Env } from '../shared/config-error';
import { parseLoopbackFlag } from '../webhook-sender/config';

/** Environment variable: JSON object, job name → state machine ARN. */
export const STATE_MACHINES_VAR = 'STATE_MACHINES';

/** Validated configuration of the webhook start function. */
export interface WebhookStartConfig {
  readonly machines: Readonly<Record<string, string>>;
  readonly allowLoopbackHttp: boolean;
}

const MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

/** Reads the configuration; a missing or malformed value fails the cold start with its name. */
export function parseWebhookStartConfig(env: Env): WebhookStartConfig {
  let machines: unknown;
  try {
    machines = JSON.parse(env[STATE_MACHINES_VAR] ?? '');
  } catch {
    throw new ConfigError(`${STATE_MACHINES_VAR} must be a JSON object of job name to state machine ARN`);
  }
  if (
    typeof machines !== 'object' ||
    machines === null ||
    Array.isArray(machines) ||
    Object.keys(machines).length === 0
  )
    throw new ConfigError(`${STATE_MACHINES_VAR} must name at least one job`);
  for (const [job, arn] of Object.entries(machines)) {
    if (typeof arn !== 'string' || !MACHINE_ARN.test(arn))
      throw new ConfigError(
        `${STATE_MACHINES_VAR}: ${job} must map to a state machine ARN; got ${JSON.stringify(arn)}`,
      );
  }
  return { machines: machines as Record<string, string>, allowLoopbackHttp: parseLoopbackFlag(env) };
}
