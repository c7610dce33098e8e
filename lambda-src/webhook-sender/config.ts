import { ConfigError, type Env } from '../shared/config-error';
import { parseWebhookTable } from '../shared/webhook-table';

/** Environment variable: ARN of the Secrets Manager secret holding the signing secret. */
export const SIGNING_SECRET_ARN_VAR = 'SIGNING_SECRET_ARN';
/** Environment variable: `true` only in the local runtime (http://127.0.0.1 receivers). */
export const ALLOW_LOOPBACK_HTTP_VAR = 'ALLOW_LOOPBACK_HTTP';

/** Validated configuration of the webhook sender. */
export interface SenderConfig {
  readonly signingSecretArn: string;
  readonly allowLoopbackHttp: boolean;
  /** The registration table's name. */
  readonly table: string;
}

/** Reads the sender's configuration; a missing or malformed value fails the cold start with its name. */
export function parseSenderConfig(env: Env): SenderConfig {
  const arn = env[SIGNING_SECRET_ARN_VAR];
  if (arn === undefined || !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(arn)) {
    throw new ConfigError(`${SIGNING_SECRET_ARN_VAR} must be a Secrets Manager secret ARN; got ${JSON.stringify(arn)}`);
  }
  return { signingSecretArn: arn, allowLoopbackHttp: parseLoopbackFlag(env), table: parseWebhookTable(env) };
}

/** Reads {@link ALLOW_LOOPBACK_HTTP_VAR}: unset is `false` (AWS); only the local runtime sets `true`. */
export function parseLoopbackFlag(env: Env): boolean {
  const loopback = env[ALLOW_LOOPBACK_HTTP_VAR] ?? 'false';
  if (loopback !== 'true' && loopback !== 'false') {
    throw new ConfigError(`${ALLOW_LOOPBACK_HTTP_VAR} must be true or false; got ${JSON.stringify(loopback)}`);
  }
  return loopback === 'true';
}
