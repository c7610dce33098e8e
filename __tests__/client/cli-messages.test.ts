/**
 * The CLI's messages where a first-time user meets them (issue 25): the documented `run --job` next
 * to `npm start` (the runtime's endpoint file), an unknown job named with the jobs that exist, a
 * FAILED job in one short line, a 404 on `wait` that is final, and re-attach hints that can be
 * pasted as they are.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, ExitCode } from '../../client/cli';
import { DEFAULT_LOCAL_DATA_DIR, writeLocalEndpoint } from '../../client/local-endpoint';
import { CAUSE_SHOWN_CHARS, failureSummary } from '../../client/output';
import { lines, type Run, runCli, withContractServer } from './cli-harness';
import { MACHINE_ARN, startFakeServer } from './fake-api';

const ARN = `${MACHINE_ARN.replace(':stateMachine:', ':execution:')}:run-1`;
const EGG_MACHINE = MACHINE_ARN.replace('ramen-timer', 'boil-egg');

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'async-api-cli-messages-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (argv: string[], overrides: Partial<CliIo> = {}): Promise<Run> => runCli(argv, cwd, overrides);

/** Writes `<cwd>/.local/endpoint.json` as `npm start` does, for a runtime with process id `pid`. */
function localRuntime(endpoint: string, auth: 'iam' | 'none', pid = process.pid): string {
  const dataDir = join(cwd, DEFAULT_LOCAL_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const credentialsFile = join(dataDir, 'credentials.json');
  writeFileSync(
    credentialsFile,
    JSON.stringify({ accessKeyId: 'AKIALOCALLOCALLOCAL1', secretAccessKey: 's'.repeat(40) }),
  );
  return writeLocalEndpoint(dataDir, { endpoint, auth, region: 'us-east-1', credentialsFile, pid });
}

describe('the endpoint file of npm start', () => {
  it('lets the documented `run --job <name> --input ...` work with nothing else set', async () => {
    await withContractServer({ jobs: { 'boil-egg': EGG_MACHINE } }, async (server) => {
      // Prepare
      localRuntime(server.url, 'none');

      // Act
      const run = await cli(['run', '--job', 'boil-egg', '--input', '{"text": "hello async world"}']);

      // Assess
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(server.requests[0]!.path).toBe('/boil-egg/start-execution');
    });
  });

  it("signs with the runtime's own key pair for iam, not with the keys in the environment", async () => {
    await withContractServer({}, async (server) => {
      // Prepare: real-looking keys in the environment, which the local runtime would refuse
      localRuntime(server.url, 'iam');
      const env = { AWS_ACCESS_KEY_ID: 'AKIAREALREALREALREAL', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'eu-west-1' };

      // Act
      const run = await cli(['start'], { env });

      // Assess: the key of the file; the region of the environment still comes first, as for outputs
      expect(run.code).toBe(ExitCode.Succeeded);
      expect(String(server.requests[0]!.headers.authorization)).toMatch(
        /Credential=AKIALOCALLOCALLOCAL1\/\d{8}\/eu-west-1\/execute-api\//,
      );
    });
  });

  it('is used for --endpoint when it names the same endpoint, and not for another', async () => {
    await withContractServer({}, async (server) => {
      // Prepare
      localRuntime(server.url, 'none');

      // Act
      const same = await cli(['start', '--endpoint', `${server.url}/`]);
      const other = await cli(['start', '--endpoint', 'http://127.0.0.1:9']);

      // Assess: the same endpoint is called unsigned (the file's auth); another gets the default, iam
      expect(same.code).toBe(ExitCode.Succeeded);
      expect(server.requests[0]!.headers.authorization).toBeUndefined();
      expect(other.code).toBe(ExitCode.Usage);
      expect(other.stderr).toMatch(/SigV4 \(iam\) by default, which needs a region/);
    });
  });

  it('is ignored when the runtime that wrote it no longer runs', async () => {
    // Prepare: a process id no process has (above the kernel's pid_max)
    localRuntime('http://127.0.0.1:9', 'none', 2 ** 30);

    // Act
    const run = await cli(['start']);

    // Assess
    expect(run.code).toBe(ExitCode.Usage);
    expect(run.stderr).toMatch(/no API endpoint: .*or run `npm start` in this folder\n$/);
  });

  it('names itself when it is not an endpoint file', async () => {
    mkdirSync(join(cwd, DEFAULT_LOCAL_DATA_DIR));
    writeFileSync(join(cwd, DEFAULT_LOCAL_DATA_DIR, 'endpoint.json'), '{"endpoint": 1}');

    const run = await cli(['start']);

    expect(run.code).toBe(ExitCode.Usage);
    expect(run.stderr).toMatch(/endpoint\.json is not an endpoint file of npm start; remove it, or restart npm start/);
  });
});

describe('an unknown job', () => {
  it.each([
    [['run', '--job', 'no-such-job', '--input', '{}']],
    [['start', '--job', 'no-such-job']],
    [['list', '--job', 'no-such-job']],
  ])('%j says which jobs the API has, exit 2', async (argv) => {
    await withContractServer({ jobs: { 'boil-egg': EGG_MACHINE } }, async (server) => {
      const run = await cli([...argv, '--endpoint', server.url, '--auth', 'none']);

      expect(run.code).toBe(ExitCode.Usage);
      expect(lines(run.stderr)).toEqual([
        'async-api: no job "no-such-job" in this API; its jobs: ramen-timer, boil-egg',
      ]);
    });
  });
});

describe('--webhook', () => {
  it("starts through the job's webhook route with the URL in the body", async () => {
    await withContractServer({ jobs: { 'boil-egg': EGG_MACHINE } }, async (server) => {
      const run = await cli([
        'start',
        ...['--job', 'boil-egg', '--webhook', 'https://example.com/hooks/1'],
        ...['--endpoint', server.url, '--auth', 'none'],
      ]);

      expect(run.code).toBe(ExitCode.Succeeded);
      expect(server.requests[0]!.path).toBe('/boil-egg/start-execution-with-webhook');
      expect(JSON.parse(server.requests[0]!.body)).toMatchObject({ input: {}, webhook: 'https://example.com/hooks/1' });
    });
  });

  it('takes the default job from the outputs file, and without one asks for --job', async () => {
    // The default job answers on its own route too, as in the stack
    await withContractServer({ jobs: { 'ramen-timer': MACHINE_ARN } }, async (server) => {
      // Act
      const unnamed = await cli([
        'run',
        '--webhook',
        'https://example.com/h',
        '--endpoint',
        server.url,
        '--auth',
        'none',
      ]);
      writeFileSync(
        join(cwd, 'cdktf.outputs.json'),
        JSON.stringify({ s: { api_endpoint: server.url, api_auth: 'NONE', default_job: 'ramen-timer' } }),
      );
      const named = await cli(['run', '--webhook', 'https://example.com/h']);

      // Assess
      expect(unnamed.code).toBe(ExitCode.Usage);
      expect(lines(unnamed.stderr)).toEqual([
        'async-api: --webhook needs --job <name>: the webhook routes are POST /<job>/start-execution-with-webhook',
      ]);
      expect(named.code).toBe(ExitCode.Succeeded);
      expect(server.requests[0]!.path).toBe('/ramen-timer/start-execution-with-webhook');
    });
  });

  it.each(['ftp://example.com/h', 'example.com/h'])('refuses %s before calling anything, exit 2', async (url) => {
    const run = await cli(['start', '--job', 'a', '--webhook', url, '--endpoint', 'http://127.0.0.1:9']);

    expect(run.code).toBe(ExitCode.Usage);
    expect(run.stderr).toMatch(/--webhook <url>.* is invalid\. Expected an absolute URL/);
  });
});

describe('wait on an execution the API does not know', () => {
  it('fails at the first 404, without waiting for it to appear', async () => {
    await withContractServer({}, async (server) => {
      // Act
      const run = await cli(['wait', ARN, '--endpoint', server.url, '--auth', 'none']);

      // Assess
      expect(run.code).toBe(ExitCode.ApiError);
      expect(server.requests.map((r) => r.path)).toEqual(['/describe-execution']);
      expect(lines(run.stderr).at(-1)).toBe(`async-api: Execution not found: ${ARN}`);
    });
  });
});

describe('re-attach hints', () => {
  it('start with npx and name the endpoint that came from the environment', async () => {
    await withContractServer({ runningDescribes: 100 }, async (server) => {
      const env = { ASYNC_API_ENDPOINT: server.url, ASYNC_API_AUTH: 'none' };

      const run = await cli(['run', '--timeout', '3s'], { env });

      expect(run.code).toBe(ExitCode.DeadlinePassed);
      expect(run.stderr).toMatch(
        new RegExp(`Re-attach with: npx async-api wait \\S+:execution:\\S+ --endpoint ${server.url}\\n`),
      );
    });
  });
});

describe('failureSummary', () => {
  it("shows a Lambda error's message, not its payload and trace", () => {
    const cause = JSON.stringify({
      errorType: 'PrimeCounter.InvalidInput',
      errorMessage: 'to must be a whole number from "from" (5) to 1000000000; got 1',
      trace: ['PrimeCounter.InvalidInput: ...', '    at message (/x/steps.ts:52:38)'],
    });

    expect(failureSummary('PrimeCounter.InvalidInput', cause)).toBe(
      'PrimeCounter.InvalidInput: to must be a whole number from "from" (5) to 1000000000; got 1',
    );
  });

  it(`keeps a cause in words to its first line and ${CAUSE_SHOWN_CHARS} characters`, () => {
    const exact = 'x'.repeat(CAUSE_SHOWN_CHARS);
    expect(failureSummary('E', exact)).toBe(`E: ${exact}`);
    expect(failureSummary('E', `${exact}y`)).toBe(`E: ${'x'.repeat(CAUSE_SHOWN_CHARS - 1)}…`);
    expect(failureSummary('States.Timeout', 'line one\nline two')).toBe('States.Timeout: line one');
    expect(failureSummary(null, null)).toBe('');
    expect(failureSummary('E', null)).toBe('E');
  });
});

describe('redrive', () => {
  it.each([
    ['epoch seconds, as the API answers now', 1732480005.5],
    ['an ISO string, as an API deployed before answered', '2024-11-24T20:26:45.500Z'],
  ])('prints redriveDate in ISO 8601 when the API answers %s', async (_label, redriveDate) => {
    const server = await startFakeServer(() => ({ status: 200, body: { executionArn: ARN, redriveDate } }));
    try {
      const run = await cli(['redrive', ARN, '--endpoint', server.url, '--auth', 'none']);

      expect(run.code).toBe(ExitCode.Succeeded);
      expect(JSON.parse(run.stdout)).toEqual({ executionArn: ARN, redriveDate: '2024-11-24T20:26:45.500Z' });
    } finally {
      await server.close();
    }
  });
});
