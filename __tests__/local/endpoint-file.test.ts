/**
 * The endpoint file `npm start` writes: with it, the README's `npx async-api run --job <name> --input
 * ...` works as written next to a running runtime, with the auth mode the runtime really uses (signed
 * with the runtime's own key pair under AWS_IAM, unsigned under NONE), and nothing is left behind.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, main } from '../../client/cli';
import { DEFAULT_LOCAL_DATA_DIR } from '../../client/local-endpoint';
import { publishEndpoint } from '../../local/endpoint-file';
import { JOBS } from '../../stacks/jobs';
import { DEFAULT_SETTINGS, startTestRuntime, type TestRuntime } from './helpers';

jest.setTimeout(90_000);

describe.each([
  ['NONE', 'none'],
  ['AWS_IAM', 'iam'],
])('API_AUTH=%s', (apiAuth, auth) => {
  let cwd: string;
  let test: TestRuntime;
  let published: ReturnType<typeof publishEndpoint>;

  beforeAll(async () => {
    // A checkout's folder with the runtime's data folder where npm start puts it
    cwd = mkdtempSync(join(tmpdir(), 'async-api-endpoint-file-'));
    const dataDir = join(cwd, DEFAULT_LOCAL_DATA_DIR);
    test = await startTestRuntime({ settings: { ...DEFAULT_SETTINGS, API_AUTH: apiAuth }, dataDir });
    published = publishEndpoint(test.runtime, dataDir);
  });
  afterAll(async () => {
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

  it.each(JOBS.map((j) => [j.name, j]))(
    'lets `async-api run --job %s --input <example>` succeed with no flag and no variable',
    async (name, job) => {
      // Act: an environment without endpoint, keys or region
      let stderr = '';
      const code = await main(['run', '--job', name, '--input', JSON.stringify(job.exampleInput), '--quiet'], {
        stdout: { write: () => true },
        stderr: { write: (chunk: string) => (stderr += chunk) },
        env: {},
        cwd,
      });

      // Assess
      expect([code, stderr]).toEqual([ExitCode.Succeeded, '']);
    },
  );

  it('is removed by the process that wrote it', () => {
    published.remove();
    expect(existsSync(published.path)).toBe(false);
  });
});
