/**
 * The local signing secret and the one Secrets Manager operation the webhook sender uses,
 * `GetSecretValue` (AWS JSON 1.1, `X-Amz-Target: secretsmanager.GetSecretValue`, SigV4 for service
 * `secretsmanager`), so the sender's zip reads its secret locally exactly as on AWS. The caller's
 * role must be allowed `secretsmanager:GetSecretValue` on the secret, as on AWS.
 *
 * On AWS the stack draws the secret at deploy time; locally the runtime draws one on first start and
 * keeps it in `<dataDir>/webhooks/signing-secret` (mode 0600), where `async-api listen` reads it too.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GatewayRequest, GatewayResponse } from '../apigw/gateway';
import type { CredentialStore } from '../auth/credentials';
import { verifySigV4 } from '../auth/sigv4';
import type { IamAuthorizer } from '../iam/authorizer';
import { awsJsonResponse } from '../stepfunctions/api';

/** The `X-Amz-Target` prefix of Secrets Manager operations. */
export const SECRETS_MANAGER_TARGET_PREFIX = 'secretsmanager.';

/** Where the local signing secret lives under the runtime's data folder. */
export function signingSecretPath(dataDir: string): string {
  return join(dataDir, 'webhooks', 'signing-secret');
}

/**
 * Reads the local signing secret, drawing one (32 random bytes, base64url) on first use. Only the
 * owner may read the file: it signs every local webhook.
 */
export function localSigningSecret(dataDir: string): string {
  const path = signingSecretPath(dataDir);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

/** A Secrets Manager error as the service sends it. */
class SecretsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Serves `GetSecretValue` for the stack's signing secrets; every other operation is refused. */
export class LocalSecretsManager {
  /**
   * @param secretArns ARNs of the secrets this runtime holds (the sender's `SIGNING_SECRET_ARN`);
   *   all of them have the local signing secret as value.
   */
  constructor(
    private readonly secretArns: readonly string[],
    private readonly value: () => string,
    private readonly credentials: CredentialStore,
    private readonly iam: IamAuthorizer,
    private readonly region: string,
  ) {}

  /** Handles one request whose `x-amz-target` starts with {@link SECRETS_MANAGER_TARGET_PREFIX}; never throws. */
  async handle(req: GatewayRequest): Promise<GatewayResponse> {
    try {
      const verified = await verifySigV4(
        { method: req.method, path: req.rawPath, query: req.rawQuery, headers: req.headers, body: req.body },
        { service: 'secretsmanager', region: this.region, credentials: this.credentials },
      );
      if (!verified.ok) throw new SecretsError('UnrecognizedClientException', verified.message);
      const operation = (req.headers['x-amz-target'] ?? '').slice(SECRETS_MANAGER_TARGET_PREFIX.length);
      if (operation !== 'GetSecretValue') {
        throw new SecretsError('UnknownOperationException', `${operation} is not served by the local runtime`);
      }
      let body: { SecretId?: unknown };
      try {
        body = JSON.parse(req.body.toString('utf8') || '{}') as { SecretId?: unknown };
      } catch {
        throw new SecretsError('SerializationException', 'The request body is not valid JSON');
      }
      const id = body.SecretId;
      if (typeof id !== 'string' || id.length === 0)
        throw new SecretsError('InvalidParameterException', 'SecretId is required');
      const arn = this.secretArns.find((a) => a === id || secretName(a) === id);
      if (!arn) throw new SecretsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      const roleArn = verified.credential.roleArn;
      if (roleArn) {
        const decision = await this.iam.authorizeRole(roleArn, 'secretsmanager:GetSecretValue', arn);
        if (!decision.allowed) throw new SecretsError('AccessDeniedException', decision.message);
      }
      return awsJsonResponse(
        200,
        {
          ARN: arn,
          Name: secretName(arn),
          VersionId: 'local',
          SecretString: this.value(),
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 0,
        },
        randomUUID(),
        '1.1',
      );
    } catch (err) {
      const e =
        err instanceof SecretsError ? err : new SecretsError('InternalServiceError', 'An internal error occurred', 500);
      return awsJsonResponse(e.status, { __type: e.code, message: e.message }, randomUUID(), '1.1');
    }
  }
}

// `arn:aws:secretsmanager:r:a:secret:<name>-AbCdEf` → `<name>`.
function secretName(arn: string): string {
  const name = arn.slice(arn.indexOf(':secret:') + ':secret:'.length);
  return name.replace(/-[A-Za-z0-9]{6}$/, '');
}
