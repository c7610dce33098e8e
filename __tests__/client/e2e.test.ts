/**
 * The `async-api` CLI end to end against the real local runtime (issue #4 "Done when"): `main(argv, io)`
 * in-process on the real clock, over real HTTP to a runtime on an ephemeral port, once with
 * API_AUTH=NONE and once with API_AUTH=AWS_IAM (SigV4 with the runtime's developer keys, handed to
 * the CLI's credential chain through its environment). Jobs really run, so they are 0-1 s long.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ExitCode, main } from '../../client/cli';
import { machineStartedBy } from '../../local/terraform/model';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { DEFAULT_SETTINGS, startTestRuntime, synthesize, type TestRuntime, uniqueName } from '../local/helpers';
import { type FaultyStack, faultyStack, WORKER_FAULTS, WORKER_INPUT } from '../robustness/fault-injection';

/**
 * Inputs for the default job, whatever it is: its example, or (through the fault wrapper on its first
 * function) an execution that runs a while or fails.
 */
const EXAMPLE = JSON.stringify(defaultJob(JOBS).exampleInput);
const HOLD_1S = JSON.stringify(WORKER_INPUT.hold(1000));
const HOLD_30S = JSON.stringify(WORKER_INPUT.hold(30_000));
const FAIL = JSON.stringify(WORKER_INPUT.fail);

jest.setTimeout(20_000);

interface Run {
  readonly code: ExitCode;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Ctrl-C handlers of CLI runs still waiting. After each test they are called, as a Ctrl-C would be:
 * a run that outlived its test (a timeout, a failed assertion before it ended) stops polling then,
 * instead of polling a runtime that afterAll closes.
 */
const waiting = new Set<() => void>();
afterEach(() => {
  for (const interrupt of [...waiting]) interrupt();
  waiting.clear();
});

/** Runs the CLI in-process with captured streams, the given environment and the real clock. */
async function cli(argv: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
    cwd,
    onInterrupt: (handler) => {
      waiting.add(handler);
      return () => waiting.delete(handler);
    },
  });
  return { code, stdout, stderr };
}

/** Describe requests the runtime's stage has logged so far. */
const describesLogged = (test: TestRuntime): number =>
  test.accessLogs.filter((line) => JSON.parse(line).routeKey === 'POST /describe-execution').length;

describe.each([
  { apiAuth: 'NONE', attachBy: 'the ARN quoted in ExecutionAlreadyExists' },
  { apiAuth: 'AWS_IAM', attachBy: '--state-machine-arn' },
])('async-api against the local runtime, API_AUTH=$apiAuth', ({ apiAuth, attachBy }) => {
  let test: TestRuntime;
  let faulty: FaultyStack;
  let env: Record<string, string>;
  let cwd: string;

  beforeAll(async () => {
    const settings = { ...DEFAULT_SETTINGS, API_AUTH: apiAuth };
    faulty = faultyStack(synthesize(settings), { worker: { wrapper: WORKER_FAULTS } });
    test = await startTestRuntime({ settings, stack: faulty.stack });
    // An empty working directory: no cdktf.outputs.json to pick settings up from.
    cwd = mkdtempSync(join(tmpdir(), 'async-api-e2e-'));
    const { accessKeyId, secretAccessKey } = test.runtime.credentials;
    env =
      apiAuth === 'AWS_IAM'
        ? {
            ASYNC_API_ENDPOINT: test.url,
            ASYNC_API_AUTH: 'iam',
            AWS_REGION: test.runtime.model.region,
            AWS_ACCESS_KEY_ID: accessKeyId,
            AWS_SECRET_ACCESS_KEY: secretAccessKey,
          }
        : { ASYNC_API_ENDPOINT: test.url, ASYNC_API_AUTH: 'none' };
  });
  afterAll(async () => {
    await test?.close();
    faulty?.remove();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('runs a 1-second job: exit 0, its description on stdout, looked at on schedule (1 or 2 requests), every describe seen by the server', async () => {
    // Prepare
    const describesBefore = describesLogged(test);

    // Act
    const run = await cli(['run', '--input', HOLD_1S], env, cwd);
    const returnedAt = Date.now();

    // Assess
    expect(run.code).toBe(ExitCode.Succeeded);
    const description = JSON.parse(run.stdout);
    expect(description).toMatchObject({ status: 'SUCCEEDED', input: JSON.parse(HOLD_1S) });
    // Looks at ~1 s (the job may just have ended) and, if not, ~2 s: never one at 0 s.
    const requests = Number(/SUCCEEDED after \d+s \((\d+) requests\)/.exec(run.stderr)?.[1]);
    expect([1, 2]).toContain(requests);
    expect(describesLogged(test) - describesBefore).toBe(requests);
    // The delay bound, max(1 s, 25 % waited), is checked on a virtual clock (poll.test.ts,
    // simulate.test.ts) and measured over HTTP by `npm run bench` (client-http): a wall-clock bound
    // here would fail on a loaded machine. It returns after the end, never before.
    expect(returnedAt).toBeGreaterThanOrEqual(Date.parse(description.stopDate));
  });

  it("exits 1 for a job that fails, with the worker's error", async () => {
    // Act
    const run = await cli(['run', '--input', FAIL, '--quiet'], env, cwd);

    // Assess
    expect(run.code).toBe(ExitCode.Failed);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'FAILED', error: 'WorkerBroke', input: JSON.parse(FAIL) });
  });

  it('exits 5 when --timeout is shorter than the job, and says how to re-attach', async () => {
    // Act
    const run = await cli(['run', '--input', HOLD_30S, '--timeout', '500ms', '--quiet'], env, cwd);

    // Assess
    expect(run.code).toBe(ExitCode.DeadlinePassed);
    const description = JSON.parse(run.stdout);
    expect(description.status).toBe('RUNNING');
    expect(run.stderr).toContain(
      `deadline passed; the execution is still running. Re-attach with: npx async-api wait ${description.executionArn}`,
    );
  });

  it('exits 4 when waiting for an execution that was stopped', async () => {
    // Prepare
    const started = await cli(['start', '--input', HOLD_30S], env, cwd);
    const { executionArn } = JSON.parse(started.stdout);

    // Act
    const stopped = await cli(['stop', executionArn, '--cause', 'e2e'], env, cwd);
    const waited = await cli(['wait', executionArn, '--quiet'], env, cwd);

    // Assess
    expect([started.code, stopped.code]).toEqual([ExitCode.Succeeded, ExitCode.Succeeded]);
    expect(waited.code).toBe(ExitCode.Aborted);
    expect(JSON.parse(waited.stdout)).toMatchObject({ executionArn, status: 'ABORTED', cause: 'e2e' });
  });

  it("prints start's startDate as the same ISO 8601 instant describe reports, with global options before the command", async () => {
    // Act
    const started = await cli(['--output', 'JSON', 'start', '--input', '{"seconds": 0}'], env, cwd);
    const { executionArn, startDate } = JSON.parse(started.stdout);
    const described = await cli(['--query', 'startDate', '--output', 'text', 'describe', executionArn], env, cwd);

    // Assess
    expect([started.code, described.code]).toEqual([ExitCode.Succeeded, ExitCode.Succeeded]);
    expect(startDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(described.stdout).toBe(`${startDate}\n`);
  });

  it(`re-attaches a second run --name to the first execution (via ${attachBy}) instead of starting another`, async () => {
    // Prepare
    const name = uniqueName('e2e-twice');
    const machineArn = machineStartedBy(test.runtime.model).arn;
    const attach = attachBy === '--state-machine-arn' ? ['--state-machine-arn', machineArn] : [];
    const first = await cli(['run', '--name', name, '--input', EXAMPLE, '--quiet', ...attach], env, cwd);

    // Act
    const second = await cli(['run', '--name', name, '--input', EXAMPLE, ...attach], env, cwd);

    // Assess
    expect([first.code, second.code]).toEqual([ExitCode.Succeeded, ExitCode.Succeeded]);
    expect(second.stderr).toContain(`async-api: an execution named ${name} already exists; attaching to it`);
    expect(JSON.parse(second.stdout).executionArn).toBe(JSON.parse(first.stdout).executionArn);
    const sfn = new SFNClient({
      endpoint: test.url,
      region: test.runtime.model.region,
      credentials: test.runtime.credentials,
      maxAttempts: 1,
    });
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 1000 }));
    sfn.destroy();
    expect(listed.executions?.filter((execution) => execution.name === name)).toHaveLength(1);
  });

  if (apiAuth === 'AWS_IAM') {
    it("exits 6 with API Gateway's message when the SigV4 signature is wrong", async () => {
      // Act
      const run = await cli(['run', '--input', EXAMPLE], { ...env, AWS_SECRET_ACCESS_KEY: 'not-the-secret' }, cwd);

      // Assess
      expect(run.code).toBe(ExitCode.ApiError);
      expect(run.stderr.trim()).toBe(
        'async-api: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details. (HTTP 403)',
      );
    });
  }
});
