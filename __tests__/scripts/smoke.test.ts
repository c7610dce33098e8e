import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../client';
import { ConfigError } from '../../lambda-src/shared/config-error';
import { smokeInput } from '../../scripts/smoke';
import { runSmoke, type SmokeTarget, smokeTargetFromOutputs } from '../../scripts/smoke/smoke';
import { JOBS } from '../../stacks/jobs';
import { contractApi, type FakeServer, startFakeServer, virtualTime } from '../client/fake-api';

const ROOT = join(__dirname, '..', '..');

function outputsFor(url: string, extra: Record<string, unknown> = {}) {
  return {
    api_endpoint: url,
    api_auth: 'NONE',
    region: 'us-east-1',
    start_execution_url: `${url}/start-execution`,
    describe_execution_url: `${url}/describe-execution`,
    stop_execution_url: `${url}/stop-execution`,
    ...extra,
  };
}

describe('smokeTargetFromOutputs', () => {
  it('uses the jobs output when the stack publishes one', () => {
    const target = smokeTargetFromOutputs(
      outputsFor('https://x', {
        jobs: {
          'ramen-timer': { start_execution_url: 'https://x/start-execution' },
          other: { start_execution_url: 'https://x/o/start-execution' },
        },
      }),
    );

    expect(target.jobs).toEqual([
      { name: 'ramen-timer', startExecutionUrl: 'https://x/start-execution' },
      { name: 'other', startExecutionUrl: 'https://x/o/start-execution' },
    ]);
  });

  it('falls back to the single start_execution_url, named by default_job', () => {
    expect(smokeTargetFromOutputs(outputsFor('https://x', { default_job: 'ramen-timer' })).jobs).toEqual([
      { name: 'ramen-timer', startExecutionUrl: 'https://x/start-execution' },
    ]);
  });

  it('names the output that is missing', () => {
    expect(() =>
      smokeTargetFromOutputs({ api_auth: 'NONE', describe_execution_url: 'https://x/describe-execution' }),
    ).toThrow(new ConfigError('the outputs have no "start_execution_url" string'));
  });
});

describe('runSmoke', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function smoke(options: Parameters<typeof contractApi>[0], inputs: Record<string, unknown> = {}) {
    const api = contractApi(options);
    server = await startFakeServer(api.handler);
    const target: SmokeTarget = smokeTargetFromOutputs(
      outputsFor(server.url, { jobs: { 'ramen-timer': { start_execution_url: `${server.url}/start-execution` } } }),
    );
    const time = virtualTime();
    const results = await runSmoke(target, {
      inputFor: (job) => inputs[job] ?? { seconds: 1 },
      clientFor: (endpoint) => new ApiClient({ endpoint, auth: { mode: 'none' } }),
      timeoutMs: 60_000,
      now: time.now,
      sleep: time.sleep,
    });
    return { results, api };
  }

  it("passes a job whose execution reaches SUCCEEDED, started with the job's input", async () => {
    const { results, api } = await smoke({}, { 'ramen-timer': { seconds: 2 } });

    expect(results).toMatchObject([{ job: 'ramen-timer', ok: true, outcome: 'SUCCEEDED' }]);
    expect([...api.state.executions.values()].map((e) => JSON.parse(e.input))).toEqual([{ seconds: 2 }]);
  });

  it("fails a job whose execution fails, showing the API's error and cause", async () => {
    const { results } = await smoke({ finalStatus: 'FAILED' });

    expect(results).toMatchObject([{ job: 'ramen-timer', ok: false, outcome: 'FAILED' }]);
    expect(results[0]!.answer).toContain('seconds must be a number');
  });

  it('fails a job whose start the API refuses, showing the status and message', async () => {
    server = await startFakeServer(() => ({ status: 500, body: { message: 'Internal Server Error' } }));
    const target = smokeTargetFromOutputs(outputsFor(server.url));

    const results = await runSmoke(target, {
      inputFor: () => ({ seconds: 1 }),
      clientFor: (endpoint) => new ApiClient({ endpoint, auth: { mode: 'none' } }),
      timeoutMs: 1_000,
    });

    expect(results).toMatchObject([{ ok: false, outcome: 'START_FAILED' }]);
    expect(results[0]!.answer).toMatch(/HTTP 500 .*Internal Server Error/);
  });
});

describe('npm run smoke', () => {
  it("exits 1 and prints the API's answer when an execution does not succeed, 0 when it does", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-'));
    const run = async (finalStatus: 'SUCCEEDED' | 'FAILED') => {
      const server = await startFakeServer(contractApi({ finalStatus, runningDescribes: 0 }).handler);
      try {
        const file = join(dir, `${finalStatus}.json`);
        writeFileSync(file, JSON.stringify({ 'async-api-dev': outputsFor(server.url) }));
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', join(ROOT, 'scripts', 'smoke.ts'), '--outputs', file, '--timeout', '20'],
          { cwd: ROOT },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        return { code, stderr };
      } finally {
        await server.close();
      }
    };
    try {
      const ok = await run('SUCCEEDED');
      const failed = await run('FAILED');

      expect(ok.code).toBe(0);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/FAIL default: FAILED .*seconds must be a number/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('npm run smoke inputs', () => {
  it('sends each job of the registry its exampleInput, and an unknown job {}', () => {
    for (const job of JOBS) expect(smokeInput(job.name)).toEqual(job.exampleInput);
    expect(smokeInput('not-in-this-registry')).toEqual({});
  });
});
