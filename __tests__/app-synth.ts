/**
 * The real app (every stack), synthesized as `main.ts` does it, once per jest run and settings.
 *
 * Several test files read the same app: the security scan, the S3 backend, the AWS limits, the
 * partitions, the webhook secret. Each synthesized it again (about 0.3 s and 100 MB of garbage per
 * synthesis; jest gives every file its own modules, so no in-memory memo outlives a file). The first
 * file to ask writes the stacks' JSON into the run's own folder (temp-folder.ts), which the run
 * removes at its end; the others read it. Within a run the sources do not change, so the settings
 * are the whole key. Outside a jest run (no run folder) nothing is kept.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { readStacks, type StackDocument } from '../security/terraform';
import { buildApp } from '../stacks/app';
import { parseConfig } from '../stacks/config';
import { currentRunFolder } from './temp-folder';

const { writeAside } = require('./write-aside.cjs') as { writeAside(file: string, text: string): void };

/**
 * Every stack of the app synthesized with `env` (stacks/config.ts variables), validated as at deploy.
 * @param folder where the run keeps them; the current jest run's folder unless a test chooses
 */
export function synthesizedStacks(
  env: Readonly<Record<string, string>>,
  folder: string | undefined = currentRunFolder(),
): StackDocument[] {
  if (folder === undefined) return synthesize(env);
  const key = createHash('sha256')
    .update(JSON.stringify(Object.entries(env).sort(([a], [b]) => a.localeCompare(b))))
    .digest('hex')
    .slice(0, 16);
  const file = join(folder, 'synthesized-apps', `${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StackDocument[];
  const stacks = synthesize(env);
  // A worker synthesizing the same settings at the same time never reads half a file.
  writeAside(file, JSON.stringify(stacks));
  return stacks;
}

function synthesize(env: Readonly<Record<string, string>>): StackDocument[] {
  const outdir = mkdtempSync(join(tmpdir(), 'async-api-app-'));
  try {
    const app = new App({ outdir });
    buildApp(app, parseConfig(env), { buildDir: join(outdir, 'bundles') });
    app.synth();
    return readStacks(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
