/**
 * `LOCAL_ACCESS_LOG=0` (`accessLog: false`): the stage's access-log lines are not rendered at all
 * (local/apigw/gateway.ts skips the rendering without a sink), nothing reaches stdout, and the request
 * is answered as usual.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Runtime, startRuntime } from '../../../local/runtime';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import { postJson, synthesize } from '../helpers';

jest.setTimeout(60_000);

describe('a runtime started with accessLog: false', () => {
  let runtime: Runtime | undefined;
  let dataDir: string;
  afterEach(async () => {
    jest.restoreAllMocks();
    await runtime?.close();
    runtime = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers HTTP API requests and prints no access-log line', async () => {
    // Prepare
    dataDir = mkdtempSync(join(tmpdir(), 'async-api-access-off-'));
    runtime = await startRuntime({ outdir: synthesize(), port: 0, dataDir, log: () => undefined, accessLog: false });
    const stdout = jest.spyOn(process.stdout, 'write');

    // Act
    const response = await postJson(`${runtime.url}/start-execution`, { input: defaultJob(JOBS).exampleInput });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toHaveProperty('executionArn');
    expect(stdout).not.toHaveBeenCalled();
  });
});
