import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { renderComment } from '../../scripts/plan/render-comment';
import {
  type CommandResult,
  ManifestError,
  planStacks,
  type RunCommand,
  readManifest,
  type SynthesizedStack,
} from '../../scripts/plan/run-plans';
import { CiAccessStack } from '../../stacks/ci-access-stack';
import { parseConfig } from '../../stacks/config';
import { StateBucketStack } from '../../stacks/state-bucket-stack';
import { fixture, fixturePath } from './fixtures';

const ROOT = join(__dirname, '..', '..');

/** A Terraform stand-in: answers from `answers` by subcommand, records every call. */
function fakeTerraform(answers: Partial<Record<'init' | 'validate' | 'plan' | 'show-json' | 'show', CommandResult>>) {
  const calls: { args: readonly string[]; cwd: string }[] = [];
  const ok: CommandResult = { status: 0, stdout: '', stderr: '' };
  const run: RunCommand = (args, cwd) => {
    calls.push({ args, cwd });
    const key =
      args[0] === 'show' ? (args.includes('-json') ? 'show-json' : 'show') : (args[0] as 'init' | 'validate' | 'plan');
    return answers[key] ?? ok;
  };
  return { run, calls };
}

const remote: SynthesizedStack = {
  name: 'async-api-dev',
  workingDirectory: '/out/stacks/async-api-dev',
  backend: 's3',
};

describe('readManifest', () => {
  it('lists the synthesized stacks and tells remote state from local state', () => {
    // Prepare: a real synthesis of the two stacks that need no bundling.
    const app = Testing.app();
    const config = parseConfig({ TF_STATE_BUCKET: 'test-state', GITHUB_REPOSITORY: 'octo-org/async-api' });
    new StateBucketStack(app, 'state-bucket', { bucketName: config.state.bucket, region: config.state.region });
    new CiAccessStack(app, 'ci-access', { config, ciAccess: config.ciAccess! });
    app.synth();

    // Act
    const stacks = readManifest(app.outdir);

    // Assess
    const byName = Object.fromEntries(stacks.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['ci-access', 'state-bucket']);
    expect(byName['ci-access']!.backend).toBe('s3');
    expect(byName['state-bucket']!.backend).toBeUndefined();
    expect(existsSync(join(byName['ci-access']!.workingDirectory, 'cdk.tf.json'))).toBe(true);
  });

  it('says to run the synth when there is no manifest', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-synth-'));

    expect(() => readManifest(empty)).toThrow(ManifestError);
    expect(() => readManifest(empty)).toThrow(/manifest\.json does not exist: `npm run synth` did not run or failed/);
  });
});

describe('planStacks', () => {
  it('inits, validates, plans without taking the state lock into a plan file, and reads it back as JSON and text', () => {
    // Prepare
    const tf = fakeTerraform({
      'show-json': { status: 0, stdout: fixture('async-api-dev.plan.json'), stderr: '' },
      show: { status: 0, stdout: fixture('async-api-dev.plan.txt'), stderr: '' },
    });

    // Act
    const [result] = planStacks([remote], tf.run);

    // Assess
    expect(tf.calls.map((c) => c.args.join(' '))).toEqual([
      'init -input=false -no-color',
      'validate -no-color',
      'plan -input=false -no-color -lock=false -out=tfplan',
      'show -json tfplan',
      'show -no-color tfplan',
    ]);
    expect(tf.calls.every((c) => c.cwd === remote.workingDirectory)).toBe(true);
    expect(result).toMatchObject({
      stack: 'async-api-dev',
      status: 'planned',
      summary: { add: 3, change: 2, destroy: 3 },
    });
  });

  it('validates a stack with local state without its backend, and does not plan it', () => {
    const tf = fakeTerraform({});

    const results = planStacks(
      [{ name: 'state-bucket', workingDirectory: '/out/stacks/state-bucket', backend: undefined }],
      tf.run,
    );

    expect(results).toEqual([
      {
        stack: 'state-bucket',
        status: 'skipped',
        reason: 'local state: a bootstrap stack, applied by hand; validated',
      },
    ]);
    expect(tf.calls.map((c) => c.args.join(' '))).toEqual([
      'init -input=false -no-color -backend=false',
      'validate -no-color',
    ]);
  });

  it.each([
    ['async-api-dev', 's3' as const],
    ['state-bucket', undefined],
  ])('reports a failed terraform validate of %s with its error, and plans nothing for it', (name, backend) => {
    const tf = fakeTerraform({
      validate: { status: 1, stdout: '', stderr: 'Error: Unsupported argument "use_lockfile"' },
    });

    const [result] = planStacks([{ name, workingDirectory: `/out/stacks/${name}`, backend }], tf.run);

    expect(result).toEqual({
      stack: name,
      status: 'failed',
      step: 'terraform validate',
      exitCode: 1,
      errorText: 'Error: Unsupported argument "use_lockfile"',
    });
    expect(tf.calls.some((c) => c.args[0] === 'plan')).toBe(false);
    // The pull request comment says so.
    expect(renderComment([result!], {})).toMatch(/terraform validate[\s\S]*Unsupported argument "use_lockfile"/);
  });

  it('reports the step that failed with its error output and stops there', () => {
    const tf = fakeTerraform({
      init: { status: 1, stdout: 'Initializing the backend...', stderr: 'Error: No valid credential sources found' },
    });

    const [result] = planStacks([remote], tf.run);

    expect(result).toEqual({
      stack: 'async-api-dev',
      status: 'failed',
      step: 'terraform init',
      exitCode: 1,
      errorText: 'Error: No valid credential sources found',
    });
    expect(tf.calls).toHaveLength(1);
  });

  it('reports a plan JSON it cannot read as a failure, not as an empty plan', () => {
    const tf = fakeTerraform({ 'show-json': { status: 0, stdout: '{"resource_changes": "oops"}', stderr: '' } });

    const [result] = planStacks([remote], tf.run);

    expect(result).toMatchObject({
      status: 'failed',
      step: 'reading the plan JSON',
      errorText: 'resource_changes is not an array',
    });
  });

  it('keeps planning the other stacks after one fails', () => {
    const other: SynthesizedStack = { name: 'ci-access', workingDirectory: '/out/stacks/ci-access', backend: 's3' };
    const run: RunCommand = (args, cwd) => {
      if (cwd === remote.workingDirectory && args[0] === 'plan')
        return { status: 1, stdout: '', stderr: 'Error acquiring the state lock' };
      if (args.includes('-json')) return { status: 0, stdout: fixture('ci-access.plan.json'), stderr: '' };
      return { status: 0, stdout: '', stderr: '' };
    };

    const results = planStacks([remote, other], run);

    expect(results.map((r) => r.status)).toEqual(['failed', 'planned']);
  });
});

describe('npm run plan:comment', () => {
  /** Runs the CLI with a Terraform stand-in script that answers from the fixtures. */
  function runCli(outDir: string, comment: string, extra: string[] = []) {
    const bin = mkdtempSync(join(tmpdir(), 'fake-terraform-'));
    const terraform = join(bin, 'terraform');
    // Fails `plan` for async-api-dev; answers everything else from the fixtures of the stack's directory.
    writeFileSync(
      terraform,
      [
        '#!/usr/bin/env bash',
        'stack=$(basename "$PWD")',
        'case "$1" in',
        '  version) echo \'{"terraform_version":"1.12.2"}\' ;;',
        '  init) echo "Terraform has been successfully initialized!" ;;',
        '  plan) if [ "$stack" = async-api-dev ]; then cat "$FIXTURES/plan-access-denied.stderr.txt" >&2; exit 1; fi ;;',
        '  show) if [ "$2" = -json ]; then cat "$FIXTURES/$stack.plan.json"; else cat "$FIXTURES/$stack.plan.txt"; fi ;;',
        'esac',
      ].join('\n'),
    );
    chmodSync(terraform, 0o755);
    return spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/plan-comment.ts',
        '--out-dir',
        outDir,
        '--comment',
        comment,
        '--terraform',
        terraform,
        ...extra,
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FIXTURES: fixturePath('.') } },
    );
  }

  /** A cdktf.out with a remote-state stack of each fixture name and one local-state stack. */
  function synthesizedOut(): string {
    const out = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
    const stacks: Record<string, object> = {};
    for (const [name, backend] of [
      ['async-api-dev', { s3: {} }],
      ['ci-access', { s3: {} }],
      ['state-bucket', undefined],
    ] as const) {
      const dir = join(out, 'stacks', name);
      spawnSync('mkdir', ['-p', dir]);
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(backend ? { terraform: { backend } } : {}));
      stacks[name] = { workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
    }
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks }));
    return out;
  }

  it('writes the comment even when a plan fails, and exits 1', () => {
    // Prepare
    const comment = join(mkdtempSync(join(tmpdir(), 'comment-')), 'nested', 'comment.md');

    // Act
    const cli = runCli(synthesizedOut(), comment, [
      '--commit',
      'abcdef1234567',
      '--run-url',
      'https://example.test/run/1',
    ]);

    // Assess
    expect(cli.status).toBe(1);
    const body = readFileSync(comment, 'utf8');
    expect(body).toContain('- ❌ **async-api-dev**: plan failed at `terraform plan` (exit code 1)');
    expect(body).toContain('lambda:GetFunction');
    expect(body).toContain('- ✅ **ci-access**: no changes');
    expect(body).toContain('- ⏭️ **state-bucket**: not planned');
    expect(body).toContain('Commit `abcdef1` · Terraform 1.12.2 · [workflow run](https://example.test/run/1)');
    expect(cli.stderr).toContain('is not authorized to perform');
  });

  it('writes a comment saying nothing was planned when the synth output is missing', () => {
    const comment = join(mkdtempSync(join(tmpdir(), 'comment-')), 'comment.md');

    const cli = runCli(mkdtempSync(join(tmpdir(), 'no-synth-')), comment);

    expect(cli.status).toBe(1);
    expect(readFileSync(comment, 'utf8')).toContain('❌ **No stack was planned.**');
  });

  it('refuses to run without --comment', () => {
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/plan-comment.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain('--comment is required');
  });
});
