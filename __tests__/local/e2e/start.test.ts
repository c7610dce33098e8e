/**
 * `npm start`'s entry (local/index.ts) as a process, synthesizing as a user's `npm start` does: it
 * serves only what it synthesized itself, into its own folder, with the settings of this start; and a
 * port in use is one line naming PORT.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../../../local/runtime';
import { spawnRuntime } from '../../robustness/runtime-process';
import { DEFAULT_SETTINGS, postJson, synthesize } from '../helpers';

jest.setTimeout(240_000);

describe('npm start', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'async-api-test-start-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  // What a user's shell gives: no LOCAL_OUTDIR, synthesis on, watch off (nothing to watch here).
  const start = (apiAuth: string) =>
    spawnRuntime({
      outdir: '',
      dataDir,
      env: {
        ...DEFAULT_SETTINGS,
        API_AUTH: apiAuth,
        LOCAL_OUTDIR: '',
        LOCAL_SKIP_SYNTH: '0',
        LOCAL_WATCH: '0',
        LOCAL_FUNCTION_LOG: '0',
        LOCAL_ACCESS_LOG: '0',
      },
      startTimeoutMs: 120_000,
    });

  it('synthesizes into its own folder and serves the settings of each start (AWS_IAM, then NONE)', async () => {
    // Act: first start with signed routes.
    const signed = await start('AWS_IAM');
    const refused = await postJson(`${signed.url}/start-execution`, { input: { seconds: 0 } });
    await signed.stop();

    // Assess: the synthesis went to the data folder, not to the cdktf.out that npm run synth/deploy write.
    expect(existsSync(join(dataDir, 'cdktf.out', 'manifest.json'))).toBe(true);
    expect(signed.output()).toMatch(/Synthesizing \(no synthesized stack yet\)/);
    expect(refused.status).toBe(403);

    // Act: second start with API_AUTH=NONE.
    const open = await start('NONE');
    const accepted = await postJson(`${open.url}/start-execution`, { input: { seconds: 0 } });
    await open.stop();

    // Assess: re-synthesized for the new setting, and a plain request works.
    expect(open.output()).toMatch(/Synthesizing \(configuration changed: API_AUTH\)/);
    expect(accepted.status).toBe(200);
  });

  it('names PORT when the port is in use', async () => {
    // Prepare: someone else holds a port.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;

    try {
      // Act / Assess
      await expect(startRuntime({ outdir: synthesize(), port, dataDir, log: () => undefined })).rejects.toThrow(
        new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is already in use .*PORT=<number>$`),
      );
    } finally {
      holder.close();
    }
  });
});
