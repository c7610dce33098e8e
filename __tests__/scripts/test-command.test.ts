/**
 * scripts/test.cjs, behind `npm test`: jest and both tsc passes run side by side, and the run fails
 * when either does.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { jestArgs, jestEnv, TYPE_CHECKS } = require('../../scripts/test.cjs') as {
  jestArgs(args: readonly string[], cores: number, memoryBytes?: number): string[];
  jestEnv(args: readonly string[], env: Record<string, string | undefined>): Record<string, string | undefined>;
  TYPE_CHECKS: readonly (readonly string[])[];
};

const ROOT = join(__dirname, '..', '..');

describe('the arguments jest gets', () => {
  const GB = 1024 ** 3;

  it('gives the whole suite two workers beyond the cores, and a run of some files one per core', () => {
    expect(jestArgs([], 2, 24 * GB)).toEqual(['--maxWorkers=4', '--workerIdleMemoryLimit=1GB']);
    expect(jestArgs(['--json', '--outputFile=/tmp/x.json'], 2, 24 * GB)[0]).toBe('--maxWorkers=4');
    expect(jestArgs(['__tests__/stacks', '--watchman'], 4, 24 * GB)).toEqual([
      '--maxWorkers=4',
      '--workerIdleMemoryLimit=1GB',
      '__tests__/stacks',
      '--watchman',
    ]);
    // A flag's separate value counts as a file pattern: the cautious side, one worker per core.
    expect(jestArgs(['-t', 'webhook'], 2, 24 * GB)[0]).toBe('--maxWorkers=2');
  });

  it.each([
    [4, 4],
    [7.49, 4],
    [7.5, 5],
    [8.99, 5],
    [9, 6],
    [64, 6],
  ])('budgets 1.5 GB a worker: %d GB on 4 cores gives %d workers (never fewer than the cores)', (gb, workers) => {
    expect(jestArgs([], 4, gb * GB)[0]).toBe(`--maxWorkers=${workers}`);
  });

  it.each([
    [['--workerIdleMemoryLimit=100MB'], 4],
    [['--workerIdleMemoryLimit', '0.5'], 2],
  ])("keeps the caller's worker memory limit (%j)", (args, workers) => {
    expect(jestArgs(args, 2, 24 * GB)).toEqual([`--maxWorkers=${workers}`, ...args]);
  });

  it.each([
    ['-i'],
    ['--runInBand'],
    ['-w=1'],
    ['--maxWorkers=50%'],
    ['--maxWorkers', '3'],
    ['--watch'],
    ['--watchAll'],
  ])("keeps the caller's choice (%s)", (...args) => {
    expect(jestArgs(args, 2)).toEqual(['--workerIdleMemoryLimit=1GB', ...args]);
  });

  it("has workers collect from 768 MB with the whole run's 1 GB limit, and leaves a caller's limit to jest.config.js's", () => {
    expect(jestEnv(['__tests__/stacks'], { PATH: '/bin' })).toEqual({
      PATH: '/bin',
      ASYNC_API_JEST_COLLECT_AT_MB: '768',
    });
    expect(jestEnv(['__tests__/stacks', '--workerIdleMemoryLimit=200MB'], { PATH: '/bin' })).toEqual({ PATH: '/bin' });
  });

  it("keeps V8's optimizing compilers for the whole suite's workers only (scripts/jest-workers.cjs)", () => {
    expect(jestEnv([], {})).toMatchObject({ ASYNC_API_JEST_OPTIMIZE: '1' });
    expect(jestEnv(['--ci', '--silent'], {})).toMatchObject({ ASYNC_API_JEST_OPTIMIZE: '1' });
    expect(jestEnv(['__tests__/stacks'], {})).not.toHaveProperty('ASYNC_API_JEST_OPTIMIZE');
    expect(jestEnv(['--ci', 'naming'], {})).not.toHaveProperty('ASYNC_API_JEST_OPTIMIZE');
  });

  it('is what npm test runs, and it checks every tsconfig of the project', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

    expect(pkg.scripts['test']).toMatch(/&& node scripts\/test\.cjs$/);
    expect(TYPE_CHECKS).toEqual([['--noEmit'], ['--noEmit', '-p', 'local/dashboard/ui']]);
  });
});

describe('a run', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'test-command-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  // A project of one passing test and two tsconfigs, the second with a type error; the real tools.
  function project(): string {
    mkdirSync(join(work, 'scripts'));
    mkdirSync(join(work, 'local', 'dashboard', 'ui'), { recursive: true });
    for (const file of ['test.cjs', 'require-node.cjs', 'jest-workers.cjs'])
      cpSync(join(ROOT, 'scripts', file), join(work, 'scripts', file));
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    writeFileSync(join(work, 'a.ts'), 'export const n: number = 1;\n');
    writeFileSync(join(work, 'local', 'dashboard', 'ui', 'b.ts'), 'export const n: number = "text";\n');
    const options = { strict: true, noEmit: true, types: [] };
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, include: ['a.ts'] }));
    writeFileSync(
      join(work, 'local', 'dashboard', 'ui', 'tsconfig.json'),
      JSON.stringify({ compilerOptions: options }),
    );
    writeFileSync(join(work, 'jest.config.js'), 'module.exports = { testMatch: ["**/*.test.js"] };\n');
    writeFileSync(join(work, 'one.test.js'), 'test("passes", () => expect(1).toBe(1));\n');
    return work;
  }

  const run = (dir: string) =>
    spawnSync(process.execPath, ['scripts/test.cjs', '--ci', '-i'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });

  // One run (each costs about 4 s of CPU): the root pass is clean and the second fails, so both ran;
  // a clean run is every `npm test` that exits 0.
  it('fails on a type error in the second tsconfig although the tests pass, naming the pass', () => {
    const result = run(project());

    expect(result.stderr).toContain('1 passed');
    expect(result.stderr).toContain('Type check failed (tsc --noEmit -p local/dashboard/ui):');
    expect(result.stdout + result.stderr).toContain('TS2322');
    expect(result.status).not.toBe(0);
  }, 70_000);
});
