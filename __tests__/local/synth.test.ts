import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../local/runtime';
import { CONFIG_VARIABLES, staleReason, synthIfStale } from '../../local/synth';

// A stand-in app: synthesizes in a fraction of a second by writing a manifest, as cdktf would.
const FAKE_APP = `require('node:fs').writeFileSync(require('node:path').join(process.env.CDKTF_OUTDIR, 'manifest.json'), JSON.stringify({ auth: process.env.API_AUTH ?? null }));\n`;

describe('staleReason / synthIfStale', () => {
  let root: string;
  let outdir: string;
  const env = { API_AUTH: 'NONE' };
  const config = Object.fromEntries(
    CONFIG_VARIABLES.map((name) => [
      name,
      name === 'API_AUTH' ? 'NONE' : name === 'TF_STATE_BUCKET' ? 'async-api-local-unused' : null,
    ]),
  );

  beforeEach(() => {
    // Prepare: a checkout with a fake app, synthesized once.
    root = mkdtempSync(join(tmpdir(), 'synth-stale-'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    mkdirSync(join(root, 'stacks'));
    writeFileSync(join(root, 'main.ts'), FAKE_APP);
    writeFileSync(join(root, 'stacks', 'a.ts'), 'export const a = 1;\n');
    outdir = join(root, '.local', 'cdktf.out');
    expect(synthIfStale({ repoRoot: root, outdir, env })).toBe(true);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is current when nothing changed since the last synthesis, even if a file was touched', () => {
    // Act
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, 'stacks', 'a.ts'), later, later);

    // Assess: content counts, not dates.
    expect(staleReason(root, outdir, config)).toBeUndefined();
    expect(synthIfStale({ repoRoot: root, outdir, env })).toBe(false);
  });

  it('names a source file whose content changed, was added or was removed', () => {
    // Act / Assess
    writeFileSync(join(root, 'stacks', 'a.ts'), 'export const a = 2;\n');
    expect(staleReason(root, outdir, config)).toBe('stacks/a.ts changed');
    writeFileSync(join(root, 'stacks', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'stacks', 'b.ts'), '');
    expect(staleReason(root, outdir, config)).toBe('stacks/b.ts added');
    rmSync(join(root, 'main.ts'));
    expect(staleReason(root, outdir, config)).toBe('main.ts removed');
  });

  it('names the configuration variables that differ, and a missing synthesis', () => {
    // Act / Assess
    expect(staleReason(root, outdir, { ...config, API_AUTH: 'AWS_IAM' })).toBe('configuration changed: API_AUTH');
    expect(staleReason(root, join(root, 'nowhere'), config)).toBe('no synthesized stack yet');
  });

  it('is stale when another command wrote into the folder after the stamp (npm start, then a synth with API_AUTH=AWS_IAM)', () => {
    // Act: what `CDKTF_OUTDIR=<folder> API_AUTH=AWS_IAM npm run synth` does to the output; the stamp stays.
    writeFileSync(join(outdir, 'manifest.json'), JSON.stringify({ auth: 'AWS_IAM' }));

    // Assess: the stamp no longer vouches for the output; the next start synthesizes with its own settings.
    expect(staleReason(root, outdir, config)).toBe('the output was changed by another command');
    expect(synthIfStale({ repoRoot: root, outdir, env })).toBe(true);
    expect(JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'))).toEqual({ auth: 'NONE' });
  });

  it('treats an output without a stamp, or with an older stamp, as not its own', () => {
    // Act / Assess
    writeFileSync(join(outdir, 'local-runtime-synth.json'), JSON.stringify(config));
    expect(staleReason(root, outdir, config)).toBe('synthesized by an older version of the runtime');
    rmSync(join(outdir, 'local-runtime-synth.json'));
    expect(staleReason(root, outdir, config)).toBe('synthesized by another command');
  });
});
