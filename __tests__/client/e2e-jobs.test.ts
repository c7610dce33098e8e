/**
 * `--job` end to end against the real local runtime (issue 10 item 6): every job of the registry,
 * found through the outputs file the runtime's resolved Terraform outputs make (as `cdktf output`
 * writes it, with `jobs` and `default_job`), started on its own route, re-attached by `--name` on its
 * own state machine; the default job without `--job`; an unknown job refused with the known ones.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, main } from '../../client/cli';
import { JOBS } from '../../stacks/jobs';
import { DEFAULT_SETTINGS, startTestRuntime, type TestRuntime, uniqueName } from '../local/helpers';

jest.setTimeout(30_000);

let test: TestRuntime;
let cwd: string;
beforeAll(async () => {
  test = await startTestRuntime({ settings: { ...DEFAULT_SETTINGS, API_AUTH: 'NONE' } });
  cwd = mkdtempSync(join(tmpdir(), 'async-api-e2e-jobs-'));
  writeFileSync(join(cwd, 'cdktf.outputs.json'), JSON.stringify({ 'async-api-dev': test.runtime.model.outputs }));
});
afterAll(async () => {
  await test?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

async function cli(argv: string[]): Promise<{ code: ExitCode; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: {},
    cwd,
  });
  return { code, stdout, stderr };
}

describe.each(JOBS.map((job) => [job.name, job] as const))('async-api run --job %s', (name, job) => {
  it('runs on its own state machine, and a second run of the same --name re-attaches to it', async () => {
    // Prepare
    const argv = [
      'run',
      '--job',
      name,
      '--name',
      uniqueName(`e2e-${name}`),
      '--input',
      JSON.stringify(job.exampleInput),
    ];
    const first = await cli([...argv, '--quiet']);

    // Act
    const second = await cli(argv);

    // Assess
    expect([first.code, second.code]).toEqual([ExitCode.Succeeded, ExitCode.Succeeded]);
    const { jobs } = test.runtime.model.outputs as { jobs: Record<string, { state_machine_arn: string }> };
    const machine = jobs[name]!.state_machine_arn;
    expect(
      JSON.parse(first.stdout).executionArn.startsWith(`${machine.replace(':stateMachine:', ':execution:')}:`),
    ).toBe(true);
    expect(second.stderr).toContain('already exists; attaching to it');
    expect(JSON.parse(second.stdout).executionArn).toBe(JSON.parse(first.stdout).executionArn);
  });
});

describe('async-api without --job, or with an unknown one', () => {
  it("starts the API's default job on POST /start-execution", async () => {
    // Act
    const run = await cli([
      'start',
      '--input',
      JSON.stringify(JOBS.find((job) => job.name === test.runtime.model.outputs.default_job)!.exampleInput),
    ]);

    // Assess
    expect(run.code).toBe(ExitCode.Succeeded);
    const machine = String(test.runtime.model.outputs.state_machine_arn);
    expect(JSON.parse(run.stdout).executionArn.startsWith(`${machine.replace(':stateMachine:', ':execution:')}:`)).toBe(
      true,
    );
  });

  it('refuses an unknown job, naming the jobs of the outputs file', async () => {
    // Act
    const run = await cli(['start', '--job', 'no-such-job']);

    // Assess
    expect(run.code).toBe(ExitCode.Usage);
    expect(run.stderr.trim()).toMatch(
      new RegExp(
        `no job "no-such-job" in .*cdktf.outputs.json \\(stack async-api-dev\\); its jobs: ${JOBS.map((job) => job.name)
          .sort()
          .join(', ')}$`,
      ),
    );
  });
});
