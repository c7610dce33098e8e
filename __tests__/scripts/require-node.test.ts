/**
 * Item: on an older Node.js every entry point stops at once with one line naming Node.js 22.13, and
 * `npm ci` fails with npm's engine error. The entry points run for real on the machine's old Node.js
 * (Debian's Node 20 at /usr/bin/node here) or, where there is none, on this Node.js told by a preload
 * that it is v20.20.0: either way the real scripts and files run, nothing is skipped.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const { MIN_MAJOR, MIN_MINOR, nodeProblem } = require('../../scripts/require-node.cjs') as {
  MIN_MAJOR: number;
  MIN_MINOR: number;
  nodeProblem(version: string): string | undefined;
};

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  engines: { node: string };
};

function majorOf(node: string): number {
  const out = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return out.status === 0 ? Number(out.stdout.split('.')[0]) : Infinity;
}

let work: string;
let env: NodeJS.ProcessEnv;
let mode: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'old-node-'));
  const bin = join(work, 'bin');
  require('node:fs').mkdirSync(bin);
  const old = ['/usr/bin/node', '/usr/local/bin/node'].find(
    (candidate) => existsSync(candidate) && majorOf(candidate) < MIN_MAJOR,
  );
  env = { ...process.env, PATH: [bin, join(ROOT, 'node_modules', '.bin'), process.env['PATH']].join(delimiter) };
  if (old) {
    symlinkSync(old, join(bin, 'node'));
    mode = `real ${old}`;
  } else {
    symlinkSync(process.execPath, join(bin, 'node'));
    const preload = join(work, 'pretend-node-20.cjs');
    writeFileSync(preload, "Object.defineProperty(process, 'version', { value: 'v20.20.0' });\n");
    env['NODE_OPTIONS'] = `--require ${preload}`;
    mode = 'pretended v20.20.0';
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, cwd = ROOT) {
  return spawnSync('sh', ['-c', command], { cwd, env, encoding: 'utf8', timeout: 30_000 });
}

function expectOneLineRefusal(result: ReturnType<typeof run>): void {
  expect({ status: result.status, stdout: result.stdout, lines: result.stderr.trim().split('\n').length }).toEqual({
    status: 1,
    stdout: '',
    lines: 1,
  });
  expect(result.stderr).toMatch(
    /^async-api needs Node\.js 22\.13 or newer, and this is Node\.js v20\.\d+\.\d+: run `nvm install`/,
  );
}

describe('the Node.js check', () => {
  it.each(['v22.12.0', 'v20.20.2', '20.0.0', 'v18.19.1', 'v0.12.18'])(
    'refuses Node.js %s in one line naming 22.13 (node:sqlite without a flag) and how to get it',
    (version) => {
      const problem = nodeProblem(version)!;

      expect(problem).toContain(`needs Node.js ${MIN_MAJOR}.${MIN_MINOR} or newer`);
      expect(problem).toMatch(/nvm install.*fnm.*volta.*README/);
      expect(problem).not.toContain('\n');
    },
  );

  it.each(['v22.13.0', 'v22.23.5', 'v23.0.0', 'v24.22.3', '25.1.0'])('accepts Node.js %s', (version) => {
    expect(nodeProblem(version)).toBeUndefined();
  });

  it('agrees with .nvmrc, package.json engines and .npmrc engine-strict', () => {
    expect(readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim()).toBe(String(MIN_MAJOR));
    expect(pkg.engines.node).toBe(`>=${MIN_MAJOR}.${MIN_MINOR}`);
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m);
  });
});

describe('on Node.js 20', () => {
  it.each(Object.keys(pkg.scripts).filter((name) => name !== 'typecheck'))(
    'npm run %s stops at once with one line',
    (name) => {
      const result = run(`${pkg.scripts[name]} --help`);

      expectOneLineRefusal(result);
    },
  );

  it.each([
    ['the CLI', 'node client/bin/async-api.cjs --version'],
    ['the app (cdktf.json)', 'node --import tsx main.ts'],
    ['the local runtime', 'tsx local/index.ts'],
    ['the bench', 'tsx bench/run.ts'],
    ['the load test', 'tsx __tests__/load/run.ts'],
    ['jest', 'jest --listTests'],
    ['the cdktf wrapper', 'node scripts/cdktf.cjs --version'],
  ])('%s started directly stops at once with one line', (_what, command) => {
    expectOneLineRefusal(run(command));
  });

  it("npm ci fails with npm's engine error", () => {
    const copy = join(work, 'clone');
    require('node:fs').mkdirSync(copy);
    for (const file of ['package.json', 'package-lock.json', '.npmrc'])
      copyFileSync(join(ROOT, file), join(copy, file));

    const result = run('npm ci --dry-run --no-audit --no-fund', copy);

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('EBADENGINE');
    expect(result.stderr).toContain(`Required: {"node":">=${MIN_MAJOR}.${MIN_MINOR}"}`);
    expect(mode).toBeTruthy();
  });
});
