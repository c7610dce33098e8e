import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parse } from 'yaml';
import { buildApp, stackIds } from '../../stacks/app';
import { parseConfig } from '../../stacks/config';
import { fixturePath } from './fixtures';

const ROOT = join(__dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const VALIDATOR = join(ROOT, 'node_modules', '.bin', 'action-validator');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  environment?: { name: string } | string;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(join(WORKFLOWS, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;

/** Every string in a parsed YAML document. */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node !== null && typeof node === 'object') return Object.values(node).flatMap(strings);
  return [];
}

/** `npm ci`, `npm test` and `npm run <script>` commands in the workflows' `run` steps. */
function npmCommands(): { command: string; script: string; file: string }[] {
  return files.flatMap((file) =>
    Object.values(workflow(file).jobs)
      .flatMap((job) => job.steps)
      .flatMap((step) => [...(step.run ?? '').matchAll(/\bnpm (ci|test|run ([\w:-]+))\b/g)])
      .map((m) => ({ command: `npm ${m[1]!}`, script: m[2] ?? m[1]!, file })),
  );
}

/** Every variable `parseConfig` reads, found by handing it an environment that records lookups. */
function configVariables(): string[] {
  const seen = new Set<string>();
  // JWT mode makes it read the JWT settings too.
  const env = new Proxy({ API_AUTH: 'JWT' } as Record<string, string | undefined>, {
    get(target, key: string) {
      seen.add(key);
      return target[key];
    },
  });
  try {
    parseConfig(env);
  } catch {
    // Missing TF_STATE_BUCKET and JWT settings: only the lookups matter here.
  }
  return [...seen];
}

/**
 * App settings whose repository variable has another name: the name of the `ci-access` output it
 * holds, like AWS_PLAN_ROLE_ARN and AWS_DEPLOY_ROLE_ARN. Every other setting has a variable of its own name.
 */
const VARIABLE_OF_SETTING: Readonly<Record<string, string>> = {
  ROLE_PERMISSIONS_BOUNDARY_ARN: 'APP_PERMISSIONS_BOUNDARY_ARN',
};

/** Runs a step's `run` script with bash, as the runner does, with only `env` set. */
function runStep(step: Step, env: Record<string, string>) {
  const output = join(mkdtempSync(join(tmpdir(), 'gh-output-')), 'output');
  const result = spawnSync('bash', ['-e', '-c', step.run!], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env },
  });
  return { ...result, output: existsSync(output) ? readFileSync(output, 'utf8') : '' };
}

describe('workflow files', () => {
  it('include ci, plan and deploy', () => {
    expect(files.sort()).toEqual(['ci.yml', 'deploy.yml', 'plan.yml']);
  });

  it.each(files)('%s passes the workflow schema validator', (file) => {
    const result = spawnSync(VALIDATOR, [join(WORKFLOWS, file)], { encoding: 'utf8' });

    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: '' });
  });

  it('the validator rejects a broken workflow, so the check above can fail', () => {
    const result = spawnSync(VALIDATOR, [fixturePath('broken-workflow.yml')], { encoding: 'utf8' });

    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain("Additional property 'stepz' is not allowed");
  });

  it.each(files)('%s closes every ${{ expression', (file) => {
    const unbalanced = strings(workflow(file)).filter(
      (s) => (s.match(/\$\{\{/g) ?? []).length !== (s.match(/\}\}/g) ?? []).length,
    );

    expect(unbalanced).toEqual([]);
  });

  it.each(files)('%s pins every action to a full commit SHA with its version in a comment', (file) => {
    const uses = text(file)
      .split('\n')
      .filter((line) => /^\s*(- )?uses:/.test(line));
    const unpinned = uses.filter(
      (line) => !/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(line.trim().replace(/^- /, '')),
    );

    expect(uses.length).toBeGreaterThan(0);
    expect(unpinned).toEqual([]);
  });
});

describe('npm commands in the workflows', () => {
  const commands = npmCommands();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

  it('are scripts package.json defines', () => {
    const undefinedScripts = commands.filter((c) => c.script !== 'ci' && !(c.script in pkg.scripts));

    expect(commands.map((c) => c.command)).toEqual(
      expect.arrayContaining(['npm ci', 'npm test', 'npm run synth', 'npm run plan:comment', 'npm run deploy']),
    );
    expect(undefinedScripts).toEqual([]);
  });

  it('are the commands the README documents', () => {
    const readmePath = join(ROOT, 'README.md');
    const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';

    const undocumented = [...new Set(commands.map((c) => c.command))].filter((command) => !readme.includes(command));

    expect({ readme: existsSync(readmePath) ? 'README.md' : 'missing', undocumented }).toEqual({
      readme: 'README.md',
      undocumented: [],
    });
  });

  it('in ci.yml are the commands of .ci/run', () => {
    const local = readFileSync(join(ROOT, '.ci', 'run'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('npm '));
    const ci = workflow('ci.yml')
      .jobs.test!.steps.filter((s) => s.run)
      .map((s) => s.run!.trim());

    expect(ci).toEqual(local);
  });
});

describe('plan.yml and deploy.yml', () => {
  const plan = workflow('plan.yml');
  const deploy = workflow('deploy.yml');
  const planJob = plan.jobs.plan!;
  const deployJob = deploy.jobs.deploy!;

  it.each([
    ['plan.yml', planJob],
    ['deploy.yml', deployJob],
  ])('%s passes every setting of the app from its repository variable', (_file, job) => {
    // GitHub Actions sets GITHUB_REPOSITORY itself; a workflow may not override it. CI never tears
    // down: STATE_BUCKET_ALLOW_DESTROY is for `npm run destroy -- --state-bucket` on a workstation only.
    const expected = configVariables().filter(
      (name) => name !== 'GITHUB_REPOSITORY' && name !== 'STATE_BUCKET_ALLOW_DESTROY',
    );

    const wrong = expected.filter((name) => job.env?.[name] !== `\${{ vars.${VARIABLE_OF_SETTING[name] ?? name} }}`);

    expect(expected.length).toBeGreaterThan(10);
    expect(expected).toEqual(expect.arrayContaining(Object.keys(VARIABLE_OF_SETTING)));
    expect(wrong).toEqual([]);
    expect(job.env).not.toHaveProperty('GITHUB_REPOSITORY');
    expect(job.env).not.toHaveProperty('STATE_BUCKET_ALLOW_DESTROY');
  });

  it.each([
    ['plan.yml', planJob, ['AWS_REGION', 'TF_STATE_BUCKET', 'AWS_PLAN_ROLE_ARN']],
    ['deploy.yml', deployJob, ['AWS_REGION', 'TF_STATE_BUCKET', 'AWS_DEPLOY_ROLE_ARN', 'APP_PERMISSIONS_BOUNDARY_ARN']],
  ])('%s fails at its first step naming each missing repository variable', (_file, job, required) => {
    // Prepare
    const first = job.steps[0]!;
    const all = Object.fromEntries(required.map((name) => [name, 'set']));

    // Act
    const complete = runStep(first, all);
    const missingOne = required.map((name) => ({ name, result: runStep(first, { ...all, [name]: '' }) }));

    // Assess
    expect(first.run).toBeDefined();
    expect(complete.status).toBe(0);
    for (const { name, result } of missingOne) {
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(
        `::error title=Missing repository variable::The repository variable ${name} is not set`,
      );
    }
    for (const name of required) expect(job.env?.[name]).toBe(`\${{ vars.${name} }}`);
  });

  it('plan.yml plans without the boundary variable but warns that deploy.yml needs it', () => {
    // Prepare
    const required = {
      AWS_REGION: 'eu-west-1',
      TF_STATE_BUCKET: 'state',
      AWS_PLAN_ROLE_ARN: 'arn:aws:iam::123456789012:role/plan',
    };
    const warning =
      '::warning title=Missing repository variable::The repository variable APP_PERMISSIONS_BOUNDARY_ARN is not set';

    // Act
    const without = runStep(planJob.steps[0]!, required);
    const withIt = runStep(planJob.steps[0]!, {
      ...required,
      APP_PERMISSIONS_BOUNDARY_ARN: 'arn:aws:iam::123456789012:policy/b',
    });

    // Assess
    expect({ status: without.status, warned: without.stdout.includes(warning) }).toEqual({ status: 0, warned: true });
    expect({ status: withIt.status, warned: withIt.stdout.includes('::warning') }).toEqual({
      status: 0,
      warned: false,
    });
    expect(planJob.env?.APP_PERMISSIONS_BOUNDARY_ARN).toBe('${{ vars.APP_PERMISSIONS_BOUNDARY_ARN }}');
  });

  it('plan.yml hands the missing variables to its fallback comment', () => {
    const result = runStep(planJob.steps[0]!, { AWS_REGION: 'eu-west-1', TF_STATE_BUCKET: '', AWS_PLAN_ROLE_ARN: '' });

    expect(result.output).toBe('missing=TF_STATE_BUCKET AWS_PLAN_ROLE_ARN\n');
    const fallback = planJob.steps.find((s) => s.if?.includes('failure()'))!;
    expect(String(fallback.with?.message)).toContain('steps.vars.outputs.missing');
    expect(planJob.steps[0]!.id).toBe('vars');
  });

  it.each([
    ['plan.yml', planJob, 'AWS_PLAN_ROLE_ARN'],
    ['deploy.yml', deployJob, 'AWS_DEPLOY_ROLE_ARN'],
  ])('%s gets AWS credentials through OIDC only after installing dependencies', (_file, job, roleVariable) => {
    const credentials = job.steps.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const install = job.steps.findIndex((s) => s.run?.startsWith('npm ci'));

    expect(job.steps[credentials]!.with).toMatchObject({
      'role-to-assume': `\${{ vars.${roleVariable} }}`,
      'aws-region': '${{ vars.AWS_REGION }}',
    });
    expect(job.steps[credentials]!.with).not.toHaveProperty('aws-access-key-id');
    expect(job.permissions).toMatchObject({ 'id-token': 'write', contents: 'read' });
    expect(install).toBeGreaterThan(0);
    expect(credentials).toBeGreaterThan(install);
  });

  it('grant nothing by default and id-token only to the plan and deploy jobs', () => {
    const withIdToken = files.flatMap((file) =>
      Object.entries(workflow(file).jobs)
        .filter(([, job]) => job.permissions?.['id-token'] === 'write')
        .map(([id]) => `${file}:${id}`),
    );

    expect(withIdToken.sort()).toEqual(['deploy.yml:deploy', 'plan.yml:plan']);
    expect(plan.permissions).toEqual({});
    expect(deploy.permissions).toEqual({});
    expect(workflow('ci.yml').permissions).toEqual({ contents: 'read' });
  });

  it('install the same Terraform, with S3-native locking (1.11 or later)', () => {
    const versions = [planJob, deployJob].map((job) =>
      String(job.steps.find((s) => s.uses?.startsWith('hashicorp/setup-terraform@'))!.with!.terraform_version),
    );
    const [major, minor] = versions[0]!.split('.').map(Number) as [number, number];

    expect(versions[0]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(versions[1]).toBe(versions[0]);
    expect(major > 1 || minor >= 11).toBe(true);
  });
});

describe('plan.yml', () => {
  const plan = workflow('plan.yml');

  it('plans only pull requests from this repository, and tells forks why they get no plan', () => {
    const forkNotice = plan.jobs['fork-notice']!;

    expect(plan.jobs.plan!.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(plan.jobs.plan!.if).toContain("github.event_name == 'pull_request'");
    expect(forkNotice.if).toContain("github.event_name == 'pull_request_target'");
    expect(forkNotice.if).toContain('github.event.pull_request.head.repo.full_name != github.repository');
    expect(String(forkNotice.steps[0]!.with?.message)).toContain('Plan skipped: this pull request comes from a fork');
  });

  it('never runs code of the pull request with the pull_request_target token', () => {
    const forkNotice = plan.jobs['fork-notice']!;

    expect(
      forkNotice.steps.every(
        (s) => s.run === undefined && s.uses?.startsWith('marocchino/sticky-pull-request-comment@'),
      ),
    ).toBe(true);
    expect(forkNotice.permissions).toEqual({ 'pull-requests': 'write' });
  });

  it('updates one comment per pull request, also when planning failed', () => {
    const comments = plan.jobs.plan!.steps.filter((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment@'));
    const planStep = plan.jobs.plan!.steps.find((s) => s.run?.includes('npm run plan:comment'))!;

    expect(new Set([...comments, ...plan.jobs['fork-notice']!.steps].map((s) => s.with?.header))).toEqual(
      new Set(['async-api-plan']),
    );
    expect(comments.every((s) => s.if?.includes('!cancelled()') || s.if?.includes('failure()'))).toBe(true);
    expect(planStep.if).toContain('!cancelled()');
    expect(planStep.run).toContain('--comment .build/plan/comment.md');
    expect(comments.find((s) => s.with?.path)!.with!.path).toBe('.build/plan/comment.md');
  });

  it('does not let two pushes of a pull request plan at the same time', () => {
    expect(plan.concurrency).toEqual({
      group: expect.stringContaining('github.event.pull_request.number'),
      'cancel-in-progress': false,
    });
  });
});

describe('deploy.yml', () => {
  const deploy = workflow('deploy.yml');
  const job = deploy.jobs.deploy!;

  it('runs only once CI has passed on a push to main, on the commit CI tested, one at a time, in the environment the deploy role trusts', () => {
    const defaults = parseConfig({ TF_STATE_BUCKET: 'test-state', GITHUB_REPOSITORY: 'o/n' });
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;

    expect(workflow('ci.yml')).toMatchObject({ name: 'ci' });
    expect(deploy.on).toEqual({ workflow_run: { workflows: ['ci'], types: ['completed'], branches: ['main'] } });
    expect(job.if).toContain("github.event.workflow_run.conclusion == 'success'");
    expect(job.if).toContain("github.event.workflow_run.event == 'push'");
    expect(checkout.with?.ref).toBe('${{ github.event.workflow_run.head_sha }}');
    expect(deploy.concurrency?.['cancel-in-progress']).toBe(false);
    expect(job.environment).toEqual({
      name: `\${{ vars.DEPLOY_ENVIRONMENT || '${defaults.ciAccess!.deployEnvironment}' }}`,
    });
  });

  it('deploys the application stack, and only it, with cdktf deploy --auto-approve', () => {
    const step = job.steps.find((s) => s.run?.includes('npm run deploy'))!;
    const stage = parseConfig({ TF_STATE_BUCKET: 'test-state' }).stage;

    // The shell expands STAGE with the app's default stage, giving the id stackIds() gives.
    const expanded = spawnSync(
      'bash',
      ['-c', `STAGE=""; echo ${step.run!.match(/"async-api-\$\{STAGE:-\w+\}"/)![0]}`],
      { encoding: 'utf8' },
    ).stdout.trim();
    expect(expanded).toBe(stackIds({ stage }).api);
    expect(step.run).toContain('--auto-approve');
    expect(job.env?.TF_CLI_ARGS_apply).toMatch(/^-lock-timeout=\d+m$/);
  });

  it('smoke-tests the deployed API after applying, from the outputs the deploy wrote, and fails the job if it fails', () => {
    const steps = job.steps.map((s) => s.run ?? '');
    const deployAt = steps.findIndex((r) => r.includes('npm run deploy'));
    const smokeAt = steps.findIndex((r) => r.includes('npm run smoke'));
    const outputs = steps[deployAt]!.match(/--outputs-file "([^"]+)"/)![1];

    expect(smokeAt).toBeGreaterThan(deployAt);
    expect(steps[smokeAt]).toContain(`--outputs "${outputs}"`);
    expect(job.steps[smokeAt]!.if).toBeUndefined();
    expect(job.steps[smokeAt]).not.toHaveProperty('continue-on-error');
  });
});

describe("plan.yml's provider mirror", () => {
  const steps = workflow('plan.yml').jobs.plan!.steps;
  const mirrorStep = steps.find((s) => s.run?.includes('terraform') && s.run.includes('providers mirror'));
  const index = (s: Step | undefined) => steps.indexOf(s!);
  let dir: string;
  let outdir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plan-mirror-'));
    outdir = join(dir, 'cdktf.out');
    const app = new App({ outdir });
    buildApp(app, parseConfig({ TF_STATE_BUCKET: 'test-state', GITHUB_REPOSITORY: 'example-org/async-api' }), {
      buildDir: join(dir, 'bundles'),
    });
    app.synth();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The CLI configuration the step writes, for a mirror at `mirror`. */
  function cliConfig(mirror: string): string {
    const heredoc = /<<EOF\n([\s\S]*?)\nEOF/.exec(mirrorStep?.run ?? '');
    if (!heredoc) throw new Error('the mirror step writes no CLI configuration with a heredoc');
    return heredoc[1]!.replaceAll('$TF_MIRROR', mirror);
  }

  /** `terraform init` of a synthesized stack, installing providers as the workflow configures. */
  function init(stack: string, mirror: string) {
    const config = join(dir, `terraform-${Math.random().toString(36).slice(2)}.rc`);
    writeFileSync(config, cliConfig(mirror));
    const result = spawnSync(
      'terraform',
      [`-chdir=${join(outdir, 'stacks', stack)}`, 'init', '-backend=false', '-input=false', '-no-color'],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: dir,
          TF_CLI_CONFIG_FILE: config,
          CHECKPOINT_DISABLE: '1',
          TF_IN_AUTOMATION: '1',
        },
        timeout: 60_000,
      },
    );
    return { status: result.status, output: result.stdout + result.stderr };
  }

  /** `{ aws: "6.25.0" }`: what a stack's configuration requires. */
  function requiredProviders(stack: string): Record<string, string> {
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
      terraform: { required_providers: Record<string, { source: string; version: string }> };
    };
    return Object.fromEntries(Object.entries(json.terraform.required_providers).map(([, p]) => [p.source, p.version]));
  }

  const stacks = () => readdirSync(join(outdir, 'stacks')).sort();

  it('fills the mirror from a synthesized stack before AWS credentials exist, and uses no plugin cache', () => {
    const credentials = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const synth = steps.find((s) => s.run?.includes('npm run synth'));
    const planning = steps.find((s) => s.run?.includes('npm run plan:comment'));

    expect(mirrorStep).toBeDefined();
    expect(index(synth)).toBeLessThan(index(mirrorStep));
    expect(index(mirrorStep)).toBeLessThan(index(credentials));
    expect(index(mirrorStep)).toBeLessThan(index(planning));
    expect(mirrorStep!.run).toMatch(/terraform -chdir=cdktf\.out\/stacks\/([\w-]+) providers mirror/);
    expect(mirrorStep!.run).toContain('TF_CLI_CONFIG_FILE=');
    expect(text('plan.yml')).not.toMatch(/^\s*[^#\s].*TF_PLUGIN_CACHE_DIR/m);
  });

  it('serves every stack: all require the providers of the stack it is filled from', () => {
    const from = /-chdir=cdktf\.out\/stacks\/([\w-]+)/.exec(mirrorStep!.run!)![1]!;
    const expected = requiredProviders(from);

    expect(stacks()).toEqual(['async-api-dev', 'ci-access', 'state-bucket']);
    expect(Object.fromEntries(stacks().map((s) => [s, requiredProviders(s)]))).toEqual(
      Object.fromEntries(stacks().map((s) => [s, expected])),
    );
  });

  it('is where every stack installs its providers from, with no lock file and no network', () => {
    const mirror = join(dir, 'mirror');
    // A stand-in provider in the mirror's unpacked layout: init installs it, it never runs.
    for (const [source, version] of Object.entries(requiredProviders('state-bucket'))) {
      const target = join(
        mirror,
        'registry.terraform.io',
        // cdktf writes `aws` for `registry.terraform.io/hashicorp/aws`.
        source.includes('/') ? source.replace(/^registry\.terraform\.io\//, '') : `hashicorp/${source}`,
        version,
        'linux_amd64',
      );
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, `terraform-provider-${source.split('/').pop()!}_v${version}`), '#!/bin/sh\nexit 1\n', {
        mode: 0o755,
      });
    }

    const results = Object.fromEntries(stacks().map((s) => [s, init(s, mirror)]));

    for (const [stack, r] of Object.entries(results)) {
      expect({ stack, status: r.status, output: r.status === 0 ? '' : r.output }).toEqual({
        stack,
        status: 0,
        output: '',
      });
      expect(r.output).toContain('Installing hashicorp/aws');
      expect(existsSync(join(outdir, 'stacks', stack, '.terraform.lock.hcl'))).toBe(true);
    }
  });

  it('is the only place providers come from: an empty mirror fails init, naming it, instead of downloading', () => {
    const empty = join(dir, 'empty-mirror');
    mkdirSync(empty);

    const r = init('state-bucket', empty);

    expect(r.status).toBe(1);
    expect(r.output).toContain(empty);
  });
});
