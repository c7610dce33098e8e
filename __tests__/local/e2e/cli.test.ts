/**
 * `npm start`'s entry (local/index.ts) as a process: banner, plain curl-style requests with
 * API_AUTH=NONE, a SIGKILL that cuts an execution off (ABORTED at the next start, finished ones
 * kept), and a clean Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTERRUPTED, REPO_ROOT } from '../../../local/runtime';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import { faultyOutdir, WORKER_FAULTS, WORKER_INPUT } from '../../robustness/fault-injection';
import { postJson, synthesize, uniqueName, waitForEnd } from '../helpers';

jest.setTimeout(30_000);

interface Cli {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

/** Starts the CLI on a free port over an existing synthesis; resolves once it prints its endpoint. */
function startCli(outdir: string, dataDir: string): Promise<Cli> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'local', 'index.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      LOCAL_OUTDIR: outdir,
      LOCAL_DATA_DIR: dataDir,
      LOCAL_SKIP_SYNTH: '1',
      LOCAL_FUNCTION_LOG: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // A runtime that never printed its banner must not outlive the test.
      child.kill('SIGKILL');
      reject(new Error(`no banner within 20 s:\n${out}`));
    }, 20_000);
    const check = (): void => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && out.includes('Ctrl-C stops the runtime.')) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)}:\n${out}`));
    });
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('npm start (local/index.ts)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'async-api-cli-'));
  const afterAllRemove: (() => void)[] = [];
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    for (const remove of afterAllRemove) remove();
  });

  it('serves plain requests, survives a SIGKILL without losing finished executions, and stops cleanly on SIGINT', async () => {
    // Prepare
    // The default job's first function wrapped, so one execution can still be running at the kill.
    const faulty = faultyOutdir(synthesize(), { worker: { wrapper: WORKER_FAULTS } });
    afterAllRemove.push(faulty.remove);
    const { outdir } = faulty;
    const first = await startCli(outdir, dataDir);
    const done = await postJson(`${first.url}/start-execution`, {
      input: defaultJob(JOBS).exampleInput,
      name: uniqueName('cli-done'),
    });
    const finished = await waitForEnd(() =>
      postJson(`${first.url}/describe-execution`, { executionArn: done.body.executionArn }),
    );
    const cut = await postJson(`${first.url}/start-execution`, {
      input: WORKER_INPUT.hold(60_000),
      name: uniqueName('cli-cut'),
    });

    // Act: kill without warning, start again, then Ctrl-C
    const killed = exited(first.child);
    first.child.kill('SIGKILL');
    await killed;
    const second = await startCli(outdir, dataDir);
    const kept = await postJson(`${second.url}/describe-execution`, { executionArn: done.body.executionArn });
    const aborted = await postJson(`${second.url}/describe-execution`, { executionArn: cut.body.executionArn });
    const stopped = exited(second.child);
    second.child.kill('SIGINT');
    const end = await stopped;

    // Assess
    expect(first.output()).toMatch(/POST \/start-execution\s+auth NONE/);
    // One example per job, with the registry's example input and no fixed name (it would collide on a second start).
    for (const job of JOBS) {
      expect(first.output()).toContain(
        `curl -s -H 'content-type: application/json' -d '${JSON.stringify({ input: job.exampleInput })}' ${first.url}/${job.name}/start-execution`,
      );
    }
    expect(first.output()).toContain(`stack: async-api-dev (API async-api-dev-api,`);
    expect(finished.body.status).toBe('SUCCEEDED');
    expect(kept.body).toMatchObject({ status: 'SUCCEEDED', output: finished.body.output });
    expect(aborted.body).toMatchObject({
      status: 'ABORTED',
      error: INTERRUPTED.restartError,
      cause: INTERRUPTED.restartCause,
    });
    expect(second.output()).toContain('1 execution(s) were running when the runtime last stopped');
    expect(end).toEqual({ code: 0, signal: null });
  });
});
