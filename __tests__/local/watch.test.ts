/**
 * Watch mode over a copy of the app's sources in a temporary folder (the tests never edit the
 * checkout): an edited handler is re-synthesized and served within seconds, finished and running
 * executions survive the reload (the running one finishes on the code it started with), and an edit
 * that does not synthesize leaves the last good stack serving.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processTree } from '../../local/proc';
import { REPO_ROOT, type Runtime, startRuntime } from '../../local/runtime';
import { SOURCES, synthIfStale } from '../../local/synth';
import { type Watcher, watchAndReload } from '../../local/watch';
import { DEFAULT_SETTINGS, postJson, uniqueName, waitForEnd } from './helpers';

jest.setTimeout(180_000);

const HANDLER = join('lambda-src', 'ramen-timer', 'handler.ts');
const OLD_MESSAGE = "The ramen is boiled. If you don't eat it quickly, it will grow.";
const NEW_MESSAGE = 'The ramen is boiled (edited while the runtime ran).';

// Function processes (local/lambda/bootstrap.cjs) this test process has started and that still run.
function functionProcesses(): number[] {
  return processTree(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bootstrap.cjs');
    } catch {
      return false;
    }
  });
}

function saveByRename(file: string, text: string): void {
  writeFileSync(`${file}.tmp~`, text);
  renameSync(`${file}.tmp~`, file);
}

describe('watch mode', () => {
  let root: string;
  let dataDir: string;
  let runtime: Runtime | undefined;
  let watcher: Watcher | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    // Prepare: a checkout of our own, whose sources the test may edit.
    root = mkdtempSync(join(tmpdir(), 'async-api-watch-'));
    // main.ts also loads the Node.js version check before anything else.
    const app = [...SOURCES, 'package.json', 'tsconfig.json', 'cdktf.json', 'scripts/require-node.cjs'];
    for (const entry of app) cpSync(join(REPO_ROOT, entry), join(root, entry), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    dataDir = join(root, '.local');
    const outdir = join(dataDir, 'cdktf.out');
    synthIfStale({ repoRoot: root, outdir, env: { ...process.env, ...DEFAULT_SETTINGS } });
    runtime = await startRuntime({
      outdir,
      port: 0,
      dataDir,
      log: (l) => logs.push(l),
      accessLog: () => undefined,
      functionLog: () => undefined,
    });
    watcher = watchAndReload({
      repoRoot: root,
      runtime,
      dataDir,
      env: { ...process.env, ...DEFAULT_SETTINGS },
      log: (l) => logs.push(l),
      debounceMs: 100,
    });
  });

  afterAll(async () => {
    await watcher?.close();
    await runtime?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const start = async (seconds: number): Promise<string> => {
    const res = await postJson(`${runtime!.url}/start-execution`, { input: { seconds }, name: uniqueName('watch') });
    expect(res.status).toBe(200);
    return res.body.executionArn as string;
  };
  const outputOf = async (arn: string, timeoutMs = 20_000): Promise<{ status: unknown; message: unknown }> => {
    const end = await waitForEnd(
      () => postJson(`${runtime!.url}/describe-execution`, { executionArn: arn }),
      timeoutMs,
    );
    const described = (await runtime!.sfn.describeExecution({ kind: 'developer' }, { executionArn: arn })) as {
      output?: string;
    };
    return {
      status: end.body.status,
      message: described.output ? (JSON.parse(described.output) as { message?: unknown }).message : undefined,
    };
  };
  const waitForLog = async (text: string, from: number, timeoutMs = 120_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = logs.slice(from).find((l) => l.includes(text));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`no "${text}" in the log within ${timeoutMs} ms:\n${logs.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('serves an edited handler after a reload, and keeps finished and running executions', async () => {
    // Prepare: one finished execution and one still running when the edit lands.
    const finished = await start(0);
    expect(await outputOf(finished)).toEqual({ status: 'SUCCEEDED', message: OLD_MESSAGE });
    const running = await start(4);

    // Act
    const mark = logs.length;
    const editedAt = Date.now();
    const file = join(root, HANDLER);
    writeFileSync(file, readFileSync(file, 'utf8').replace(OLD_MESSAGE, NEW_MESSAGE));
    const reloaded = await waitForLog('Reloaded in', mark);
    const reloadMs = Date.now() - editedAt;

    // Assess
    const after = await start(0);
    expect(await outputOf(after)).toEqual({ status: 'SUCCEEDED', message: NEW_MESSAGE });
    expect(await outputOf(running)).toEqual({ status: 'SUCCEEDED', message: OLD_MESSAGE });
    expect(await outputOf(finished)).toEqual({ status: 'SUCCEEDED', message: OLD_MESSAGE });
    expect(reloaded).toMatch(/^Reloaded in \d+\.\d s/);
    // The replaced stack's function processes stop once its last execution has ended: one process per
    // function of the served stack remains (ramen timer, status function, and the webhook sender, which
    // every execution's end invokes to look up its registration).
    const deadline = Date.now() + 5_000;
    while (functionProcesses().length > 3 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(functionProcesses().length).toBeLessThanOrEqual(3);
    process.stderr.write(`watch mode: edit to reload ${reloadMs} ms (${reloaded})\n`);
  });

  it('keeps serving the last good stack when an edit does not synthesize', async () => {
    // Prepare
    const served = runtime!.model;
    const mark = logs.length;

    const naming = join(root, 'stacks', 'naming.ts');
    const good = readFileSync(naming, 'utf8');

    // Act: a stack file that no longer compiles, saved as many editors (and sed -i) do: a new file
    // renamed over the old one.
    saveByRename(naming, `${good}\nthis is not TypeScript;\n`);
    const failed = await waitForLog('Reload failed', mark);

    // Assess: the error is printed, the same stack still answers.
    expect(failed).toMatch(/still serving the last good stack[\s\S]*Synthesis failed/);
    // ... as esbuild's one line naming the file, without esbuild's internals around it
    expect(failed.split('\n').slice(-1)[0]).toMatch(/^stacks\/naming\.ts:\d+:\d+: ERROR: Expected ";" but found "is"$/);
    expect(failed.split('\n')).toHaveLength(3);
    expect(runtime!.model).toBe(served);
    expect(await outputOf(await start(0))).toEqual({ status: 'SUCCEEDED', message: NEW_MESSAGE });

    // Act: the fix, saved the same way, to the file the rename replaced.
    const again = logs.length;
    saveByRename(naming, good);
    await waitForLog('Reloaded in', again);

    // Assess
    expect(runtime!.model).not.toBe(served);
  });
});
