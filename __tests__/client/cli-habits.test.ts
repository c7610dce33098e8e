/**
 * The CLI's habits, with the AWS CLI as the model (issue 12 item 5), and jobs (issue 10 item 6).
 * Each test drives the CLI as a user would: the bin as a process, or `main(argv, io)` with its own
 * streams and environment against a contract server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CliIo, ExitCode } from '../../client/cli';
import { lines, type Run, runCli, withContractServer } from './cli-harness';
import { MACHINE_ARN, RAMEN_OUTPUT } from './fake-api';

// The bin is spawned: tsx's start-up alone can take seconds on a loaded machine.
jest.setTimeout(30_000);

const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'client', 'bin', 'async-api.cjs');
const EXECUTION_PREFIX = MACHINE_ARN.replace(':stateMachine:', ':execution:');
const EGG_MACHINE = MACHINE_ARN.replace('ramen-timer', 'boil-egg');

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'async-api-habits-'));
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (argv: string[], overrides: Partial<CliIo> = {}): Promise<Run> => runCli(argv, cwd, overrides);

/** The bin as a process, with only PATH and HOME (a folder without AWS files) in its environment. */
async function spawnBin(argv: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...argv], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Writes AWS shared files into the suite's folder and returns the environment that names them. */
function awsFiles(name: string, config: string, credentials = ''): Record<string, string> {
  const env = {
    AWS_CONFIG_FILE: join(cwd, `${name}-config`),
    AWS_SHARED_CREDENTIALS_FILE: join(cwd, `${name}-credentials`),
  };
  writeFileSync(env.AWS_CONFIG_FILE, config);
  writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, credentials);
  return env;
}

describe('the bin as a process', () => {
  it('takes global options before the command, as `aws --region r <command>` does', async () => {
    await withContractServer({ runningDescribes: 5 }, async (server) => {
      // Prepare
      const arn = JSON.parse((await cli(['start', '--endpoint', server.url, '--auth', 'none'])).stdout)
        .executionArn as string;

      // Act
      const run = await spawnBin(['--endpoint', server.url, '--auth', 'none', 'describe', arn]);

      // Assess
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(JSON.parse(run.stdout)).toMatchObject({ executionArn: arn, status: 'RUNNING' });
    });
  });

  it('prints --version from package.json and exits 0', async () => {
    // Prepare
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

    // Act
    const run = await spawnBin(['--version']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(`async-api/${version} node/${process.version}`);
  });

  it('prints `help run` on stdout and exits 0', async () => {
    // Act
    const run = await spawnBin(['help', 'run']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: async-api run \[options\]/);
    expect(run.stdout).toMatch(/Global Options:[\s\S]*--endpoint <url>[\s\S]*--query <expression>/);
  });
});

describe('global options, output and dates', () => {
  it.each([
    [
      'before the command',
      (url: string, arn: string) => [
        '--endpoint',
        url,
        '--auth',
        'NONE',
        '--output',
        'TEXT',
        '--query',
        'status',
        'describe',
        arn,
      ],
    ],
    [
      'after the command',
      (url: string, arn: string) => [
        'describe',
        arn,
        '--endpoint',
        url,
        '--auth',
        'None',
        '--output',
        'text',
        '--query',
        'status',
      ],
    ],
  ])('accepts them %s, enum values in any case', async (_where, argv) => {
    await withContractServer({ runningDescribes: 5 }, async (server) => {
      // Prepare
      const arn = JSON.parse((await cli(['start', '--endpoint', server.url, '--auth', 'none'])).stdout)
        .executionArn as string;

      // Act
      const run = await cli(argv(server.url, arn));

      // Assess
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(run.stdout).toBe('RUNNING\n');
    });
  });

  it('prints ISO 8601 dates from start and stop, as describe does', async () => {
    await withContractServer({ runningDescribes: 5 }, async (server) => {
      // Act
      const started = JSON.parse((await cli(['start', '--endpoint', server.url, '--auth', 'none'])).stdout);
      const stopped = JSON.parse(
        (await cli(['stop', started.executionArn, '--endpoint', server.url, '--auth', 'none'])).stdout,
      );
      const described = JSON.parse(
        (await cli(['describe', started.executionArn, '--endpoint', server.url, '--auth', 'none'])).stdout,
      );

      // Assess
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
      expect(started.startDate).toBe('2024-11-24T20:26:40.123Z');
      expect(stopped.stopDate).toBe('2024-11-24T20:26:45.500Z');
      expect([described.startDate, described.stopDate]).toEqual([
        expect.stringMatching(iso),
        expect.stringMatching(iso),
      ]);
    });
  });

  it("prints the final description as the AWS CLI's text and table formats", async () => {
    await withContractServer({ runningDescribes: 0 }, async (server) => {
      // Act
      const text = await cli([
        'run',
        '--endpoint',
        server.url,
        '--auth',
        'none',
        '--quiet',
        '--name',
        'run-text',
        '--output',
        'text',
      ]);
      const table = await cli([
        'wait',
        `${EXECUTION_PREFIX}:run-text`,
        '--endpoint',
        server.url,
        '--auth',
        'none',
        '--quiet',
        '--output',
        'table',
      ]);

      // Assess: scalars tab-separated in key order, then each nested value on its own line
      expect(lines(text.stdout)).toEqual([
        `None\tNone\t${EXECUTION_PREFIX}:run-text\trun-text\tNone\tNone\tNone\tNone\tNone\t2024-11-24T20:26:40.123Z\tSUCCEEDED\t2024-11-24T20:26:45.000Z`,
        "OUTPUT\tThe ramen is boiled. If you don't eat it quickly, it will grow.",
      ]);
      expect(lines(table.stdout)[1]).toMatch(/^\|\s+DescribeExecution\s+\|$/);
      expect(table.stdout).toMatch(/\|\s+status\s+\|\s+SUCCEEDED\s+\|/);
      expect(table.stdout).toContain(RAMEN_OUTPUT.message);
    });
  });

  it('refuses a bad --query or --output before sending any request', async () => {
    await withContractServer({}, async (server) => {
      // Act
      const query = await cli(['run', '--endpoint', server.url, '--auth', 'none', '--query', 'status[']);
      const output = await cli(['run', '--endpoint', server.url, '--auth', 'none', '--output', 'yaml']);

      // Assess
      expect([query.code, output.code]).toEqual([ExitCode.Usage, ExitCode.Usage]);
      expect(query.stderr).toMatch(/--query <expression>' argument 'status\[' is invalid. Not a JMESPath expression/);
      expect(output.stderr).toMatch(/Allowed choices are json, text, table \(any case\)/);
      expect(server.requests).toHaveLength(0);
    });
  });

  it.each(['start', 'describe', 'stop', 'wait', 'run'])(
    '`%s` accepts --quiet and prints nothing on stderr with it',
    async (command) => {
      await withContractServer({ runningDescribes: 1 }, async (server) => {
        // Prepare: an execution of that name exists, so start and run also have a note to hold back
        const connection = ['--endpoint', server.url, '--auth', 'none'];
        const arn = JSON.parse((await cli(['start', ...connection, '--name', 'quiet-1', '--input', '{"a": 1}'])).stdout)
          .executionArn as string;
        const argv = ['start', 'run'].includes(command)
          ? [command, '--name', 'quiet-1', '--input', '{"b": 2}']
          : [command, arn];

        // Act
        const run = await cli([...argv, ...connection, '--quiet']);

        // Assess
        expect(run.code).toBe(ExitCode.Succeeded);
        expect(run.stderr).toBe('');
      });
    },
  );
});

describe('auth, profiles and hints', () => {
  it("takes the region from the profile's config (AWS_CONFIG_FILE) for SigV4", async () => {
    await withContractServer({}, async (server) => {
      // Prepare
      const env = awsFiles('region', '[default]\nregion = us-west-1\n[profile ci]\nregion = eu-west-3\n');
      const credentials = () => async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

      // Act
      const chosen = await cli(['start', '--endpoint', server.url, '--auth', 'iam', '--profile', 'ci'], {
        env,
        credentials,
      });
      const byDefault = await cli(['start', '--endpoint', server.url, '--auth', 'iam'], { env, credentials });

      // Assess
      expect([chosen.code, byDefault.code]).toEqual([ExitCode.Succeeded, ExitCode.Succeeded]);
      const scopes = server.requests.map(
        (request) => /Credential=AKIDEXAMPLE\/\d{8}\/([a-z0-9-]+)\//.exec(String(request.headers.authorization))?.[1],
      );
      expect(scopes).toEqual(['eu-west-3', 'us-west-1']);
    });
  });

  it.each([
    ['--profile', ['--profile', 'nope'], {}],
    ['AWS_PROFILE', [], { AWS_PROFILE: 'nope' }],
  ])('names a missing profile given with %s (exit 2, no request)', async (_how, flags, profileEnv) => {
    await withContractServer({}, async (server) => {
      // Prepare
      const files = awsFiles('missing', '[profile ci]\nregion = eu-west-3\n', '[other]\naws_access_key_id = A\n');
      const env = { ...files, ...profileEnv };

      // Act
      const run = await cli(['start', '--endpoint', server.url, '--auth', 'iam', '--region', 'us-east-1', ...flags], {
        env,
      });

      // Assess
      expect(run.code).toBe(ExitCode.Usage);
      expect(run.stderr).toContain(
        `async-api: the profile "nope" is in neither ${files.AWS_CONFIG_FILE} nor ${files.AWS_SHARED_CREDENTIALS_FILE}`,
      );
      expect(server.requests).toHaveLength(0);
    });
  });

  it('tells a user of a local runtime without --auth to pass --auth none, not a region', async () => {
    // Act
    const run = await cli(['run', '--endpoint', 'http://127.0.0.1:3000'], { env: awsFiles('empty', '') });

    // Assess
    expect(run.code).toBe(ExitCode.Usage);
    expect(run.stderr).toMatch(
      /^async-api: 127\.0\.0\.1:3000 is a local API .*: if the API has no authorisation \(npm start with API_AUTH=NONE\), pass --auth none;/,
    );
  });

  it('tells a user of a local runtime with a region but no credentials to pass --auth none', async () => {
    await withContractServer({}, async (server) => {
      // Prepare: what the SDK's chain throws when it finds nothing
      const credentials = () => async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        });
      };

      // Act
      const run = await cli(['start', '--endpoint', server.url], { env: { AWS_REGION: 'us-east-1' }, credentials });

      // Assess
      expect(run.code).toBe(ExitCode.ApiError);
      expect(run.stderr).toMatch(
        /Could not load credentials from any providers: if the API has no authorisation \(npm start with API_AUTH=NONE\), pass --auth none/,
      );
      expect(server.requests).toHaveLength(0);
    });
  });
});

describe('jobs (--job)', () => {
  const outputs = (url: string): string => {
    const file = join(cwd, 'jobs-outputs.json');
    const jobs = {
      'ramen-timer': { start_execution_url: `${url}/ramen-timer/start-execution`, state_machine_arn: MACHINE_ARN },
      'boil-egg': { start_execution_url: `${url}/boil-egg/start-execution`, state_machine_arn: EGG_MACHINE },
    };
    const stack = {
      api_endpoint: url,
      api_auth: 'NONE',
      state_machine_arn: MACHINE_ARN,
      start_execution_url: `${url}/start-execution`,
      jobs,
      default_job: 'ramen-timer',
    };
    writeFileSync(file, JSON.stringify({ 'async-api-dev': stack }));
    return file;
  };

  it("starts the API's default job on POST /start-execution without --job, and a job on POST /<job>/start-execution", async () => {
    await withContractServer({ jobs: { 'boil-egg': EGG_MACHINE } }, async (server) => {
      // Act
      const plain = await cli(['start', '--endpoint', server.url, '--auth', 'none']);
      const egg = await cli(['run', '--endpoint', server.url, '--auth', 'none', '--job', 'boil-egg', '--quiet']);

      // Assess
      expect([plain.code, egg.code]).toEqual([ExitCode.Succeeded, ExitCode.Succeeded]);
      expect(server.requests.filter((r) => r.path.endsWith('/start-execution')).map((r) => r.path)).toEqual([
        '/start-execution',
        '/boil-egg/start-execution',
      ]);
      expect(JSON.parse(egg.stdout).executionArn).toMatch(/:execution:async-api-dev-boil-egg:/);
    });
  });

  it("re-attaches by --name with the job's own state machine from the outputs file", async () => {
    await withContractServer({ jobs: { 'boil-egg': EGG_MACHINE }, runningDescribes: 0 }, async (server) => {
      // Prepare: the first start of that name has already ended, so a second one is refused
      const file = outputs(server.url);
      await cli(['run', '--outputs-file', file, '--job', 'boil-egg', '--name', 'egg-1', '--quiet']);

      // Act
      const run = await cli(['run', '--outputs-file', file, '--job', 'boil-egg', '--name', 'egg-1']);

      // Assess
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(run.stderr).toContain('an execution named egg-1 already exists; attaching to it');
      expect(JSON.parse(run.stdout).executionArn).toBe(`${EGG_MACHINE.replace(':stateMachine:', ':execution:')}:egg-1`);
    });
  });

  it.each([
    [
      ['--job', 'fry-rice'],
      /^async-api: no job "fry-rice" in .*jobs-outputs.json \(stack async-api-dev\); its jobs: boil-egg, ramen-timer$/,
    ],
    [
      ['--job', 'Boil_Egg'],
      /argument 'Boil_Egg' is invalid. "Boil_Egg" is not a job name: use lower-case letters, digits and single "-"/,
    ],
    [['--job', 'boil-egg/../x'], /is not a job name/],
  ])('refuses %p (exit 2, no request)', async (flags, message) => {
    await withContractServer({}, async (server) => {
      // Act
      const run = await cli(['start', '--outputs-file', outputs(server.url), ...flags]);

      // Assess
      expect(run.code).toBe(ExitCode.Usage);
      expect(run.stderr.trim()).toMatch(message);
      expect(server.requests).toHaveLength(0);
    });
  });
});

describe('the CLI stays a shallow wrapper', () => {
  it('keeps each of its source files under 300 lines', () => {
    // Prepare
    const files = readdirSync(join(REPO, 'client')).filter((file) => /^cli(-[a-z]+)?\.ts$/.test(file));

    // Act
    const long = files
      .map((file) => [file, readFileSync(join(REPO, 'client', file), 'utf8').split('\n').length] as const)
      .filter(([, count]) => count > 300);

    // Assess
    expect(files.length).toBeGreaterThan(1);
    expect(long).toEqual([]);
  });
});
