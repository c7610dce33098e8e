import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiClient, ApiError, AuthError, parseRetryAfter } from '../../client/api';
import { type CapturedRequest, type FakeResponse, type FakeServer, startFakeServer } from './fake-api';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-1',
};
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:machine:run-1';

let server: FakeServer;
let respond: (request: CapturedRequest) => FakeResponse;

beforeAll(async () => {
  server = await startFakeServer((request) => respond(request));
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  respond = () => ({ status: 200, body: { executionArn: EXECUTION_ARN, startDate: 1732480000.123 } });
});

/**
 * Recomputes the signature of a captured request with the SDK's signer: same credentials, same
 * date (from X-Amz-Date), the headers the client signed, and the body the server received. The
 * payload hash header is dropped so the signer hashes the received body itself.
 */
async function resign(
  request: CapturedRequest,
  region: string,
): Promise<{ authorization: string; payloadHash: string }> {
  const authorization = String(request.headers.authorization);
  const signedHeaderNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1].split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedHeaderNames) {
    if (name !== 'x-amz-content-sha256') headers[name] = String(request.headers[name]);
  }
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const [hostname, port] = headers.host.split(':');
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: CREDENTIALS, sha256: Sha256 });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname,
      port: Number(port),
      path: request.path,
      headers,
      body: request.body,
    }),
    { signingDate },
  );
  return { authorization: signed.headers.authorization, payloadHash: signed.headers['x-amz-content-sha256'] };
}

describe('ApiClient SigV4 (auth iam)', () => {
  it('sends an Authorization header that the SDK signer reproduces for execute-api', async () => {
    // Prepare
    const client = new ApiClient({
      endpoint: server.url,
      auth: { mode: 'iam', region: 'eu-west-1', credentials: CREDENTIALS },
    });

    // Act
    await client.startExecution({ input: { seconds: 3 }, name: 'run-1' });

    // Assess
    const [request] = server.requests;
    const authorization = String(request.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, /,
    );
    expect(authorization).toMatch(/SignedHeaders=[^,]*\bhost\b[^,]*\bx-amz-date\b/);
    expect(request.headers['x-amz-security-token']).toBe('session-token-1');
    const expected = await resign(request, 'eu-west-1');
    expect(authorization).toBe(expected.authorization);
    expect(request.headers['x-amz-content-sha256']).toBe(expected.payloadHash);
    expect(JSON.parse(request.body)).toEqual({ input: { seconds: 3 }, name: 'run-1' });
  });

  it('produces a signature that does not verify for a different body (the check can fail)', async () => {
    // Prepare
    const client = new ApiClient({
      endpoint: server.url,
      auth: { mode: 'iam', region: 'eu-west-1', credentials: CREDENTIALS },
    });
    await client.describeExecution(EXECUTION_ARN).catch(() => undefined);
    const [request] = server.requests;

    // Act
    const tampered = await resign({ ...request, body: request.body.replace('run-1', 'run-2') }, 'eu-west-1');
    const otherRegion = await resign(request, 'us-east-1');

    // Assess
    expect(String(request.headers.authorization)).not.toBe(tampered.authorization);
    expect(String(request.headers.authorization)).not.toBe(otherRegion.authorization);
  });

  it('gets credentials from a provider on each request and reports a provider failure as AuthError', async () => {
    // Prepare
    const provider = jest.fn(async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      });
    });
    const client = new ApiClient({
      endpoint: server.url,
      auth: { mode: 'iam', region: 'eu-west-1', credentials: provider },
    });

    // Act
    const attempt = client.describeExecution(EXECUTION_ARN);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(AuthError);
    await expect(attempt).rejects.toThrow(/Could not load credentials/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('ApiClient other auth modes', () => {
  it('sends a bearer token for jwt', async () => {
    // Prepare
    const client = new ApiClient({ endpoint: server.url, auth: { mode: 'jwt', token: 'eyJ.token' } });

    // Act
    await client.startExecution({ input: {} });

    // Assess
    expect(server.requests[0].headers.authorization).toBe('Bearer eyJ.token');
  });

  it('sends no Authorization for none', async () => {
    // Prepare
    const client = new ApiClient({ endpoint: `${server.url}/`, auth: { mode: 'none' } });

    // Act
    await client.startExecution({ input: [1, 2] });

    // Assess
    expect(server.requests[0].headers.authorization).toBeUndefined();
    expect(server.requests[0].path).toBe('/start-execution');
  });

  it('keeps a stage path of the endpoint', async () => {
    // Prepare
    const client = new ApiClient({ endpoint: `${server.url}/prod/`, auth: { mode: 'none' } });

    // Act
    await client.startExecution({ input: {} });

    // Assess
    expect(server.requests[0].path).toBe('/prod/start-execution');
  });
});

describe('ApiClient responses', () => {
  const client = (): ApiClient =>
    new ApiClient({ endpoint: server.url, auth: { mode: 'none' }, requestTimeoutMs: 300 });

  it('returns the description and the Retry-After hint', async () => {
    // Prepare
    respond = () => ({
      status: 200,
      headers: { 'retry-after': '4' },
      body: {
        executionArn: EXECUTION_ARN,
        name: 'run-1',
        status: 'RUNNING',
        startDate: '2024-11-24T20:26:40.123Z',
        stopDate: null,
        input: { seconds: 9 },
        output: null,
        error: null,
        cause: null,
      },
    });

    // Act
    const result = await client().describeExecution(EXECUTION_ARN);

    // Assess
    expect(result.retryAfterMs).toBe(4_000);
    expect(result.description).toMatchObject({ status: 'RUNNING', input: { seconds: 9 }, stopDate: null });
    expect(JSON.parse(server.requests[0].body)).toEqual({ executionArn: EXECUTION_ARN });
  });

  it.each([
    [
      { __type: 'com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists', message: 'Execution Already Exists' },
      'ExecutionAlreadyExists',
      'Execution Already Exists',
    ],
    [
      { __type: 'ExecutionAlreadyExists', Message: 'Capitalised message' },
      'ExecutionAlreadyExists',
      'Capitalised message',
    ],
    [
      { message: "executionArn must be an execution of this API's state machine" },
      undefined,
      "executionArn must be an execution of this API's state machine",
    ],
  ])('maps a 400 %p to ApiError code %p', async (body, code, message) => {
    // Prepare
    respond = () => ({ status: 400, body });

    // Act
    const error = await client()
      .startExecution({ input: {} })
      .catch((err: unknown) => err);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code, message, retryable: false });
  });

  it.each([
    [429, { 'retry-after': '3' }, true, 3_000],
    [500, {}, true, undefined],
    [503, {}, true, undefined],
    [403, {}, false, undefined],
    [404, {}, false, undefined],
  ])('marks HTTP %d as retryable=%p', async (status, headers, retryable, retryAfterMs) => {
    // Prepare
    respond = () => ({ status, headers, body: { message: 'nope' } });

    // Act
    const error = (await client()
      .describeExecution(EXECUTION_ARN)
      .catch((err: unknown) => err)) as ApiError;

    // Assess
    expect(error).toMatchObject({ status, retryable, retryAfterMs, message: 'nope' });
  });

  it('treats Step Functions throttling passed through as 400 as retryable', async () => {
    // Prepare
    respond = () => ({ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } });

    // Act
    const error = (await client()
      .startExecution({ input: {} })
      .catch((err: unknown) => err)) as ApiError;

    // Assess
    expect(error.retryable).toBe(true);
  });

  it('reports a refused connection as a retryable network error', async () => {
    // Prepare: a port that was just closed
    const closed = await startFakeServer(() => ({ status: 200 }));
    await closed.close();
    const unreachable = new ApiClient({ endpoint: closed.url, auth: { mode: 'none' } });

    // Act
    const error = (await unreachable.describeExecution(EXECUTION_ARN).catch((err: unknown) => err)) as ApiError;

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/network error.*ECONNREFUSED/);
  });

  it('reports a request that takes too long as a retryable timeout', async () => {
    // Prepare
    respond = () =>
      new Promise<FakeResponse>((resolve) => setTimeout(() => resolve({ status: 200, body: {} }), 1_000)) as never;

    // Act
    const error = (await client()
      .describeExecution(EXECUTION_ARN)
      .catch((err: unknown) => err)) as ApiError;

    // Assess
    expect(error.message).toMatch(/no response within 300 ms/);
    expect(error.retryable).toBe(true);
  });

  it("passes the caller's abort through unchanged", async () => {
    // Prepare
    const controller = new AbortController();
    respond = () => {
      controller.abort(new Error('user pressed Ctrl-C'));
      return { status: 200, body: {} };
    };

    // Act
    const error = await client()
      .describeExecution(EXECUTION_ARN, controller.signal)
      .catch((err: unknown) => err);

    // Assess
    expect(error).not.toBeInstanceOf(ApiError);
    expect((error as Error).message).toBe('user pressed Ctrl-C');
  });
});

describe('ApiClient options', () => {
  it.each([
    [{ endpoint: 'not a url', auth: { mode: 'none' } }, /endpoint must be an http\(s\) URL/],
    [{ endpoint: 'ftp://x', auth: { mode: 'none' } }, /endpoint must be an http\(s\) URL/],
    [{ endpoint: 'https://x', auth: { mode: 'iam', region: '', credentials: CREDENTIALS } }, /auth.region is required/],
    [{ endpoint: 'https://x', auth: { mode: 'jwt', token: '' } }, /auth.token is required/],
  ])('rejects %p', (options, message) => {
    expect(() => new ApiClient(options as never)).toThrow(message);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP-dates', () => {
    const now = Date.parse('2024-11-24T20:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5_000);
    expect(parseRetryAfter('Sun, 24 Nov 2024 20:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Sun, 24 Nov 2024 19:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
