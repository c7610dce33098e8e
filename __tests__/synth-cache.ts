/**
 * Where tests keep synthesized stacks between runs: inside the checkout (`.build/test-synth/`), in a
 * folder named by a digest of the sources' content and of the settings. Another checkout's tests
 * cannot hand this one a stack built from other sources (the old cache in the system temp folder,
 * keyed by settings only, did: 32 failures and a load test that lost every execution), and an edit
 * gives a new folder instead of a stale hit. Folders of other digests are removed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sourceDigests } from '../local/synth';

/** App settings for a synthesis (stacks/config.ts variables). */
export type SynthSettings = Readonly<Record<string, string>>;

/** Marks a folder still being written; published folders are complete and never change. */
export const IN_PROGRESS = '.tmp-';

/** The cache folder of a checkout. */
export function synthCacheRoot(repoRoot: string): string {
  return join(repoRoot, '.build', 'test-synth');
}

/**
 * A digest of the content (not the times) of every source the synthesis reads: the files and
 * digests `npm start` stamps its output with (local/synth.ts), so both agree on what "changed"
 * means. A second checkout, or a `git checkout` or `touch` that leaves the content alone, keeps it.
 */
export function sourcesDigest(repoRoot: string): string {
  return createHash('sha256')
    .update(JSON.stringify(sourceDigests(repoRoot)))
    .digest('hex')
    .slice(0, 16);
}

/** The cache folder for `settings` with the sources as they are now. */
export function synthCacheDir(repoRoot: string, settings: SynthSettings, digest = sourcesDigest(repoRoot)): string {
  const settingsKey = createHash('sha256')
    .update(JSON.stringify(Object.entries(settings).sort()))
    .digest('hex')
    .slice(0, 12);
  return join(synthCacheRoot(repoRoot), `${digest}-${settingsKey}`);
}

/**
 * Removes cache folders built from other sources than `digest`, and with `inProgressOlderThanMs`
 * also half-written folders that old: a killed run's. A synthesis is bounded (local/synth.ts stops
 * it after minutes), so a concurrent run's synthesis in progress is never that old.
 * @returns the names removed
 */
export function pruneSynthCache(
  repoRoot: string,
  digest: string,
  options: { inProgressOlderThanMs?: number; now?: number } = {},
): string[] {
  const root = synthCacheRoot(repoRoot);
  if (!existsSync(root)) return [];
  const { inProgressOlderThanMs, now = Date.now() } = options;
  const removed = readdirSync(root).filter(
    (name) =>
      !name.startsWith(`${digest}-`) ||
      (inProgressOlderThanMs !== undefined &&
        name.includes(IN_PROGRESS) &&
        now - statSync(join(root, name)).mtimeMs > inProgressOlderThanMs),
  );
  for (const name of removed) rmSync(join(root, name), { recursive: true, force: true });
  return removed;
}
