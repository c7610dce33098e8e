/**
 * The endpoint file `npm start` writes: with it, the README's `npx async-api run --job <name> --input
 * ...` works as written next to a running runtime, with the auth mode the runtime really uses (signed
 * with the runtime's own key pair under AWS_IAM, unsigned under NONE), and nothing is left behind.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, main } from '../../client/cli';
import { DEFAULT_LOCAL_DATA_DIR } from '../../client/local-endpoint';
import { publishEndpoint } from '../../local/endpoint-file';
import { JOBS } from '../../stacks/jobs';
import { DEFAULT_SETTINGS, startTestRuntime, type TestRuntime } from './helpers';

const REPO = join(__dirname, '..', '..');

/** The arguments of the first `npx async-api run` line of a doc's code, quotes removed as a shell would. */
function documentedRun(doc: string): string[] {
  const line = readFileSync(join(REPO, doc), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('npx async-api run '))!;
  const words = [...line.replace(/\s+#.*$/, '').matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  return words.slice(2);
}

/** Runs the CLI in `cwd` with an empty environment; returns the exit code and stderr. */
async function cli(argv: string[], cwd: string): Promise<[ExitCode, string]> {
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: () => true },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: {},
    cwd,
  });
  return [code, stderr];
}

jest.setTimeout(90_000);

/** The arguments of README's flagless client line (`npx async-api run --input '...'`), quotes removed. */
function readmeRun(): string[] {
  const line = /`npx async-api (run --input '[^']*')`/.exec(readFileSync(join(REPO, 'README.md'), 'utf8'))?.[1];
  return [...line!.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe.each([
  ['NONE', 'none'],
  ['AWS_IAM', 'iam'],
])('API_AUTH=%s', (apiAuth, auth) => {
  let cwd: string;
  let test: TestRuntime;
  let published: ReturnType<typeof publishEndpoint>;
  // A receiver where docs/webhooks.md's `listen --port 8080` would be.
  const deliveries: IncomingHttpHeaders[] = [];
  const receiver = createServer((req, res) => {
    deliveries.push(req.headers);
    req.resume().on('end', () => res.writeHead(204).end());
  });
  // The client runs below are independent (each starts its own execution) and each waits a second or
  // more for its job, so they all start once the runtime is up and each test awaits its own.
  const runs = new Map<string, Promise<[ExitCode, string]>>();
  const run = (key: string) => runs.get(key)!;
  let webhookArgs: string[] = [];

  beforeAll(async () => {
    // A checkout's folder with the runtime's data folder where npm start puts it
    cwd = mkdtempSync(join(tmpdir(), 'async-api-endpoint-file-'));
    const dataDir = join(cwd, DEFAULT_LOCAL_DATA_DIR);
    test = await startTestRuntime({ settings: { ...DEFAULT_SETTINGS, API_AUTH: apiAuth }, dataDir });
    published = publishEndpoint(test.runtime, dataDir);
    receiver.listen(0, '127.0.0.1');
    await new Promise((resolve) => receiver.once('listening', resolve));
    const port = (receiver.address() as AddressInfo).port;

    // An environment without endpoint, keys or region, in the checkout's folder
    for (const job of JOBS)
      runs.set(job.name, cli(['run', '--job', job.name, '--input', JSON.stringify(job.exampleInput), '--quiet'], cwd));
    runs.set('readme', cli([...readmeRun(), '--quiet'], cwd));
    webhookArgs = documentedRun('docs/webhooks.md').map((a) =>
      a.replace('http://127.0.0.1:8080/', `http://127.0.0.1:${port}/`),
    );
    runs.set('webhooks', cli([...webhookArgs, '--quiet'], cwd));
  });
  afterAll(async () => {
    await Promise.allSettled(runs.values());
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    published?.remove();
    await test?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it(`says ${auth}, the runtime's URL and region`, () => {
    expect(JSON.parse(readFileSync(published.path, 'utf8'))).toEqual({
      endpoint: test.url,
      auth,
      region: test.runtime.model.region,
      credentialsFile: join(cwd, DEFAULT_LOCAL_DATA_DIR, 'credentials.json'),
      pid: process.pid,
    });
  });

  it.each(JOBS.map((j) => [j.name]))(
    'lets `async-api run --job %s --input <example>` succeed with no flag and no variable',
    async (name) => {
      expect(await run(name)).toEqual([ExitCode.Succeeded, '']);
    },
  );

  it("runs README's flagless client line as written", async () => {
    expect(await run('readme')).toEqual([ExitCode.Succeeded, '']);
  });

  it("runs docs/webhooks.md's local command as written: the receiver gets one signed delivery", async () => {
    // Act
    const result = await run('webhooks');
    await test.runtime.webhooks.idle();

    // Assess
    expect(webhookArgs).toContain('--webhook');
    expect(result).toEqual([ExitCode.Succeeded, '']);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!['webhook-signature']).toMatch(/^v1,/);
  });

  it('is removed by the process that wrote it', () => {
    published.remove();
    expect(existsSync(published.path)).toBe(false);
  });
});
