import { ApiClient } from '../../client/api';
import { type CapturedRequest, type FakeResponse, type FakeServer, startFakeServer } from './fake-api';

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:machine:run-1';
let server: FakeServer;
let respond: (request: CapturedRequest) => FakeResponse;

beforeAll(async () => {
  server = await startFakeServer((request) => respond(request));
});
afterAll(async () => {
  await server.close();
});

describe('getExecutionHistory', () => {
  it('keeps the flag saying an event came without its data, and only when the route sets it', async () => {
    // Prepare
    const client = new ApiClient({ endpoint: `${server.url}/`, auth: { mode: 'none' } });
    const event = { id: 2, type: 'TaskStateExited', stateExitedEventDetails: { name: 'Boil' } };
    respond = () => ({ status: 200, body: { events: [event], nextToken: 't2', executionDataOmitted: true } });

    // Act
    const omitted = await client.getExecutionHistory({ executionArn: EXECUTION_ARN });
    respond = () => ({ status: 200, body: { events: [event], nextToken: null } });
    const whole = await client.getExecutionHistory({ executionArn: EXECUTION_ARN, nextToken: 't2' });

    // Assess
    expect(omitted).toEqual({ events: [event], nextToken: 't2', executionDataOmitted: true });
    expect(whole).toEqual({ events: [event], nextToken: null });
  });
});
