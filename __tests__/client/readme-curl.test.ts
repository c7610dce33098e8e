/**
 * The README's signed curl command, run by bash as a user would paste it, against the local
 * runtime with API_AUTH=AWS_IAM: it must work with no AWS_SESSION_TOKEN set (long-term keys, as the
 * runtime's developer keys are), and send the token when one is set (temporary credentials).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_SETTINGS, startTestRuntime, type TestRuntime, uniqueName } from '../local/helpers';

jest.setTimeout(30_000);

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The bash block that follows "Against AWS, signed with your credentials". */
function readmeCurlBlock(): string {
  const match = /Against AWS, signed with your credentials[^\n]*\n\n```bash\n([\s\S]*?)\n```/.exec(README);
  if (!match) throw new Error('README.md has no signed curl example after "Against AWS, signed with your credentials"');
  return match[1]!;
}

/** Runs the block in a folder whose cdktf.outputs.json points at `url`; the name is made unique per run. */
async function runBlock(url: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'async-api-readme-curl-'));
  try {
    writeFileSync(join(cwd, 'cdktf.outputs.json'), JSON.stringify({ 'async-api-dev': { api_endpoint: url } }));
    const script = readmeCurlBlock().replace('"name": "ramen-42"', `"name": "${uniqueName('readme')}"`);
    return await promisify(execFile)('bash', ['-c', script], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 15_000,
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

describe("README's signed curl example", () => {
  let test: TestRuntime;
  beforeAll(async () => {
    test = await startTestRuntime({ settings: { ...DEFAULT_SETTINGS, API_AUTH: 'AWS_IAM' } });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('starts an execution with long-term keys and no AWS_SESSION_TOKEN set', async () => {
    // Prepare
    const { accessKeyId, secretAccessKey } = test.runtime.credentials;

    // Act
    const { stdout } = await runBlock(test.url, {
      AWS_REGION: test.runtime.model.region,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
    });

    // Assess
    expect(JSON.parse(stdout)).toMatchObject({ executionArn: expect.stringContaining(':execution:') });
  });

  it.each([
    ['set', { AWS_SESSION_TOKEN: 'token-1' }, 'token-1'],
    ['unset', {}, undefined],
  ])('sends x-amz-security-token only when AWS_SESSION_TOKEN is %s', async (_what, tokenEnv, expected) => {
    // Prepare: a server that records what curl sends
    let seen: IncomingHttpHeaders | undefined;
    const server = createServer((request, response) => {
      seen = request.headers;
      response.setHeader('content-type', 'application/json');
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

      // Act
      await runBlock(url, {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        ...tokenEnv,
      });

      // Assess
      expect(seen?.['x-amz-security-token']).toBe(expected);
      expect(String(seen?.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
