/**
 * jest's global setup and teardown give each run a temporary folder of its own and remove it at the
 * end: TMPDIR (TMP and TEMP on Windows) points into it for every worker and every process a test
 * starts, so whatever a test or a library leaves in "the temp folder" (cdktf's `Testing` writes a
 * `cdktf.outdir.*` folder per synthesized scope and never removes it) goes when the run ends. A run
 * that was killed leaves its folder; the next run removes folders whose process is gone.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneSynthCache, sourcesDigest } from './synth-cache';

/** Name prefix of the per-run folders, followed by the pid of the jest process that made it. */
export const RUN_PREFIX = 'async-api-jest-';
const TEMP_VARIABLES = ['TMPDIR', 'TMP', 'TEMP'] as const;
const REPO_ROOT = join(__dirname, '..');

/** Whether process `pid` is alive (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes per-run folders in `parent` whose jest process has gone; returns their names. */
export function removeOrphanRunFolders(parent: string, isAlive: (pid: number) => boolean = alive): string[] {
  const orphans = readdirSync(parent).filter((name) => {
    const match = new RegExp(`^${RUN_PREFIX}(\\d+)-`).exec(name);
    return match !== null && !isAlive(Number(match[1]));
  });
  for (const name of orphans) rmSync(join(parent, name), { recursive: true, force: true });
  return orphans;
}

// Setup and teardown may load this module separately: what teardown needs travels in the environment.
const { RUN_STATE_VARIABLE: STATE, runFolderOf } = require('./run-folder.cjs') as {
  RUN_STATE_VARIABLE: string;
  runFolderOf(env: NodeJS.ProcessEnv): string | undefined;
};

/**
 * The folder of the jest run this process belongs to (the main process and its workers, which
 * inherit the environment setup wrote), or undefined outside such a run.
 */
export function currentRunFolder(): string | undefined {
  return runFolderOf(process.env);
}

/** jest globalSetup. */
export async function setup(): Promise<void> {
  const parent = tmpdir();
  removeOrphanRunFolders(parent);
  const runFolder = mkdtempSync(join(parent, `${RUN_PREFIX}${process.pid}-`));
  const saved: Record<string, string | null> = {};
  for (const name of TEMP_VARIABLES) {
    saved[name] = process.env[name] ?? null;
    process.env[name] = runFolder;
  }
  process.env[STATE] = JSON.stringify({ runFolder, saved });
  // Half-written cache folders of a killed run go too; not younger ones: another jest run in this
  // checkout (a test of this very setup starts one) may be writing them.
  pruneSynthCache(REPO_ROOT, sourcesDigest(REPO_ROOT), { inProgressOlderThanMs: 15 * 60_000 });
}

/** jest globalTeardown. */
export async function teardown(): Promise<void> {
  const state = process.env[STATE];
  if (state === undefined) return;
  const { runFolder, saved } = JSON.parse(state) as { runFolder: string; saved: Record<string, string | null> };
  for (const [name, value] of Object.entries(saved)) {
    if (value === null) delete process.env[name];
    else process.env[name] = value;
  }
  delete process.env[STATE];
  if (existsSync(runFolder)) rmSync(runFolder, { recursive: true, force: true });
}
