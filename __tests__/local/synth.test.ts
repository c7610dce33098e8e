import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_VARIABLES, staleReason } from '../../local/synth';

describe('staleReason', () => {
  let root: string;
  const config = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, name === 'API_AUTH' ? 'NONE' : null]));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'synth-stale-'));
    mkdirSync(join(root, 'stacks'));
    mkdirSync(join(root, 'out'));
    writeFileSync(join(root, 'main.ts'), '');
    writeFileSync(join(root, 'stacks', 'a.ts'), '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'main.ts'), old, old);
    utimesSync(join(root, 'stacks', 'a.ts'), old, old);
    writeFileSync(join(root, 'out', 'manifest.json'), '{}');
    writeFileSync(join(root, 'out', 'local-runtime-synth.json'), JSON.stringify(config));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is current when nothing changed since the last synthesis', () => {
    // Act / Assess
    expect(staleReason(root, join(root, 'out'), config)).toBeUndefined();
  });

  it('names a source file that changed after the synthesis', () => {
    // Prepare
    writeFileSync(join(root, 'stacks', 'a.ts'), 'changed');
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, 'stacks', 'a.ts'), later, later);

    // Act / Assess
    expect(staleReason(root, join(root, 'out'), config)).toBe('stacks/a.ts changed');
  });

  it('names the configuration variables that differ, and a missing synthesis', () => {
    // Act / Assess
    expect(staleReason(root, join(root, 'out'), { ...config, API_AUTH: 'AWS_IAM' })).toBe('configuration changed: API_AUTH');
    expect(staleReason(root, join(root, 'nowhere'), config)).toBe('no synthesized stack yet');
  });
});
