import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import packageJson from '../../package.json';
import { ROUTE_FUNCTION_ENTRIES, STATUS_FUNCTION_ENTRY } from '../../stacks/constructs/async-job-api';
import { WEBHOOK_SENDER_ENTRY } from '../../stacks/constructs/webhook-notifications';
import { WEBHOOK_START_ENTRY } from '../../stacks/constructs/webhook-start';
import { JOBS } from '../../stacks/jobs';

const ROOT = join(__dirname, '..', '..');

/**
 * What runs outside development: synth (`main.ts`, and the Lambda handlers esbuild bundles then),
 * the `async-api` CLI, and the cdktf CLI wrapper behind plan, deploy and destroy.
 */
const SHIPPED_ENTRIES: readonly string[] = [
  join(ROOT, 'main.ts'),
  join(ROOT, 'client', 'bin', 'async-api.cjs'),
  join(ROOT, 'scripts', 'cdktf.cjs'),
  STATUS_FUNCTION_ENTRY,
  ...Object.values(ROUTE_FUNCTION_ENTRIES),
  WEBHOOK_START_ENTRY,
  WEBHOOK_SENDER_ENTRY,
  ...JOBS.flatMap((job) => job.functions.map((fn) => fn.entry)),
];

/** The npm packages `entry` reaches through static and dynamic imports, our own files followed. */
function packagesReachedFrom(entry: string): Set<string> {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    packages: 'external',
    logLevel: 'silent',
    outdir: join(ROOT, '.build', 'dependency-check'),
  });
  const packages = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (!imported.external || imported.path.startsWith('node:') || builtinModules.includes(imported.path)) continue;
      const parts = imported.path.split('/');
      packages.add(imported.path.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return packages;
}

describe('dependencies', () => {
  it.each(SHIPPED_ENTRIES.map((entry) => [entry.slice(ROOT.length + 1), entry]))(
    '%s imports only packages listed in dependencies',
    (_name, entry) => {
      // Act
      const reached = [...packagesReachedFrom(entry)];

      // Assess
      expect(reached.filter((name) => !(name in packageJson.dependencies))).toEqual([]);
    },
  );

  it('lists in dependencies nothing that only development uses', () => {
    // Act
    const reached = new Set(SHIPPED_ENTRIES.flatMap((entry) => [...packagesReachedFrom(entry)]));

    // Assess: the rest belongs in devDependencies
    expect(Object.keys(packageJson.dependencies).filter((name) => !reached.has(name))).toEqual([]);
  });

  it('keeps the AGPL iam-simulate a development dependency', () => {
    expect(packageJson.devDependencies).toHaveProperty(['@cloud-copilot/iam-simulate']);
    expect(packageJson.dependencies).not.toHaveProperty(['@cloud-copilot/iam-simulate']);
  });
});
