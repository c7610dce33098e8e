/**
 * Tests own their temporary files: the synth cache is keyed by checkout and by the sources' content,
 * outdated entries go, and a jest run leaves nothing in the temp folder (cdktf's `Testing` output
 * included).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizedStacks } from '../app-synth';
import { SCAN_ENV } from '../security/fixtures';
import { IN_PROGRESS, pruneSynthCache, sourcesDigest, synthCacheDir, synthCacheRoot } from '../synth-cache';
import { RUN_PREFIX, removeOrphanRunFolders } from '../temp-folder';

const ROOT = join(__dirname, '..', '..');
const SETTINGS = { API_AUTH: 'NONE' };

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'temp-files-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

// A checkout with the files the synthesis reads (a small stand-in for the real sources).
function checkout(name: string): string {
  const root = join(work, name);
  mkdirSync(join(root, 'lambda-src', 'ramen-timer'), { recursive: true });
  mkdirSync(join(root, 'stacks'));
  writeFileSync(join(root, 'main.ts'), 'app.synth();\n');
  writeFileSync(join(root, 'stacks', 'app.ts'), 'export {};\n');
  writeFileSync(join(root, 'lambda-src', 'ramen-timer', 'handler.ts'), 'export const seconds = 1;\n');
  return root;
}

describe('the synth cache', () => {
  it('gives two checkouts with the same settings different folders', () => {
    const first = checkout('first');
    const second = checkout('second');

    expect(synthCacheDir(first, SETTINGS)).not.toBe(synthCacheDir(second, SETTINGS));
    expect(synthCacheDir(first, SETTINGS).startsWith(synthCacheRoot(first))).toBe(true);
  });

  it('follows the content of the sources, not their times', () => {
    const root = checkout('one');
    const before = synthCacheDir(root, SETTINGS);
    const handler = join(root, 'lambda-src', 'ramen-timer', 'handler.ts');

    utimesSync(handler, new Date(), new Date(Date.now() + 60_000));
    expect(synthCacheDir(root, SETTINGS)).toBe(before);

    writeFileSync(handler, 'export const seconds = 2;\n');
    expect(synthCacheDir(root, SETTINGS)).not.toBe(before);
    expect(synthCacheDir(root, { API_AUTH: 'AWS_IAM' })).not.toBe(synthCacheDir(root, SETTINGS));
  });

  it('removes folders of other sources, and half-written ones only once they are old', () => {
    const root = checkout('one');
    const digest = sourcesDigest(root);
    const current = synthCacheDir(root, SETTINGS, digest);
    const outdated = synthCacheDir(root, SETTINGS, 'f'.repeat(16));
    const halfWritten = `${current}${IN_PROGRESS}abc123`;
    for (const dir of [current, outdated, halfWritten]) mkdirSync(dir, { recursive: true });
    const name = (dir: string) => dir.split('/').pop();

    expect(pruneSynthCache(root, digest)).toEqual([name(outdated)]);
    expect(pruneSynthCache(root, digest, { inProgressOlderThanMs: 60_000 })).toEqual([]);
    expect(pruneSynthCache(root, digest, { inProgressOlderThanMs: 60_000, now: Date.now() + 120_000 })).toEqual([
      name(halfWritten),
    ]);
    expect(readdirSync(synthCacheRoot(root))).toEqual([name(current)]);
  });
});

describe("the run's synthesized apps", () => {
  it('are synthesized once per settings, then read from the folder of the run', () => {
    // Act
    const dev = synthesizedStacks(SCAN_ENV, work);
    const [file, ...others] = readdirSync(join(work, 'synthesized-apps'));
    const qa = synthesizedStacks({ ...SCAN_ENV, STAGE: 'qa' }, work);
    // A stand-in written over the kept stacks shows the next call reads them instead of synthesizing.
    writeFileSync(join(work, 'synthesized-apps', file!), JSON.stringify([{ id: 'kept', json: {} }]));
    const again = synthesizedStacks(SCAN_ENV, work);

    // Assess
    expect(others).toEqual([]);
    expect(dev.map((s) => s.id)).toEqual(expect.arrayContaining(['async-api-dev', 'state-bucket', 'ci-access']));
    expect(qa.map((s) => s.id)).toContain('async-api-qa');
    expect(readdirSync(join(work, 'synthesized-apps'))).toHaveLength(2);
    expect(again).toEqual([{ id: 'kept', json: {} }]);
    expect(JSON.parse(readFileSync(join(work, 'synthesized-apps', file!), 'utf8'))).toEqual(again);
  });
});

describe('per-run temp folders', () => {
  it('removes the folders of jest runs that are gone, and nothing else', () => {
    for (const name of [`${RUN_PREFIX}111-aaa`, `${RUN_PREFIX}222-bbb`, 'unrelated-333-ccc'])
      mkdirSync(join(work, name));

    const removed = removeOrphanRunFolders(work, (pid) => pid === 222);

    expect(removed).toEqual([`${RUN_PREFIX}111-aaa`]);
    expect(readdirSync(work).sort()).toEqual([`${RUN_PREFIX}222-bbb`, 'unrelated-333-ccc']);
  });

  it('a jest run leaves the temp folder as it found it', async () => {
    // Prepare: an empty temp folder, and test files that write there and never clean up
    // (cdktf's Testing output, mkdtemp folders).
    const temp = join(work, 'tmp');
    mkdirSync(temp);
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp, TMP: temp, TEMP: temp };
    delete env['ASYNC_API_JEST_TEMP_STATE'];

    const exit = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
          '--ci',
          '--runTestsByPath',
          '__tests__/stacks/state-bucket-stack.test.ts',
          '__tests__/ci/run-plans.test.ts',
        ],
        { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => resolve({ code, output }));
    });

    expect(exit.output).toMatch(/jest: \d+ passed, 0 failed/);
    expect(exit.code).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
  }, 120_000);
});
