/**
 * scripts/cdktf.cjs, the CLI behind `npm run plan`, `deploy` and `destroy`: cdktf-cli 0.21 where it can
 * start, the fork's cdktn-cli where it cannot, the checkpoint call off, and both CLIs writing exactly
 * what the app writes when run directly (`npm run synth`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CONFIG_VARIABLES } from '../../stacks/config';

const { chooseCli, cliEnv, cdktnCliProblem, NEWEST_CDKTF_CLI_MAJOR } = require('../../scripts/cdktf.cjs') as {
  chooseCli(version: string, forced?: string): 'cdktf' | 'cdktn';
  cliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  cdktnCliProblem(dir?: string): string | undefined;
  NEWEST_CDKTF_CLI_MAJOR: number;
};

const ROOT = join(__dirname, '..', '..');

describe('choosing the CLI', () => {
  it.each(['v22.0.0', 'v22.23.5'])('runs cdktf-cli 0.21 on Node.js %s', (version) => {
    expect(chooseCli(version)).toBe('cdktf');
  });

  it.each(['v23.0.0', 'v24.22.3', 'v25.2.1'])(
    'runs cdktn-cli on Node.js %s, where cdktf-cli cannot start',
    (version) => {
      expect(chooseCli(version)).toBe('cdktn');
    },
  );

  it('obeys CDKTF_CLI and names the accepted values when it is wrong', () => {
    expect(chooseCli('v22.1.0', 'cdktn')).toBe('cdktn');
    expect(chooseCli('v24.1.0', 'cdktf')).toBe('cdktf');
    expect(() => chooseCli('v22.1.0', 'terraform')).toThrow('CDKTF_CLI must be cdktf or cdktn, not "terraform"');
  });

  it('agrees with the native module builds cdktf-cli ships (Node.js 22 is ABI 127)', () => {
    // Every platform's folder (the package ships them all), so the test reads the same on any machine.
    const prebuilds = join(ROOT, 'node_modules', '@cdktf', 'node-pty-prebuilt-multiarch', 'prebuilds');
    const abis = readdirSync(prebuilds, { recursive: true, encoding: 'utf8' })
      .flatMap((path) => /node\.abi(\d+)(?:\.musl)?\.node$/.exec(path)?.[1] ?? [])
      .map(Number);

    expect(Math.max(...abis)).toBe(127);
    expect(NEWEST_CDKTF_CLI_MAJOR).toBe(22);
  });
});

describe('the checkpoint call', () => {
  it('is off unless the caller set CHECKPOINT_DISABLE', () => {
    expect(cliEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', CHECKPOINT_DISABLE: '1' });
    expect(cliEnv({ CHECKPOINT_DISABLE: '' })['CHECKPOINT_DISABLE']).toBe('');
  });

  it.each(['plan', 'deploy'])('npm run %s goes through the wrapper, not a bare cdktf', (script) => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;

    expect(scripts[script]).toMatch(/&& node scripts\/cdktf\.cjs (diff|deploy)$/);
  });
});

describe('before diff, deploy and destroy', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'async-api-preflight-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  /** `node scripts/cdktf.cjs <args>` with no AWS setting of the caller's: an empty home, no metadata service. */
  const wrapper = (args: string[], extra: Record<string, string> = {}) => {
    const env: Record<string, string> = { PATH: process.env['PATH']!, HOME: home, AWS_EC2_METADATA_DISABLED: 'true' };
    return spawnSync(process.execPath, [join(ROOT, 'scripts', 'cdktf.cjs'), ...args], {
      cwd: ROOT,
      env: { ...env, ...extra },
      encoding: 'utf8',
      timeout: 60_000,
    });
  };

  it.each(['diff', 'deploy', 'destroy'])('%s without TF_STATE_BUCKET says so once and starts no CLI', (command) => {
    const run = wrapper([command]);

    expect([run.status, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toBe(
      'Configuration error: TF_STATE_BUCKET is required: the S3 bucket that holds Terraform state: 3 to 63 characters of a-z, 0-9 and "-", not starting or ending with "-".\n',
    );
  });

  it('diff without AWS credentials says so in one line and starts no CLI', () => {
    const run = wrapper(['diff'], { TF_STATE_BUCKET: 'my-state-bucket' });

    expect([run.status, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toBe(
      'no AWS credentials for Terraform (Could not load credentials from any providers): set AWS_PROFILE (after `aws sso login` or `aws configure`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n',
    );
  });
});

describe('whether cdktn-cli is installed (tests check, never install)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdktn-installed-'));
    writeFileSync(
      join(dir, 'package-lock.json'),
      JSON.stringify({ packages: { 'node_modules/cdktn-cli': { version: '0.24.0' } } }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const install = (version: string, withBin = true) => {
    const pkg = join(dir, 'node_modules', 'cdktn-cli');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ version }));
    if (withBin) writeFileSync(join(pkg, 'bin', 'cdktn'), '');
  };

  it('says in one line that npm ci installs it, with the registry, when it is missing', () => {
    expect(cdktnCliProblem(dir)).toBe(
      `cdktn-cli 0.24.0 is not installed in ${dir} (found: none); \`npm ci\` installs it, which needs the npm registry`,
    );
  });

  it('refuses another version than the lock file pins, and a package without its bin', () => {
    install('0.23.0');
    expect(cdktnCliProblem(dir)).toContain('(found: 0.23.0)');
    install('0.24.0', false);
    rmSync(join(dir, 'node_modules', 'cdktn-cli', 'bin', 'cdktn'));
    expect(cdktnCliProblem(dir)).toContain('(found: 0.24.0)');
  });

  it('accepts the pinned version', () => {
    install('0.24.0');
    expect(cdktnCliProblem(dir)).toBeUndefined();
  });

  it('is installed by npm ci (the prepare script), not by the tests', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;

    expect(scripts['prepare']).toBe('node scripts/cdktf.cjs --install-cdktn-cli');
  });
});

describe('cdktf-cli and cdktn-cli', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'cdktf-clis-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // A synthesis with fixed settings: the developer's own STAGE or API_AUTH must not change the output.
  function synthEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, TF_STATE_BUCKET: 'cli-compare-unused', ...extra };
    for (const name of CONFIG_VARIABLES) if (name !== 'TF_STATE_BUCKET') delete env[name];
    delete env['CHECKPOINT_DISABLE'];
    return env;
  }

  function files(dir: string): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const walk = (path: string): void => {
      for (const entry of readdirSync(path)) {
        const full = join(path, entry);
        if (statSync(full).isDirectory()) walk(full);
        else out.set(relative(dir, full), readFileSync(full));
      }
    };
    walk(dir);
    return out;
  }

  interface Run {
    readonly status: number | null;
    readonly stderr: string;
  }

  /** Runs `node <args>` in the root without blocking the event loop (so jest's timeout can fire). */
  function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stderr });
      });
    });
  }

  const viaWrapper = (cli: 'cdktf' | 'cdktn') =>
    run(['scripts/cdktf.cjs', 'synth', '--output', join(work, cli)], synthEnv({ CDKTF_CLI: cli }));

  it('write the same cdktf.out as the app run directly, byte for byte', async () => {
    // `npm ci` installs cdktn-cli; a test never downloads it (the wrapper would, on first use).
    const missing = cdktnCliProblem();
    if (missing !== undefined) throw new Error(missing);
    const direct = join(work, 'direct');

    // The three syntheses write to folders of their own, so they run side by side.
    const [app, cdktn, cdktf] = await Promise.all([
      run(['--import', 'tsx', 'main.ts'], synthEnv({ CDKTF_OUTDIR: direct })),
      viaWrapper('cdktn'),
      viaWrapper('cdktf'),
    ]);

    expect(app.stderr).toBe('');
    const expected = files(direct);
    expect(cdktn.status).toBe(0);
    expect(files(join(work, 'cdktn'))).toEqual(expected);
    if (chooseCli(process.version) === 'cdktf') {
      expect(cdktf.status).toBe(0);
      expect(files(join(work, 'cdktf'))).toEqual(expected);
    } else {
      // The reason the fork's CLI is used at all: cdktf-cli 0.21 dies loading its native module.
      expect(cdktf.status).not.toBe(0);
      expect(cdktf.stderr).toMatch(/node-pty-prebuilt-multiarch/);
    }
    expect([...expected.keys()].filter((file) => file.endsWith('cdk.tf.json')).sort()).toEqual([
      'stacks/async-api-dev/cdk.tf.json',
      'stacks/state-bucket/cdk.tf.json',
    ]);
  }, 400_000);
});
