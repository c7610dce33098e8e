import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { readStacks, type ScannedResource, type StackDocument, scanResources } from '../../security/terraform';
import { buildApp, stackIds } from '../../stacks/app';
import { parseConfig } from '../../stacks/config';

/** The environment the scanned app is synthesized with (GITHUB_REPOSITORY enables `ci-access`). */
export const SCAN_ENV = { TF_STATE_BUCKET: 'test-state', GITHUB_REPOSITORY: 'example-org/async-api' } as const;

/** The whole app, synthesized once per test file. */
export interface SynthesizedApp {
  readonly stacks: readonly StackDocument[];
  readonly resources: readonly ScannedResource[];
  readonly ciAccessStackId: string;
}

/**
 * Synthesizes the real app in-process (what `main.ts` does, with {@link SCAN_ENV} plus `env`) into a
 * temporary folder, reads every stack back and removes the folder.
 */
export function synthesizeApp(env: Record<string, string> = {}): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'async-api-security-'));
  try {
    const config = parseConfig({ ...SCAN_ENV, ...env });
    const app = new App({ outdir });
    buildApp(app, config, { buildDir: join(outdir, 'bundles') });
    app.synth();
    const stacks = readStacks(outdir);
    const ids = stackIds(config) as Record<string, string>;
    const ciAccessStackId = ids['ciAccess'] ?? 'ci-access';
    // GITHUB_REPOSITORY is set, so the app must have it: a scan without it would pass by looking at less.
    if (!stacks.some((s) => s.id === ciAccessStackId))
      throw new Error(
        `no ${ciAccessStackId} stack was synthesized with GITHUB_REPOSITORY=${SCAN_ENV.GITHUB_REPOSITORY}`,
      );
    return { stacks, resources: scanResources(stacks), ciAccessStackId };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Terraform JSON `resource` blocks for a one-stack fixture: `{ type: { name: config } }`. */
export type ResourceJson = Record<string, Record<string, Record<string, unknown>>>;

/** Scans a hand-written stack (for rules that must fail on bad input); region us-east-1. */
export function scanFixture(resource: ResourceJson, stackId = 'fixture'): ScannedResource[] {
  return scanResources([{ id: stackId, json: { provider: { aws: [{ region: 'us-east-1' }] }, resource } }]);
}
