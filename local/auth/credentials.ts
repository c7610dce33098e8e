/**
 * Local credentials: who signed a request is found from its access key.
 *
 * - The developer's key pair (printed at start-up, kept in the data folder so it stays the same
 *   across restarts) stands for a local user that may call everything, like an administrator.
 * - Each role a function runs as gets temporary credentials (`ASIA...` key, secret, session token)
 *   for the life of the runtime, passed in that function's environment as Lambda does; a request
 *   signed with them acts as the role and is checked against the role's policies.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A key pair the runtime knows. */
export interface LocalCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** ARN shown as the caller (user ARN, or the role's ARN). */
  readonly principalArn: string;
  /** Set when the credential is a role session. */
  readonly roleArn?: string;
}

/** The developer's key pair, in the data folder (the client reads it next to `npm start`). */
export const CREDENTIALS_FILE = 'credentials.json';

/** Known credentials by access key id. */
export class CredentialStore {
  private readonly byKey = new Map<string, LocalCredential>();
  private readonly byRole = new Map<string, LocalCredential>();

  private constructor(readonly developer: LocalCredential) {
    this.byKey.set(developer.accessKeyId, developer);
  }

  /**
   * Loads the developer's credentials from `<dataDir>/credentials.json`, creating them on first use.
   * @param accountId for the developer's user ARN.
   */
  static open(dataDir: string, accountId: string): CredentialStore {
    const file = join(dataDir, CREDENTIALS_FILE);
    let saved: { accessKeyId?: unknown; secretAccessKey?: unknown } = {};
    if (existsSync(file)) {
      try {
        saved = JSON.parse(readFileSync(file, 'utf8')) as typeof saved;
      } catch {
        saved = {};
      }
    }
    let accessKeyId = typeof saved.accessKeyId === 'string' ? saved.accessKeyId : '';
    let secretAccessKey = typeof saved.secretAccessKey === 'string' ? saved.secretAccessKey : '';
    if (!/^AKIA[A-Z0-9]{16}$/.test(accessKeyId) || secretAccessKey.length !== 40) {
      accessKeyId = `AKIA${randomKey(16)}`;
      secretAccessKey = randomBytes(30).toString('base64');
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, `${JSON.stringify({ accessKeyId, secretAccessKey }, null, 2)}\n`, { mode: 0o600 });
    }
    return new CredentialStore({
      accessKeyId,
      secretAccessKey,
      principalArn: `arn:aws:iam::${accountId}:user/local-developer`,
    });
  }

  /** Temporary credentials of a role (created once per runtime). */
  forRole(roleArn: string): LocalCredential {
    let credential = this.byRole.get(roleArn);
    if (!credential) {
      credential = {
        accessKeyId: `ASIA${randomKey(16)}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(48).toString('base64'),
        principalArn: roleArn,
        roleArn,
      };
      this.byRole.set(roleArn, credential);
      this.byKey.set(credential.accessKeyId, credential);
    }
    return credential;
  }

  /** The credential with this access key id, if known. */
  lookup(accessKeyId: string): LocalCredential | undefined {
    return this.byKey.get(accessKeyId);
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKey(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}
