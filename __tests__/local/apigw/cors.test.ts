/**
 * CORS as the local gateway applies the stack's `cors_configuration` (docs/aws-behaviour.md, CORS):
 * the rules on their own, then over HTTP against the synthesized stack with and without
 * CORS_ALLOWED_ORIGINS, signed with SigV4 (API_AUTH=AWS_IAM) so that a preflight visibly skips auth.
 */
import { type CorsModel, preflightResponse, readCors, withCors } from '../../../local/apigw/cors';
import { CORS_RULES } from '../../../stacks/constructs/http-api';
import { DEFAULT_SETTINGS, signedPostJson, startTestRuntime, type TestRuntime } from '../helpers';

jest.setTimeout(60_000);

const APP = 'https://app.example.com';
const CORS: CorsModel = readCors([
  {
    allow_origins: [APP],
    allow_methods: ['POST'],
    allow_headers: ['authorization', 'content-type'],
    expose_headers: ['retry-after'],
    max_age: 600,
    allow_credentials: false,
  },
])!;
const preflight = (headers: Record<string, string>) =>
  preflightResponse(CORS, { origin: APP, 'access-control-request-method': 'POST', ...headers });

describe('the CORS rules', () => {
  it('reads no configuration when the API has none', () => {
    expect(readCors(undefined)).toBeUndefined();
    expect(readCors([])).toBeUndefined();
  });

  it('answers an allowed preflight 204 with the configured methods, headers and max age', () => {
    // Act
    const response = preflight({ 'access-control-request-headers': 'Content-Type, Authorization' });

    // Assess
    expect(response.statusCode).toBe(204);
    expect(response.headers).toEqual({
      'content-length': '0',
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization,content-type',
      'access-control-max-age': '600',
    });
  });

  it.each([
    ['another origin', { origin: 'https://evil.example.com' }],
    ['the same host on another scheme', { origin: 'http://app.example.com' }],
    ['the same host on another port', { origin: `${APP}:8443` }],
    ['a method that is not allowed', { 'access-control-request-method': 'DELETE' }],
    ['a header that is not allowed', { 'access-control-request-headers': 'content-type, x-api-key' }],
  ])('answers a preflight from %s with no CORS header at all', (_what, headers) => {
    // Act
    const response = preflight(headers);

    // Assess
    expect(response.statusCode).toBe(204);
    expect(Object.keys(response.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it("replaces the backend's CORS headers with the configured ones, only for an allowed origin", () => {
    // Prepare
    const backend = {
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' },
      body: Buffer.from('{}'),
    };

    // Act
    const allowed = withCors(CORS, { origin: APP }, backend);
    const other = withCors(CORS, { origin: 'https://evil.example.com' }, backend);
    const noOrigin = withCors(CORS, {}, backend);

    // Assess
    expect(allowed.headers).toEqual({
      'content-type': 'application/json',
      'access-control-allow-origin': APP,
      'access-control-expose-headers': 'retry-after',
    });
    expect(other.headers).toEqual({ 'content-type': 'application/json' });
    expect(noOrigin.headers).toEqual({ 'content-type': 'application/json' });
  });
});

describe.each([
  ['with CORS_ALLOWED_ORIGINS', APP],
  ['without CORS_ALLOWED_ORIGINS', undefined],
])('the local gateway %s (API_AUTH=AWS_IAM)', (_what, origins) => {
  let rt: TestRuntime;

  beforeAll(async () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      API_AUTH: 'AWS_IAM',
      ...(origins ? { CORS_ALLOWED_ORIGINS: origins } : {}),
    };
    rt = await startTestRuntime({ settings });
  });
  afterAll(async () => {
    await rt?.close();
  });

  it('answers a browser preflight before authorization, or not at all', async () => {
    // Act: browsers send preflights without credentials.
    const response = await fetch(`${rt.url}/list-executions`, {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-amz-date,x-amz-security-token',
      },
    });

    // Assess
    if (origins) {
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP);
      expect(response.headers.get('access-control-allow-methods')).toBe('POST');
      expect(response.headers.get('access-control-allow-headers')).toBe(CORS_RULES.allowHeaders.join(','));
      expect(response.headers.get('access-control-max-age')).toBe(String(CORS_RULES.maxAge));
    } else {
      expect(response.status).toBe(404);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it("lets the browser read a signed call's answer and its retry-after only from an allowed origin", async () => {
    // Prepare
    const call = (origin: string) =>
      signedPostJson(`${rt.url}/list-executions`, {}, rt.runtime.credentials, { unsignedHeaders: { origin } });

    // Act
    const fromApp = await call(APP);
    const fromElsewhere = await call('https://evil.example.com');

    // Assess
    expect([fromApp.status, fromElsewhere.status]).toEqual([200, 200]);
    expect(fromApp.headers.get('access-control-allow-origin')).toBe(origins ? APP : null);
    expect(fromApp.headers.get('access-control-expose-headers')).toBe(origins ? 'retry-after' : null);
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });
});
