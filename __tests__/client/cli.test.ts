import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, ExitCode } from '../../client/cli';
import { lines, type Run, runCli, withContractServer } from './cli-harness';
import { MACHINE_ARN, RAMEN_OUTPUT, startFakeServer, virtualTime } from './fake-api';

const ARN = `${MACHINE_ARN.replace(':stateMachine:', ':execution:')}:run-1`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'async-api-cli-'));
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Runs the CLI in-process in this suite's folder. */
const cli = (argv: string[], overrides: Partial<CliIo> = {}): Promise<Run> => runCli(argv, cwd, overrides);

describe('usage errors: exit 2 with one line', () => {
  it.each([
    [
      ['frob'],
      /^async-api: unknown command 'frob'; commands: start, describe, stop, wait, run, list, history, redrive, listen, schedules$/,
    ],
    [
      ['help', 'frob'],
      /^async-api: unknown command 'frob'; commands: start, describe, stop, wait, run, list, history, redrive, listen, schedules$/,
    ],
    [
      ['run', '--nme', 'x'],
      /unknown option '--nme' \(did you mean --name\?\); async-api run accepts .*--input, --name, .*--endpoint, /,
    ],
    [
      ['run', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none', '--input', '{"seconds":'],
      /--input text is not valid JSON \(.+\); pass JSON text, @file or - for stdin/,
    ],
    [
      ['run', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none', '--input', '@missing.json'],
      /--input @missing.json: cannot read .*missing.json \(ENOENT\); pass JSON text, @file or - for stdin/,
    ],
    [
      ['wait', 'run-1'],
      /argument 'executionArn'. Expected an execution ARN like arn:aws:states:<region>:<account>:execution:/,
    ],
    [['describe'], /missing required argument 'executionArn'; usage: async-api describe \[options\] <executionArn>/],
    [
      ['wait', ARN, '--timeout', 'soon'],
      /option '--timeout <duration>' argument 'soon' is invalid. Expected a duration > 0 like 90 \(seconds\), 90s, 15m/,
    ],
    [['run', '--auth', 'basic'], /Allowed choices are iam, jwt, none/],
    [['run', '--name', 'two words'], /An execution name must not contain " "/],
    [['stop', ARN, ARN], /too many arguments for 'stop'.*usage: async-api stop/],
    [[], /^async-api: missing command; commands: start, describe, stop, wait, run/],
    [['wait', ARN], /no API endpoint: pass --endpoint <url>, set ASYNC_API_ENDPOINT, write .*cdktf.outputs.json/],
  ])('%p', async (argv, message) => {
    // Act
    const run = await cli(argv);

    // Assess
    expect(run.code).toBe(ExitCode.Usage);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(message);
  });

  it('prints help with the exit codes and exits 0', async () => {
    // Act
    const run = await cli(['--help']);

    // Assess
    expect(run.code).toBe(ExitCode.Succeeded);
    expect(run.stdout).toMatch(/Usage: async-api/);
    expect(run.stdout).toMatch(
      /Exit codes:[\s\S]*5 +deadline \(--timeout\) passed[\s\S]*6 +API, auth or network error/,
    );
  });
});

describe("contract test: run against a fake server that follows the README's API contract", () => {
  it('starts under a generated name, polls from 1 s until SUCCEEDED, prints the description and exits 0', async () => {
    await withContractServer({ runningDescribes: 2 }, async (server) => {
      // Act
      const run = await cli(['run', '--endpoint', server.url, '--auth', 'none', '--input', '{"seconds": 3}']);

      // Assess
      expect(run.code).toBe(ExitCode.Succeeded);
      const description = JSON.parse(run.stdout);
      expect(description).toMatchObject({ status: 'SUCCEEDED', output: RAMEN_OUTPUT, input: { seconds: 3 } });
      expect(server.requests.map((request) => request.path)).toEqual([
        '/start-execution',
        '/describe-execution',
        '/describe-execution',
        '/describe-execution',
      ]);
      expect(JSON.parse(server.requests[0].body)).toEqual({ input: { seconds: 3 }, name: expect.stringMatching(UUID) });
      expect(run.stderr).toMatch(/async-api: waiting for arn:aws:states:/);
      // No look at 0 s (it was just started): looks at 1, 2 and 3 s.
      expect(run.stderr).toMatch(/async-api: SUCCEEDED after 3s \(3 requests\)/);
    });
  });

  it('prints only the output with --output-only and nothing on stderr with --quiet', async () => {
    await withContractServer({}, async (server) => {
      // Act
      const run = await cli(['run', '--endpoint', server.url, '--auth', 'none', '--output-only', '--quiet']);

      // Assess
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(JSON.parse(run.stdout)).toEqual(RAMEN_OUTPUT);
      expect(run.stderr).toBe('');
    });
  });

  it.each([
    ['FAILED', ExitCode.Failed],
    ['TIMED_OUT', ExitCode.TimedOut],
    ['ABORTED', ExitCode.Aborted],
  ] as const)('exits with the code for %s', async (finalStatus, code) => {
    await withContractServer({ finalStatus, runningDescribes: 1 }, async (server) => {
      // Act
      const run = await cli(['run', '--endpoint', server.url, '--auth', 'none']);

      // Assess
      expect(run.code).toBe(code);
      expect(JSON.parse(run.stdout).status).toBe(finalStatus);
    });
  });

  it('exits 5 at the deadline and says how to re-attach', async () => {
    await withContractServer({ runningDescribes: 1_000 }, async (server) => {
      // Act
      const run = await cli(['run', '--endpoint', server.url, '--auth', 'none', '--timeout', '30s']);

      // Assess
      expect(run.code).toBe(ExitCode.DeadlinePassed);
      expect(JSON.parse(run.stdout).status).toBe('RUNNING');
      const arn = JSON.parse(run.stdout).executionArn as string;
      expect(run.stderr).toContain(`Re-attach with: npx async-api wait ${arn} --endpoint ${server.url} --auth none\n`);
    });
  });

  it('repeats --output and --query in the re-attach command, quoted for the shell', async () => {
    await withContractServer({ runningDescribes: 1_000 }, async (server) => {
      // Act
      const run = await cli([
        '--output',
        'text',
        'run',
        '--endpoint',
        server.url,
        '--auth',
        'none',
        '--timeout',
        '30s',
        '--query',
        'output.message',
      ]);

      // Assess
      expect(run.code).toBe(ExitCode.DeadlinePassed);
      expect(run.stderr).toMatch(
        new RegExp(
          `Re-attach with: npx async-api wait \\S+ --endpoint ${server.url} --auth none --output text --query output.message\n`,
        ),
      );
    });
  });

  it('re-attaches to an execution of the same --name instead of starting twice (state machine from the outputs file)', async () => {
    await withContractServer({ runningDescribes: 1 }, async (server, api) => {
      // Prepare: an outputs file as `cdktf output` writes it, and a first run that "crashed"
      const outputsFile = join(cwd, 'outputs.json');
      writeFileSync(
        outputsFile,
        JSON.stringify({
          'async-api-dev': { api_endpoint: server.url, api_auth: 'NONE', state_machine_arn: MACHINE_ARN },
        }),
      );
      await cli(['start', '--outputs-file', outputsFile, '--name', 'nightly-42']);

      // Act
      const run = await cli([
        'run',
        '--outputs-file',
        outputsFile,
        '--name',
        'nightly-42',
        '--input',
        '{"other": true}',
      ]);

      // Assess
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(run.stderr).toMatch(/an execution named nightly-42 already exists; attaching to it/);
      expect(api.state.executions.size).toBe(1);
      expect(JSON.parse(run.stdout).executionArn).toBe(
        `${MACHINE_ARN.replace(':stateMachine:', ':execution:')}:nightly-42`,
      );
    });
  });

  it.each([
    ['a 500 answer', { status: 500, body: { message: 'Internal Server Error' } }],
    ['a dropped connection', { status: 0, drop: true }],
  ])(
    'retries a start whose first attempt created the execution but got %s: same name, same execution',
    async (_what, fault) => {
      await withContractServer(
        { runningDescribes: 1, afterStart: (count) => (count === 1 ? fault : undefined) },
        async (server, api) => {
          // Act
          const run = await cli(['run', '--endpoint', server.url, '--auth', 'none', '--input', '{"seconds": 2}']);

          // Assess: Step Functions answered the identical retry with the execution the first attempt made
          expect(run.code).toBe(ExitCode.Succeeded);
          const starts = server.requests.filter((request) => request.path === '/start-execution');
          expect(starts).toHaveLength(2);
          expect(starts[1].body).toBe(starts[0].body);
          expect(api.state.executions.size).toBe(1);
          expect(JSON.parse(run.stdout).executionArn).toBe(
            `${MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${JSON.parse(starts[0].body).name}`,
          );
        },
      );
    },
  );

  it("re-attaches when the retried start finds that its first attempt's execution has already ended", async () => {
    // Prepare: the first attempt creates the execution, which ends before the answer is lost
    const afterStart = (count: number, execution: { ended: boolean }) => {
      if (count > 1) return undefined;
      execution.ended = true;
      return { status: 502, body: { message: 'Bad Gateway' } };
    };
    await withContractServer({ afterStart }, async (server, api) => {
      // Act: no state machine ARN; the ARN comes from the ExecutionAlreadyExists message
      const run = await cli(['run', '--endpoint', server.url, '--auth', 'none'], { newName: () => 'generated-1' });

      // Assess
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(api.state.executions.size).toBe(1);
      expect(run.stderr).toContain(
        'async-api: the start was retried and its first attempt had created generated-1; attaching to it',
      );
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'SUCCEEDED', name: 'generated-1' });
      expect(server.requests.map((request) => request.path)).toEqual([
        '/start-execution',
        '/start-execution',
        '/describe-execution',
      ]);
    });
  });

  it('`wait` looks at once and counts the time the execution has already run (from its startDate) as waited', async () => {
    await withContractServer({ runningDescribes: 2 }, async (server) => {
      // Prepare: an execution started (per the API) 40 s before the wall clock reads
      const started = JSON.parse((await cli(['start', '--endpoint', server.url, '--auth', 'none'])).stdout)
        .executionArn as string;
      const wallClock = () => Date.parse('2024-11-24T20:26:40.123Z') + 40_000;
      const time = virtualTime();

      // Act
      const run = await cli(['wait', started, '--endpoint', server.url, '--auth', 'none'], {
        wallClock,
        now: time.now,
        sleep: time.sleep,
      });

      // Assess: no pause before the first look; then 25 % of 40 s, drawn from [90 %, 100 %] (random 0.5)
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(time.sleeps).toHaveLength(2);
      expect(time.sleeps[0]).toBeCloseTo(9_500, 6);
      expect(run.stderr).toMatch(/SUCCEEDED after \d+s \(3 requests\)/);
    });
  });

  it('exits 6 with the API message when the API refuses, naming the auth modes when the request was unsigned', async () => {
    // Prepare
    const server = await startFakeServer(() => ({ status: 403, body: { message: 'Forbidden' } }));
    try {
      // Act
      const run = await cli(['run', '--endpoint', server.url, '--auth', 'none']);

      // Assess
      expect(run.code).toBe(ExitCode.ApiError);
      expect(run.stderr.trim()).toBe(
        'async-api: Forbidden (HTTP 403); the API may want authorisation: --auth iam, or --auth jwt --token <jwt>',
      );
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('exits 6 after retrying a describe that keeps failing with 5xx', async () => {
    // Prepare
    const server = await startFakeServer(() => ({ status: 500, body: { message: 'Internal server error' } }));
    try {
      // Act
      const run = await cli(['wait', ARN, '--endpoint', server.url, '--auth', 'none']);

      // Assess
      expect(run.code).toBe(ExitCode.ApiError);
      expect(run.stderr).toMatch(/async-api: HTTP 500: Internal server error \(gave up after 5 attempts\)/);
      expect(server.requests).toHaveLength(5);
    } finally {
      await server.close();
    }
  });
});

describe('Ctrl-C while waiting', () => {
  it.each([false, true])(
    'stops waiting, prints the re-attach command (stop the execution too: %p)',
    async (stopOnInterrupt) => {
      // Prepare: Ctrl-C arrives while the second describe is in flight
      let interrupt: () => void = () => undefined;
      const onInterrupt = (handler: () => void) => {
        interrupt = handler;
        return () => undefined;
      };
      await withContractServer(
        { runningDescribes: 100, onDescribe: (count) => count === 2 && interrupt() },
        async (server, api) => {
          const argv = [
            'run',
            '--endpoint',
            server.url,
            '--auth',
            'none',
            ...(stopOnInterrupt ? ['--stop-on-interrupt'] : []),
          ];

          // Act
          const run = await cli(argv, { onInterrupt });

          // Assess
          expect(run.code).toBe(ExitCode.Interrupted);
          const [arn] = [...api.state.executions.keys()];
          const stops = server.requests.filter((request) => request.path === '/stop-execution');
          if (stopOnInterrupt) {
            expect(stops.map((request) => JSON.parse(request.body).executionArn)).toEqual([arn]);
            expect(run.stderr).toContain(`async-api: interrupted; stopped ${arn}`);
          } else {
            expect(stops).toHaveLength(0);
            expect(run.stderr).toContain(
              `Re-attach with: npx async-api wait ${arn} --endpoint ${server.url} --auth none\n`,
            );
          }
        },
      );
    },
  );
});

describe('other commands and inputs', () => {
  it("signs with keys from the CLI's environment (not process.env) when no credential provider is injected", async () => {
    await withContractServer({}, async (server) => {
      // Prepare
      const env = {
        AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token-1',
        AWS_REGION: 'eu-north-1',
      };

      // Act
      const run = await cli(['start', '--endpoint', server.url, '--auth', 'iam'], { env });

      // Assess
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(String(server.requests[0].headers.authorization)).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDFROMENV\/\d{8}\/eu-north-1\/execute-api\/aws4_request/,
      );
      expect(server.requests[0].headers['x-amz-security-token']).toBe('token-1');
    });
  });

  it('signs with SigV4 for --auth iam using the injected credential provider', async () => {
    await withContractServer({}, async (server) => {
      // Prepare
      const credentials = jest.fn(() => async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }));
      const env = {
        AWS_CONFIG_FILE: join(cwd, 'aws-config-ci'),
        AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'no-credentials'),
      };
      writeFileSync(env.AWS_CONFIG_FILE, '[profile ci]\nregion = eu-west-3\n');

      // Act
      const run = await cli(
        ['start', '--endpoint', server.url, '--auth', 'iam', '--region', 'ap-southeast-2', '--profile', 'ci'],
        { credentials, env },
      );

      // Assess
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(credentials).toHaveBeenCalledWith({ profile: 'ci', region: 'ap-southeast-2' });
      expect(String(server.requests[0].headers.authorization)).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-southeast-2\/execute-api\/aws4_request/,
      );
    });
  });

  it('reads --input from @file and from stdin', async () => {
    await withContractServer({}, async (server) => {
      // Prepare
      writeFileSync(join(cwd, 'input.json'), '{"seconds": 5}');
      const stdin = (async function* () {
        yield '{"seconds":';
        yield ' 7}';
      })();

      // Act
      const fromFile = await cli(['start', '--endpoint', server.url, '--auth', 'none', '--input', '@input.json']);
      const fromStdin = await cli(['start', '--endpoint', server.url, '--auth', 'none', '--input', '-'], { stdin });

      // Assess
      expect([fromFile.code, fromStdin.code]).toEqual([ExitCode.Succeeded, ExitCode.Succeeded]);
      expect(server.requests.map((request) => JSON.parse(request.body).input)).toEqual([
        { seconds: 5 },
        { seconds: 7 },
      ]);
      expect(JSON.parse(fromFile.stdout)).toMatchObject({
        executionArn: expect.stringContaining(':execution:'),
        attached: false,
      });
    });
  });

  it('describes and stops an execution by ARN, taking the endpoint from the environment', async () => {
    await withContractServer({ runningDescribes: 5 }, async (server) => {
      // Prepare
      const env = { ASYNC_API_ENDPOINT: server.url, ASYNC_API_AUTH: 'none' };
      const started = JSON.parse((await cli(['start'], { env })).stdout).executionArn as string;

      // Act
      const described = await cli(['describe', started], { env });
      const stopped = await cli(['stop', started, '--cause', 'no longer hungry'], { env });
      const after = await cli(['describe', started], { env });

      // Assess
      expect([described.code, stopped.code, after.code]).toEqual([0, 0, 0]);
      expect(JSON.parse(described.stdout).status).toBe('RUNNING');
      expect(JSON.parse(stopped.stdout)).toEqual({ executionArn: started, stopDate: '2024-11-24T20:26:45.500Z' });
      expect(JSON.parse(server.requests.find((r) => r.path === '/stop-execution')!.body)).toEqual({
        executionArn: started,
        cause: 'no longer hungry',
      });
      expect(JSON.parse(after.stdout).status).toBe('ABORTED');
    });
  });

  it('exits 6 when describing an unknown execution', async () => {
    await withContractServer({}, async (server) => {
      // Act
      const run = await cli(['describe', ARN, '--endpoint', server.url, '--auth', 'none']);

      // Assess
      expect(run.code).toBe(ExitCode.ApiError);
      expect(run.stderr.trim()).toBe(`async-api: Execution not found: ${ARN} (HTTP 404)`);
    });
  });
});
