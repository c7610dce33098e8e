import { type ScannedResource, type StackDocument, scanResources } from '../../security/terraform';
import { stackIds } from '../../stacks/app';
import { parseConfig } from '../../stacks/config';
import { synthesizedStacks } from '../app-synth';

/** The environment the scanned app is synthesized with (GITHUB_REPOSITORY enables `ci-access`). */
export const SCAN_ENV = { TF_STATE_BUCKET: 'test-state', GITHUB_REPOSITORY: 'example-org/async-api' } as const;

/** The whole app, synthesized once per jest run and settings (__tests__/app-synth.ts). */
export interface SynthesizedApp {
  readonly stacks: readonly StackDocument[];
  readonly resources: readonly ScannedResource[];
  readonly ciAccessStackId: string;
}

/** The real app as `main.ts` synthesizes it, with {@link SCAN_ENV} plus `env`, and its resources scanned. */
export function synthesizeApp(env: Record<string, string> = {}): SynthesizedApp {
  const config = { ...SCAN_ENV, ...env };
  const stacks = synthesizedStacks(config);
  const ids = stackIds(parseConfig(config)) as Record<string, string>;
  const ciAccessStackId = ids['ciAccess'] ?? 'ci-access';
  // GITHUB_REPOSITORY is set, so the app must have it: a scan without it would pass by looking at less.
  if (!stacks.some((s) => s.id === ciAccessStackId))
    throw new Error(`no ${ciAccessStackId} stack was synthesized with GITHUB_REPOSITORY=${SCAN_ENV.GITHUB_REPOSITORY}`);
  return { stacks, resources: scanResources(stacks), ciAccessStackId };
}

/** Terraform JSON `resource` blocks for a one-stack fixture: `{ type: { name: config } }`. */
export type ResourceJson = Record<string, Record<string, Record<string, unknown>>>;

/** Scans a hand-written stack (for rules that must fail on bad input); region us-east-1. */
export function scanFixture(resource: ResourceJson, stackId = 'fixture'): ScannedResource[] {
  return scanResources([{ id: stackId, json: { provider: { aws: [{ region: 'us-east-1' }] }, resource } }]);
}
