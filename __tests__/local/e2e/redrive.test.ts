/**
 * Redrive end to end (issue 13, "Done when"): an execution stopped while its first step ran is
 * redriven over HTTP and with the client, resumes from that step under the same ARN and ends
 * SUCCEEDED with `redriveCount` 1 and the redrive appended to its history; what cannot be redriven is
 * refused with 409 and changes nothing. The default job's first function holds on request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, main } from '../../../client/cli';
import { type FaultyStack, faultyStack, WORKER_FAULTS, WORKER_INPUT } from '../../robustness/fault-injection';
import { postJson, startTestRuntime, synthesize, type TestRuntime, uniqueName, waitForEnd } from '../helpers';

jest.setTimeout(60_000);

describe('redrive over HTTP and with the client (API_AUTH=NONE)', () => {
  let rt: TestRuntime;
  let faulty: FaultyStack;
  let cwd: string;
  const post = (route: string, body: unknown) => postJson(`${rt.url}/${route}`, body);
  const describeExecution = (executionArn: string) => post('describe-execution', { executionArn });

  async function cli(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      env: { ASYNC_API_ENDPOINT: rt.url, ASYNC_API_AUTH: 'none' },
      cwd,
    });
    return { code, stdout, stderr };
  }

  /** Starts the default job holding its first step for `ms`, and stops it while it holds: ABORTED. */
  async function stoppedExecution(ms: number): Promise<string> {
    const started = await post('start-execution', { input: WORKER_INPUT.hold(ms), name: uniqueName('redrive') });
    expect(started.status).toBe(200);
    const { executionArn } = started.body;
    const stopped = await post('stop-execution', { executionArn, cause: 'stopped to redrive' });
    expect(stopped.status).toBe(200);
    expect((await describeExecution(executionArn)).body.status).toBe('ABORTED');
    return executionArn;
  }

  beforeAll(async () => {
    faulty = faultyStack(synthesize(), { worker: { wrapper: WORKER_FAULTS } });
    rt = await startTestRuntime({ stack: faulty.stack });
    cwd = mkdtempSync(join(tmpdir(), 'async-api-redrive-'));
  });
  afterAll(async () => {
    await rt?.close();
    faulty?.remove();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('redrives a stopped execution over HTTP: same ARN, SUCCEEDED, redriveCount 1, history appended', async () => {
    // Prepare
    const executionArn = await stoppedExecution(1000);
    const before = await post('get-execution-history', { executionArn, maxResults: 1000 });

    // Act
    const redriven = await post('redrive-execution', { executionArn });
    const finished = await waitForEnd(() => describeExecution(executionArn), 30_000);
    const after = await post('get-execution-history', { executionArn, maxResults: 1000 });

    // Assess
    expect(redriven.status).toBe(200);
    // Epoch seconds, as start's startDate; describe gives the same moment in ISO 8601
    expect(redriven.body).toEqual({ executionArn, redriveDate: expect.any(Number) });
    expect(finished.body).toMatchObject({
      executionArn,
      status: 'SUCCEEDED',
      redriveCount: 1,
      redriveDate: new Date(Math.round(redriven.body.redriveDate * 1000)).toISOString(),
    });
    const events = after.body.events as { id: number; type: string }[];
    expect(events.slice(0, before.body.events.length)).toEqual(before.body.events);
    expect(events.map((e) => e.type)).toContain('ExecutionRedriven');
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
  });

  it('redrives with the client and waits under the same ARN until SUCCEEDED', async () => {
    // Prepare
    const executionArn = await stoppedExecution(1000);

    // Act
    const redrive = await cli(['redrive', executionArn]);
    const wait = await cli(['wait', executionArn, '--quiet']);

    // Assess
    expect(redrive.code).toBe(ExitCode.Succeeded);
    expect(JSON.parse(redrive.stdout)).toMatchObject({ executionArn });
    expect(wait.code).toBe(ExitCode.Succeeded);
    expect(JSON.parse(wait.stdout)).toMatchObject({ executionArn, status: 'SUCCEEDED', redriveCount: 1 });
  });

  it('refuses a redrive of a RUNNING execution and a second one of a SUCCEEDED execution with 409, changing nothing', async () => {
    // Prepare
    const running = await post('start-execution', { input: WORKER_INPUT.hold(3000), name: uniqueName('running') });
    const executionArn = await stoppedExecution(500);
    await post('redrive-execution', { executionArn });
    await waitForEnd(() => describeExecution(executionArn), 30_000);

    // Act
    const whileRunning = await post('redrive-execution', { executionArn: running.body.executionArn });
    const again = await post('redrive-execution', { executionArn });

    // Assess
    expect(whileRunning.status).toBe(409);
    expect(whileRunning.body.message).toMatch(/this one is RUNNING$/);
    expect(again.status).toBe(409);
    expect((await describeExecution(executionArn)).body).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    await post('stop-execution', { executionArn: running.body.executionArn });
  });
});
