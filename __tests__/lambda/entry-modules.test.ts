/**
 * The `index.ts` entry points read their configuration when Lambda loads them. These tests load each
 * one in a fresh module registry with a controlled environment.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadFresh } from './entry-helpers';
import { arnBody, EXECUTION_ARN, httpEvent, STATE_MACHINE_ARN } from './fixtures';

const VARS = ['JOB_STATE_MACHINES'] as const;
const saved = Object.fromEntries(VARS.map((name) => [name, process.env[name]]));

function setEnv(name: (typeof VARS)[number], value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

afterEach(() => {
  for (const name of VARS) setEnv(name, saved[name]);
});

describe('lambda-src/describe-execution/index', () => {
  const path = '../../lambda-src/describe-execution/index';
  type DescribeModule = { handler: (e: APIGatewayProxyEventV2) => Promise<{ statusCode: number; body: string }> };

  it('fails to load without JOB_STATE_MACHINES, naming it', () => {
    // Prepare
    setEnv('JOB_STATE_MACHINES', undefined);
    // Act / Assess
    expect(() => loadFresh(path)).toThrow(/^JOB_STATE_MACHINES is required/);
  });

  it('fails to load with a JOB_STATE_MACHINES entry that is not a state machine ARN', () => {
    // Prepare
    setEnv('JOB_STATE_MACHINES', JSON.stringify({ ramen: EXECUTION_ARN }));
    // Act / Assess
    expect(() => loadFresh(path)).toThrow(/^JOB_STATE_MACHINES\.ramen must look like arn:<partition>:states:/);
  });

  it('exports a handler wired to the configured state machine and a module-level client', async () => {
    // Prepare: mock the SDK inside the same fresh registry the entry module will use.
    setEnv('JOB_STATE_MACHINES', JSON.stringify({ ramen: STATE_MACHINE_ARN }));
    let handler: DescribeModule['handler'] | undefined;
    let calls: () => unknown[] = () => [];
    jest.isolateModules(() => {
      const sdk = require('@aws-sdk/client-sfn') as typeof import('@aws-sdk/client-sfn');
      const { mockClient } = require('aws-sdk-client-mock') as typeof import('aws-sdk-client-mock');
      const mock = mockClient(sdk.SFNClient);
      mock.on(sdk.DescribeExecutionCommand).resolves({ executionArn: EXECUTION_ARN, status: 'SUCCEEDED' });
      calls = () => mock.commandCalls(sdk.DescribeExecutionCommand).map((c) => c.args[0].input);
      handler = (require(path) as DescribeModule).handler;
    });
    // Act
    const ours = await handler!(httpEvent(arnBody(EXECUTION_ARN)));
    const foreign = await handler!(
      httpEvent(arnBody('arn:aws:states:eu-west-1:123456789012:execution:someone-else:order-42')),
    );
    // Assess
    expect(ours.statusCode).toBe(200);
    expect(foreign.statusCode).toBe(400);
    expect(calls()).toStrictEqual([{ executionArn: EXECUTION_ARN }]);
  });
});
