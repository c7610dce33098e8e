/**
 * The stage's throttling, end to end: a route's requests past the burst are refused with API Gateway's
 * 429 before authorization or integration (nothing starts), and CORS preflights, which API Gateway
 * answers itself, count against the stage too (local/apigw/gateway.ts; docs/aws-behaviour.md, CORS).
 * One token a second and a burst of one: a second request within the same second is over.
 */
import { startTestRuntime, type TestRuntime } from '../helpers';

jest.setTimeout(60_000);

const ORIGIN = 'https://app.example.com';
const SETTINGS = {
  API_AUTH: 'NONE',
  TF_STATE_BUCKET: 'async-api-local-unused',
  API_THROTTLE_RATE: '1',
  API_THROTTLE_BURST: '1',
  CORS_ALLOWED_ORIGINS: ORIGIN,
};

describe('a stage throttled to one request a second, burst one', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime({ settings: SETTINGS });
  });
  afterEach(async () => rt?.close());

  it("answers a route's second request at once with 429 and starts nothing for it", async () => {
    // Act
    const post = () =>
      fetch(`${rt.url}/start-execution`, { method: 'POST', body: JSON.stringify({ input: { seconds: 0 } }) });
    const first = await post();
    const second = await post();

    // Assess
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(await second.json()).toEqual({ message: 'Too Many Requests' });
    const { executionArn } = (await first.json()) as { executionArn: string };
    const machineArn = executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, '');
    const listed = await rt.runtime.sfn.listExecutions({ kind: 'developer' }, { stateMachineArn: machineArn });
    expect(listed['executions']).toEqual([expect.objectContaining({ executionArn })]);
  });

  it('counts CORS preflights against the stage', async () => {
    // Act
    const preflight = () =>
      fetch(`${rt.url}/start-execution`, {
        method: 'OPTIONS',
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
      });
    const first = await preflight();
    const second = await preflight();

    // Assess
    expect(first.status).toBe(204);
    expect(second.status).toBe(429);
  });
});
