import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { CredentialStore } from '../../../local/auth/credentials';
import { type ReceivedRequest, verifySigV4 } from '../../../local/auth/sigv4';

describe('verifySigV4', () => {
  let dir: string;
  let store: CredentialStore;
  const now = Date.UTC(2030, 5, 1, 12, 0, 0);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sigv4-'));
    store = CredentialStore.open(dir, '123456789012');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Signs like a client would (the SDK's signer with the SDK's JS hash), then converts to what the server sees. */
  async function signed(
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
    options: { body?: string; service?: string; region?: string; at?: number; path?: string } = {},
  ): Promise<ReceivedRequest> {
    const body = options.body ?? '{"input":{}}';
    const signer = new SignatureV4({
      credentials,
      region: options.region ?? 'us-east-1',
      service: options.service ?? 'execute-api',
      sha256: Sha256,
    });
    const request = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 3000,
        path: options.path ?? '/start-execution',
        query: { a: 'b c' },
        headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', 'user-agent': 'test' },
        body,
      },
      { signingDate: new Date(options.at ?? now) },
    );
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = String(v);
    return {
      method: 'POST',
      path: options.path ?? '/start-execution',
      query: 'a=b%20c',
      headers,
      body: Buffer.from(body),
    };
  }

  const expectations = (service = 'execute-api') => ({
    service,
    region: 'us-east-1',
    credentials: store,
    now: () => now,
  });

  it('accepts a request signed with known credentials and says whose they are', async () => {
    // Prepare
    const request = await signed(store.developer);

    // Act
    const result = await verifySigV4(request, expectations());

    // Assess
    expect(result).toEqual({ ok: true, credential: store.developer });
  });

  it('accepts a role session only with its session token', async () => {
    // Prepare
    const role = store.forRole('arn:aws:iam::123456789012:role/r');
    const withToken = await signed(role, { service: 'states' });
    const withoutToken = await signed(
      { accessKeyId: role.accessKeyId, secretAccessKey: role.secretAccessKey },
      { service: 'states' },
    );

    // Act
    const ok = await verifySigV4(withToken, expectations('states'));
    const missing = await verifySigV4(withoutToken, expectations('states'));

    // Assess
    expect(ok.ok && ok.credential.roleArn).toBe('arn:aws:iam::123456789012:role/r');
    expect(missing).toMatchObject({ ok: false, code: 'UnrecognizedClient' });
  });

  it.each([
    ['no Authorization header', 'MissingAuthenticationToken', /^Missing Authentication Token$/],
    ['a wrong secret', 'InvalidSignature', /^The request signature we calculated does not match/],
    ['an unknown access key', 'UnrecognizedClient', /^The security token included in the request is invalid/],
    ['a changed body', 'InvalidSignature', /^The request signature we calculated does not match/],
    [
      'a signature 16 minutes old',
      'SignatureExpired',
      /^Signature expired: 20300601T114400Z is now earlier than 20300601T114500Z \(20300601T120000Z - 15 min\.\)$/,
    ],
    ['another service', 'InvalidSignature', /^Credential should be scoped to correct service: 'execute-api'/],
    ['another region', 'InvalidSignature', /^Credential should be scoped to a valid region, not 'eu-west-1'/],
  ])('refuses %s', async (label, code, message) => {
    // Prepare
    const dev = store.developer;
    let request: ReceivedRequest;
    if (label === 'no Authorization header') {
      const r = await signed(dev);
      const headers = { ...r.headers };
      delete headers['authorization'];
      request = { ...r, headers };
    } else if (label === 'a wrong secret') request = await signed({ ...dev, secretAccessKey: 'x'.repeat(40) });
    else if (label === 'an unknown access key')
      request = await signed({ accessKeyId: 'AKIAUNKNOWNUNKNOWN12', secretAccessKey: 'y' });
    else if (label === 'a changed body')
      request = { ...(await signed(dev)), body: Buffer.from('{"input":{"evil":1}}') };
    else if (label === 'a signature 16 minutes old') request = await signed(dev, { at: now - 16 * 60 * 1000 });
    else if (label === 'another service') request = await signed(dev, { service: 'states' });
    else request = await signed(dev, { region: 'eu-west-1' });

    // Act
    const result = await verifySigV4(request, expectations());

    // Assess
    expect(result).toMatchObject({ ok: false, code });
    expect(result.ok ? '' : result.message).toMatch(message);
  });

  it('keeps the developer credentials across restarts', () => {
    // Act
    const again = CredentialStore.open(dir, '123456789012');

    // Assess
    expect(again.developer.accessKeyId).toBe(store.developer.accessKeyId);
    expect(again.developer.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
  });
});
