/**
 * npm 11.16+ warns on every `npm ci` about dependencies whose install scripts `allowScripts` in
 * package.json does not cover, and npm 12 skips them. Every such package of the lock file has a
 * decision (README, "Dependency notes"), and none is kept for a package that no longer has a script,
 * so a fresh install stays quiet. `.npmrc`'s `allow-scripts` could only allow: package.json can also deny.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Package names with an install script in a lock file (`hasInstallScript`). */
function withInstallScripts(lockFile: string): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, lockFile), 'utf8')) as {
    packages: Record<string, { hasInstallScript?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([, entry]) => entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
}

describe('install scripts', () => {
  const { allowScripts = {} } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    allowScripts?: Record<string, boolean>;
  };

  it('are allowed or denied, by name, for every package of the lock file that has one, and only those', () => {
    expect(Object.keys(allowScripts).sort()).toEqual([...new Set(withInstallScripts('package-lock.json'))].sort());
    expect(Object.values(allowScripts).every((v) => typeof v === 'boolean')).toBe(true);
  });

  it("are none in cdktn-cli's own lock file (scripts/cdktn-cli, installed on first use)", () => {
    expect(withInstallScripts('scripts/cdktn-cli/package-lock.json')).toEqual([]);
  });
});
