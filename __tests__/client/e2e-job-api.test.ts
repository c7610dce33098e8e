/**
 * `async-api list`, `history`, `redrive` and the current step on `run`'s progress line, end to end
 * against the real local runtime (API_AUTH=NONE): `main(argv, io)` in-process over real HTTP. Jobs
 * come from the registry; the default job's first function is wrapped so an execution can hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, main } from '../../client/cli';
import { JOBS } from '../../stacks/jobs';
import { startTestRuntime, synthesize, type TestRuntime } from '../local/helpers';
import { type FaultyStack, faultyStack, WORKER_FAULTS, WORKER_INPUT } from '../robustness/fault-injection';

jest.setTimeout(30_000);

async function cli(argv: string[], env: Record<string, string>, cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
    cwd,
  });
  return { code, stdout, stderr };
}

describe('async-api list, history and redrive against the local runtime', () => {
  let test: TestRuntime;
  let faulty: FaultyStack;
  let env: Record<string, string>;
  let cwd: string;
  /** Per job, the ARNs of the executions started here (they SUCCEED at once). */
  const started: Record<string, string[]> = {};

  beforeAll(async () => {
    faulty = faultyStack(synthesize(), { worker: { wrapper: WORKER_FAULTS } });
    test = await startTestRuntime({ stack: faulty.stack });
    cwd = mkdtempSync(join(tmpdir(), 'async-api-e2e-'));
    env = { ASYNC_API_ENDPOINT: test.url, ASYNC_API_AUTH: 'none' };
    for (const job of JOBS) {
      started[job.name] = [];
      for (let i = 0; i < 2; i++) {
        const run = await cli(['run', '--job', job.name, '--input', JSON.stringify(job.exampleInput), '-q'], env, cwd);
        expect(run.code).toBe(ExitCode.Succeeded);
        started[job.name]!.push(JSON.parse(run.stdout).executionArn);
      }
    }
  });
  afterAll(async () => {
    await test?.close();
    faulty?.remove();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('lists every job with --all, one page at a time with --next-token, and filters by job and status in any case', async () => {
    // Act
    const all = await cli(['list', '--all', '--max-results', '1'], env, cwd);
    const first = await cli(['list', '--max-results', '3'], env, cwd);
    const second = await cli(
      ['list', '--max-results', '3', '--next-token', JSON.parse(first.stdout).nextToken],
      env,
      cwd,
    );
    const job = JOBS[0]!.name;
    const ofJob = await cli(['list', '--job', job, '--status', 'succeeded', '--query', 'executions[].job'], env, cwd);

    // Assess
    expect([all.code, first.code, second.code, ofJob.code]).toEqual([0, 0, 0, 0]);
    const everything = JSON.parse(all.stdout);
    expect(everything.nextToken).toBeNull();
    expect(new Set(everything.executions.map((e: { executionArn: string }) => e.executionArn))).toEqual(
      new Set(Object.values(started).flat()),
    );
    const paged = [...JSON.parse(first.stdout).executions, ...JSON.parse(second.stdout).executions];
    expect(paged.map((e) => e.executionArn)).toEqual(
      everything.executions.slice(0, paged.length).map((e: { executionArn: string }) => e.executionArn),
    );
    expect(JSON.parse(ofJob.stdout)).toEqual([job, job]);
  });

  it("prints an execution's whole history newest first with --reverse --all", async () => {
    // Act
    const run = await cli(
      ['history', started[JOBS[0]!.name]![0]!, '--reverse', '--all', '--max-results', '2'],
      env,
      cwd,
    );

    // Assess
    expect(run.code).toBe(ExitCode.Succeeded);
    const { events, nextToken } = JSON.parse(run.stdout);
    expect(nextToken).toBeNull();
    expect(events[0].type).toBe('ExecutionSucceeded');
    expect(events.at(-1)).toMatchObject({ id: 1, type: 'ExecutionStarted' });
  });

  it('refuses bad options with exit 2 before any request, and a redrive of a SUCCEEDED execution with exit 6', async () => {
    // Act
    const status = await cli(['list', '--status', 'done'], env, cwd);
    const size = await cli(['list', '--max-results', '0'], env, cwd);
    const arn = await cli(['history', 'not-an-arn'], env, cwd);
    const redrive = await cli(['redrive', started[JOBS[0]!.name]![0]!], env, cwd);

    // Assess
    expect([status.code, size.code, arn.code]).toEqual([ExitCode.Usage, ExitCode.Usage, ExitCode.Usage]);
    expect(status.stderr).toMatch(/Allowed choices are ABORTED, FAILED, PENDING_REDRIVE, RUNNING, SUCCEEDED/);
    expect(redrive.code).toBe(ExitCode.ApiError);
    expect(redrive.stderr).toContain(
      'Only FAILED, TIMED_OUT, ABORTED executions can be redriven; this one is SUCCEEDED',
    );
  });

  it("shows the current step on run's progress line", async () => {
    // Act: the default job's first Task holds for 2.5 s, so at least one poll sees it running.
    const run = await cli(['run', '--input', JSON.stringify(WORKER_INPUT.hold(2500))], env, cwd);

    // Assess
    expect(run.code).toBe(ExitCode.Succeeded);
    expect(run.stderr).toMatch(/async-api: RUNNING at \S.* after /);
  });
});
