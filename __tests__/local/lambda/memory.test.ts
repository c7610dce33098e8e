import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLambdaService, LambdaErrorType, type LambdaService } from '../../../local/lambda';
import { MemoryLimit, treePeakKb } from '../../../local/lambda/memory';
import { killTree, PROC, readStatus } from '../../../local/proc';
import { waitUntil } from '../../wait';
import { createSandbox, isAlive, type Sandbox } from './fixtures';

// The limit covers the function's whole process tree, read from /proc: Linux only.
const linux = PROC ? describe : describe.skip;

/** A handler that starts a Node.js child holding `event.mb` MB of touched Buffers and answers once it holds them. */
const SPAWNER = `
  const { spawn } = require('node:child_process');
  const HOLDER = "const keep = []; for (let i = 0; i < Number(process.argv[1]); i++) keep.push(Buffer.alloc(1024 * 1024, 1)); process.stdout.write('held\\\\n'); setInterval(() => {}, 1000);";
  exports.handler = async (event) => {
    const child = spawn(process.execPath, ['-e', HOLDER, String(event.mb)], { stdio: ['ignore', 'pipe', 'ignore'] });
    if (event.pidFile) require('node:fs').writeFileSync(event.pidFile, String(child.pid));
    await new Promise((resolve, reject) => {
      child.stdout.once('data', resolve);
      child.once('exit', () => reject(new Error('holder exited')));
    });
    // Unreferenced, it no longer keeps the event loop alive; it still runs, and still counts.
    if (event.unref) { child.stdout.destroy(); child.unref(); }
    return { child: child.pid };
  };`;

linux('local Lambda service: the memory limit covers the processes a function starts', () => {
  let sandbox: Sandbox;
  let service: LambdaService;
  const lines: string[] = [];
  const children: number[] = [];

  beforeAll(() => {
    sandbox = createSandbox();
    const fns = [sandbox.fn('spawner', { 'index.js': SPAWNER }, { memorySizeMb: 256, timeoutSeconds: 10 })];
    service = createLambdaService({
      functions: fns,
      workDir: sandbox.workDir,
      log: (_fn, line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await service?.close();
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    sandbox?.remove();
  });

  it('answers while the function and a child it started stay under the memory size together', async () => {
    // Act
    const result = await service.invoke({ functionName: 'spawner', payload: { mb: 16 } });

    // Assess
    expect(result.functionError).toBeUndefined();
    const { child } = result.payload as { child: number };
    children.push(child);
    // Max Memory Used counts the child too: more than the function's own process alone.
    const report = lines.find((l) => l.startsWith(`REPORT RequestId: ${result.requestId}`));
    const usedMb = Number(/Max Memory Used: (\d+) MB/.exec(report ?? '')?.[1]);
    expect(usedMb).toBeGreaterThan(16);
    expect(usedMb * 1024).toBeGreaterThanOrEqual((readStatus(child)?.hwmKb ?? Number.POSITIVE_INFINITY) - 1024);
  });

  it.each([
    ['a child it waits for', false],
    ['an unreferenced child', true],
  ])(
    'kills the environment with Runtime.OutOfMemory when %s takes the tree past the memory size',
    async (_name, unref) => {
      // Prepare
      const pidFile = join(sandbox.root, `holder-${String(unref)}.pid`);

      // Act: the child alone holds 240 of the 256 MB; with Node.js itself in both processes, the tree is over.
      const result = await service.invoke({ functionName: 'spawner', payload: { mb: 240, unref, pidFile } });

      // Assess: no success after the tree went over the limit, and the child went with the environment.
      const holder = Number(readFileSync(pidFile, 'utf8'));
      children.push(holder);
      expect(result.payload).toEqual({
        errorType: LambdaErrorType.OutOfMemory,
        errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: signal: killed`,
      });
      expect(lines.some((l) => /Out of memory: the function's processes reached \d+ MB/.test(l))).toBe(true);
      await waitUntil(() => !isAlive(holder), 'the child of the killed environment to be gone');
    },
  );
});

/**
 * A Node.js process that starts one child of its own when told ('spawn', answered with the child's pid)
 * and kills it when told ('kill', answered once it has exited): a tree root whose descendants the test
 * controls. The jest worker itself is not one: it may hold children of earlier test files.
 */
const PARENT = `
  const { spawn } = require('node:child_process');
  let child;
  process.on('message', (m) => {
    if (m === 'spawn') {
      child = spawn(process.execPath, ['-e', "process.stdout.write('up'); setInterval(() => {}, 1000)"], { stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout.once('data', () => process.send(child.pid));
    } else if (m === 'kill') {
      child.once('exit', () => process.send('gone'));
      child.kill('SIGKILL');
    }
  });
  process.send('ready');`;

linux('MemoryLimit', () => {
  let child: ChildProcess | undefined;
  let parent: ChildProcess | undefined;

  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
    // With its child, which would outlive it (and the run) otherwise.
    if (parent?.pid !== undefined) killTree(parent.pid, 'SIGKILL');
    parent = undefined;
  });

  /** Starts {@link PARENT}; resolves once it listens. */
  async function startParent(): Promise<ChildProcess> {
    const started = spawn(process.execPath, ['-e', PARENT], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    await new Promise((resolve) => started.once('message', resolve));
    return started;
  }

  /** Sends `message` to `p` and resolves with its answer. */
  function ask(p: ChildProcess, message: string): Promise<unknown> {
    const answer = new Promise((resolve) => p.once('message', resolve));
    p.send(message);
    return answer;
  }

  /** A Node.js child, once it runs JavaScript (so its peak RSS is a whole Node.js process's). */
  function startChild(): Promise<ChildProcess> {
    const started = spawn(process.execPath, ['-e', "process.stdout.write('up'); setInterval(() => {}, 1000)"], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return new Promise((resolve) => started.stdout!.once('data', () => resolve(started)));
  }

  it('reads the process alone when it reports no children and the poll saw none', async () => {
    // Prepare: a root with no descendants
    child = await startChild();
    const root = child.pid!;
    const limit = new MemoryLimit(128);
    limit.poll(root);

    // Act
    const before = readStatus(root)!.hwmKb;
    const peak = limit.atResult(root, {});

    // Assess: the process's own peak (which only grows while the test runs).
    expect(peak).toBeGreaterThanOrEqual(before);
    expect(peak).toBeLessThanOrEqual(readStatus(root)!.hwmKb);
  });

  it('walks the tree when the process reports a running child, without waiting for a poll', async () => {
    // Prepare
    child = await startChild();
    const own = readStatus(process.pid)!.hwmKb;
    const limit = new MemoryLimit(128);

    // Act
    const alone = limit.atResult(process.pid, {});
    const withChild = limit.atResult(process.pid, { children: 1 });

    // Assess: the child's peak is added (a Node.js process holds well over 10 MB).
    const childPeak = readStatus(child.pid!)!.hwmKb;
    expect(childPeak).toBeGreaterThan(10 * 1024);
    expect(alone).toBeLessThan(own + childPeak);
    expect(withChild).toBeGreaterThanOrEqual(own + childPeak);
    expect(withChild).toBeLessThanOrEqual(treePeakKb(process.pid).peakKb);
  });

  it('keeps walking the tree after a poll found descendants the process did not report, until one finds none', async () => {
    // Prepare: a root whose one child it did not report
    parent = await startParent();
    const root = parent.pid!;
    await ask(parent, 'spawn');
    const limit = new MemoryLimit(128);
    const own = readStatus(root)!.hwmKb;

    // Act
    limit.poll(root);
    const seen = limit.atResult(root, {});
    await ask(parent, 'kill');
    limit.poll(root);
    const gone = limit.atResult(root, {});

    // Assess
    expect(seen).toBeGreaterThan(own + 10 * 1024);
    expect(gone).toBeGreaterThanOrEqual(own);
    expect(gone).toBeLessThanOrEqual(readStatus(root)!.hwmKb);
    expect(gone).toBeLessThan(seen);
  });

  it('is over the limit only past the memory size, not at it', () => {
    // Prepare
    const limit = new MemoryLimit(128);

    // Act / Assess
    expect(limit.isOver(128 * 1024)).toBe(false);
    expect(limit.isOver(128 * 1024 + 1)).toBe(true);
  });
});
