/**
 * Verifies AWS Signature Version 4 on incoming requests by signing them again with the standard
 * signer (`@smithy/signature-v4`, what the AWS SDK uses) and comparing signatures, then checks the
 * credential scope and the 15-minute clock window. Failures carry the error code and the messages
 * AWS services use (docs/aws-behaviour.md §2.1; IAM user guide, "Troubleshoot signed requests").
 * Pre-signed URLs (signature in the query string) are not accepted.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import type { CredentialStore, LocalCredential } from './credentials';

/** The parts of a received request that SigV4 covers. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path as received (still percent-encoded), without the query. */
  readonly path: string;
  /** Raw query string without `?`. */
  readonly query: string;
  /** Lower-case header names; repeated headers joined with `,`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Why verification failed. */
export type SigV4FailureCode =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'UnrecognizedClient'
  | 'InvalidSignature'
  | 'SignatureExpired';

/** The result of {@link verifySigV4}. */
export type SigV4Result =
  | { readonly ok: true; readonly credential: LocalCredential }
  | { readonly ok: false; readonly code: SigV4FailureCode; readonly message: string };

/** What the request must be signed for. */
export interface SigV4Expectations {
  /** Signing name: `execute-api` or `states`. */
  readonly service: string;
  readonly region: string;
  readonly credentials: CredentialStore;
  /** Clock, for the expiry window. */
  readonly now?: () => number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
// AWS accepts signatures up to 15 minutes old or ahead (IAM user guide, "Signature expired").
const WINDOW_MS = 15 * 60 * 1000;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Verifies the request's `Authorization` header. */
export async function verifySigV4(request: ReceivedRequest, expect: SigV4Expectations): Promise<SigV4Result> {
  const authorization = request.headers['authorization'];
  if (!authorization) return fail('MissingAuthenticationToken', 'Missing Authentication Token');
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    // AWS parses what follows the first word as `key=value` pairs and names the first that is not one
    // (e.g. a Bearer token sent to an IAM route); inferred from REST API reports (docs/testing.md).
    const pair = authorization
      .slice(authorization.indexOf(' ') + 1)
      .split(',')
      .map((p) => p.trim())
      .find((p) => !p.includes('='));
    if (authorization.includes(' ') && pair !== undefined) {
      return fail(
        'IncompleteSignature',
        `'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
      );
    }
    return fail('IncompleteSignature', `Authorization header requires the ${ALGORITHM} algorithm`);
  }
  const fields = parseAuthorization(authorization.slice(ALGORITHM.length + 1));
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !fields[k]);
  if (missing.length > 0) {
    return fail('IncompleteSignature', missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' '));
  }
  const scope = fields['Credential']!.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') {
    return fail(
      'IncompleteSignature',
      `Credential should be scoped to a valid region. Credential=${fields['Credential']}`,
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService] = scope as [string, string, string, string];
  const amzDate = request.headers['x-amz-date'];
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return fail(
      'IncompleteSignature',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const credential = expect.credentials.lookup(accessKeyId);
  if (!credential) return fail('UnrecognizedClient', 'The security token included in the request is invalid.');
  if (credential.sessionToken !== undefined && request.headers['x-amz-security-token'] !== credential.sessionToken) {
    return fail('UnrecognizedClient', 'The security token included in the request is invalid.');
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    return fail(
      'InvalidSignature',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (scopeRegion !== expect.region) {
    return fail('InvalidSignature', `Credential should be scoped to a valid region, not '${scopeRegion}'. `);
  }
  if (scopeService !== expect.service) {
    return fail('InvalidSignature', `Credential should be scoped to correct service: '${expect.service}'. `);
  }
  const signedAt = parseAmzDate(amzDate);
  const now = (expect.now ?? Date.now)();
  if (signedAt < now - WINDOW_MS) {
    return fail(
      'SignatureExpired',
      `Signature expired: ${amzDate} is now earlier than ${amzFormat(now - WINDOW_MS)} (${amzFormat(now)} - 15 min.)`,
    );
  }
  if (signedAt > now + WINDOW_MS) {
    return fail(
      'SignatureExpired',
      `Signature not yet current: ${amzDate} is still later than ${amzFormat(now + WINDOW_MS)} (${amzFormat(now)} + 15 min.)`,
    );
  }

  const signedHeaders = fields['SignedHeaders']!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return fail('InvalidSignature', MISMATCH);
    headers[name] = value;
  }
  const declaredHash = request.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== sha256Hex(request.body)) {
    return fail('InvalidSignature', MISMATCH);
  }
  const signed = await signerFor(credential, scopeRegion, scopeService).sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: (headers['host'] ?? '').split(':')[0] ?? '',
      path: request.path,
      query: parseQuery(request.query),
      headers,
      body: request.body,
    },
    { signingDate: new Date(signedAt), signableHeaders: new Set(signedHeaders) },
  );
  const expected =
    /Signature=([0-9a-f]+)/.exec(String(signed.headers['authorization'] ?? signed.headers['Authorization']))?.[1] ?? '';
  const given = fields['Signature']!;
  if (expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
    return fail('InvalidSignature', MISMATCH);
  }
  return { ok: true, credential };
}

/**
 * One signer per credential and scope, kept as long as the credential: what the signer derives from the
 * credential (and caches) is then derived once, not on every request, as a client reuses its signer.
 */
const signers = new WeakMap<LocalCredential, Map<string, SignatureV4>>();

function signerFor(credential: LocalCredential, region: string, service: string): SignatureV4 {
  let byScope = signers.get(credential);
  if (!byScope) {
    byScope = new Map();
    signers.set(credential, byScope);
  }
  const scope = `${region}/${service}`;
  let signer = byScope.get(scope);
  if (!signer) {
    signer = new SignatureV4({
      credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
      region,
      service,
      sha256: NodeSha256,
      // A checksum header would be added to the signed headers, which the client may not have signed.
      applyChecksum: false,
    });
    byScope.set(scope, signer);
  }
  return signer;
}

function fail(code: SigV4FailureCode, message: string): SigV4Result {
  return { ok: false, code, message };
}

function parseAuthorization(rest: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return fields;
}

function parseQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!query) return out;
  for (const [key, value] of new URLSearchParams(query)) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function parseAmzDate(value: string): number {
  return Date.UTC(
    +value.slice(0, 4),
    +value.slice(4, 6) - 1,
    +value.slice(6, 8),
    +value.slice(9, 11),
    +value.slice(11, 13),
    +value.slice(13, 15),
  );
}

function amzFormat(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** SHA-256 (and HMAC-SHA-256 when given a secret) on Node's crypto, for the smithy signer. */
class NodeSha256 implements Checksum {
  private hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    throw new Error('reset is not supported');
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
