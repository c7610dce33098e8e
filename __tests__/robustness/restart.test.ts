/**
 * The runtime killed with SIGKILL mid-execution (issue #6, part 4): run as `npm start` runs it, with
 * executions that ended SUCCEEDED, FAILED and ABORTED plus one still running; after the kill no
 * function process is left behind, and the next start on the same data folder shows the finished
 * executions exactly as before and the cut-off one ABORTED with a cause that says why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { INTERRUPTED } from '../../local/runtime';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { type JsonResponse, postJson, synthesize, uniqueName, waitForEnd } from '../local/helpers';
import { faultyOutdir, WORKER_FAULTS, WORKER_INPUT } from './fault-injection';
import { descendants, isRunning, type RuntimeProcess, spawnRuntime } from './runtime-process';

/** The default job; its first function is wrapped so an execution can run a while or fail on request. */
const MAIN = defaultJob(JOBS);

jest.setTimeout(30_000);

const QUIET = { LOCAL_ACCESS_LOG: '0', LOCAL_FUNCTION_LOG: '0' };

describe('SIGKILL mid-execution, then a restart on the same data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'async-api-restart-'));
  const running: RuntimeProcess[] = [];
  const faulty = faultyOutdir(synthesize(), { worker: { wrapper: WORKER_FAULTS } });
  afterAll(async () => {
    for (const p of running) await p.stop();
    rmSync(dataDir, { recursive: true, force: true });
    faulty.remove();
  });

  it('keeps finished executions intact, leaves no function process behind and closes the cut-off one ABORTED', async () => {
    // Prepare: three closed executions and one running when the kill comes
    const { outdir } = faulty;
    const first = await spawnRuntime({ outdir, dataDir, env: QUIET });
    running.push(first);
    const start = (url: string, body: unknown): Promise<JsonResponse> => postJson(`${url}/start-execution`, body);
    const describe = (url: string, executionArn: string): Promise<JsonResponse> =>
      postJson(`${url}/describe-execution`, { executionArn });
    const succeeded = (await start(first.url, { input: MAIN.exampleInput, name: uniqueName('ok') })).body
      .executionArn as string;
    const failed = (await start(first.url, { input: WORKER_INPUT.fail, name: uniqueName('bad') })).body
      .executionArn as string;
    const stopped = (await start(first.url, { input: WORKER_INPUT.hold(30_000), name: uniqueName('stopped') })).body
      .executionArn as string;
    await postJson(`${first.url}/stop-execution`, {
      executionArn: stopped,
      error: 'Changed.Mind',
      cause: 'changed plans',
    });
    const before = await Promise.all(
      [succeeded, failed, stopped].map((arn) => waitForEnd(() => describe(first.url, arn))),
    );
    const cutName = uniqueName('cut');
    const cut = (await start(first.url, { input: WORKER_INPUT.hold(30_000), name: cutName })).body
      .executionArn as string;
    const runningBefore = await describe(first.url, cut);
    const functionProcesses = descendants(first.pid);

    // Act: kill without warning, then start again on the same data
    first.child.kill('SIGKILL');
    await first.exited;
    for (let i = 0; i < 100 && functionProcesses.some(isRunning); i++) await new Promise((r) => setTimeout(r, 50));
    const leftBehind = functionProcesses.filter(isRunning);
    const second = await spawnRuntime({ outdir, dataDir, env: QUIET });
    running.push(second);
    const after = await Promise.all([succeeded, failed, stopped].map((arn) => describe(second.url, arn)));
    const aborted = await describe(second.url, cut);
    const sfn = new SFNClient({ endpoint: second.url, region: 'us-east-1', credentials: second.credentials });
    const history = await sfn
      .send(new GetExecutionHistoryCommand({ executionArn: cut, reverseOrder: true, maxResults: 1 }))
      .finally(() => sfn.destroy());
    const reused = await start(second.url, { input: WORKER_INPUT.hold(30_000), name: cutName });
    const fresh = await start(second.url, { input: MAIN.exampleInput, name: uniqueName('after') });
    const freshEnd = await waitForEnd(() => describe(second.url, fresh.body.executionArn));
    await second.stop();
    const exit = await second.exited;

    // Assess
    expect(before.map((r) => r.body.status)).toEqual(['SUCCEEDED', 'FAILED', 'ABORTED']);
    expect(before[1]!.body.error).toBe('WorkerBroke');
    expect(runningBefore.body.status).toBe('RUNNING');
    expect(functionProcesses.length).toBeGreaterThanOrEqual(2); // the worker's and the status function's
    expect(leftBehind).toEqual([]);
    expect(after.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));
    expect(aborted.body).toMatchObject({
      status: 'ABORTED',
      error: INTERRUPTED.restartError,
      cause: expect.stringMatching(/stopped unexpectedly while this execution was running/),
      input: WORKER_INPUT.hold(30_000),
      output: null,
    });
    expect(new Date(aborted.body.stopDate).getTime()).toBeGreaterThanOrEqual(
      new Date(aborted.body.startDate).getTime(),
    );
    expect(history.events?.[0]).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: INTERRUPTED.restartError, cause: INTERRUPTED.restartCause },
    });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({
      __type: expect.stringMatching(/#ExecutionAlreadyExists$/),
      message: `Execution Already Exists: '${cut}'`,
    });
    expect(freshEnd.body.status).toBe('SUCCEEDED');
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
