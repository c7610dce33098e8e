/**
 * Synthesizes the app for the local runtime, into a folder of the runtime's own, and knows when that
 * output is stale, so `npm start` serves exactly what it synthesized with the current settings and
 * sources.
 *
 * After each synthesis it writes a stamp beside the output holding the settings, a digest of every
 * source file's content, and a digest of the output it wrote. The output is stale when any of the
 * three differs: a setting (`API_AUTH=NONE` changes the stack without touching a file), a source
 * (by content, not by date: a `git checkout` that restores an older file is a change too), or the
 * output itself (another command wrote into the folder).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CONFIG_VARIABLES } from '../stacks/config';

/** Environment variables stacks/config.ts reads; a change in any of them means the stack changed. */
export { CONFIG_VARIABLES };

/**
 * Sources whose change requires a new synthesis, relative to the repository root: the stamp
 * digests them and watch mode watches them. Add a folder here (e.g. a new job registry) and both
 * follow.
 */
// scripts/require-node.cjs: main.ts imports it first, so a synthesis cannot run without it.
export const SOURCES: readonly string[] = [
  'main.ts',
  'scripts/require-node.cjs',
  'stacks',
  'lambda-src',
  'statemachine',
  'package-lock.json',
];
const STAMP = 'local-runtime-synth.json';
const STAMP_VERSION = 2;
// A synthesis takes seconds. spawnSync blocks the event loop, so no caller's timer (a test timeout,
// a watchdog) can fire while it waits: without a bound, a synthesis that never ends hangs its caller
// for good, silently.
const SYNTH_TIMEOUT_MS = 180_000;
/** The state bucket only matters to `terraform init`; locally any valid name will do. */
export const PLACEHOLDER_STATE_BUCKET = 'async-api-local-unused';

/** Options of {@link synthIfStale}. */
export interface SynthOptions {
  readonly repoRoot: string;
  readonly outdir: string;
  /** The environment to synthesize with (the CLI passes process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Progress messages. */
  readonly log?: (line: string) => void;
}

/** What the stamp records about one synthesis. */
interface Stamp {
  readonly version: number;
  readonly config: Record<string, string | null>;
  /** sha256 of each source file's content, by path relative to the repository root. */
  readonly sources: Record<string, string>;
  /** sha256 over the output folder's files (the stamp excluded). */
  readonly output: string;
}

/**
 * Synthesizes with `CDKTF_OUTDIR=outdir` when the output is stale (blocking).
 * @returns whether it synthesized.
 * @throws Error with the app's output when synthesis fails.
 */
export function synthIfStale(options: SynthOptions): boolean {
  const { env, config } = synthEnv(options.env);
  const reason = staleReason(options.repoRoot, options.outdir, config);
  if (!reason) return false;
  options.log?.(`Synthesizing (${reason})...`);
  // The sources are read before the app runs: an edit during the synthesis then makes the stamp
  // stale, never a stale output look current.
  const sources = sourceDigests(options.repoRoot);
  // cdktf creates the output folder but not its parents (the data folder on a first start).
  mkdirSync(options.outdir, { recursive: true });
  // The same command as `npm run synth` and cdktf.json: one Node.js process, no tsx CLI wrapper.
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: options.repoRoot,
    env: { ...env, CDKTF_OUTDIR: options.outdir, CHECKPOINT_DISABLE: '1' } as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: SYNTH_TIMEOUT_MS,
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new Error(
      `Synthesis did not finish within ${SYNTH_TIMEOUT_MS / 1000} s and was stopped:\n${result.stderr || result.stdout}`,
    );
  }
  if (result.status !== 0) {
    throw new Error(
      `Synthesis failed (exit ${String(result.status ?? result.signal)}):\n${result.stderr || result.stdout}`,
    );
  }
  writeStamp(options.outdir, config, sources);
  return true;
}

/**
 * Synthesizes into `outdir` without blocking the event loop (watch mode keeps serving meanwhile),
 * whether or not the output is stale, and stamps it.
 * @throws Error with the app's output when synthesis fails.
 */
export async function synthesize(options: SynthOptions): Promise<void> {
  const { env, config } = synthEnv(options.env);
  const sources = sourceDigests(options.repoRoot);
  mkdirSync(options.outdir, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: options.repoRoot,
    env: { ...env, CDKTF_OUTDIR: options.outdir, CHECKPOINT_DISABLE: '1' } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), SYNTH_TIMEOUT_MS);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) throw new Error(`Synthesis failed (exit ${String(code ?? signal)}):\n${output.trimEnd()}`);
  writeStamp(options.outdir, config, sources);
}

/** Why the output is stale, or undefined when it is current. */
export function staleReason(
  repoRoot: string,
  outdir: string,
  config: Record<string, string | null>,
): string | undefined {
  if (!existsSync(join(outdir, 'manifest.json'))) return 'no synthesized stack yet';
  const stampFile = join(outdir, STAMP);
  if (!existsSync(stampFile)) return 'synthesized by another command';
  let stamp: Stamp | undefined;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
  } catch {
    stamp = undefined;
  }
  if (stamp?.version !== STAMP_VERSION) return 'synthesized by an older version of the runtime';
  const changed = CONFIG_VARIABLES.filter((name) => (stamp.config[name] ?? null) !== config[name]);
  if (changed.length > 0) return `configuration changed: ${changed.join(', ')}`;
  const now = sourceDigests(repoRoot);
  for (const path of new Set([...Object.keys(stamp.sources), ...Object.keys(now)])) {
    if (stamp.sources[path] !== now[path])
      return `${path} ${now[path] === undefined ? 'removed' : stamp.sources[path] === undefined ? 'added' : 'changed'}`;
  }
  if (stamp.output !== outputDigest(outdir)) return 'the output was changed by another command';
  return undefined;
}

/**
 * The sha256 of every file under {@link SOURCES}, by path relative to `repoRoot` (`/`-separated),
 * skipping `node_modules` and dot-files.
 */
export function sourceDigests(repoRoot: string): Record<string, string> {
  const digests: Record<string, string> = {};
  const walk = (path: string): void => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        walk(join(path, entry));
      }
      return;
    }
    digests[relative(repoRoot, path).split('\\').join('/')] = sha256(readFileSync(path));
  };
  for (const source of SOURCES) walk(join(repoRoot, source));
  return digests;
}

function synthEnv(given: Readonly<Record<string, string | undefined>>): {
  env: Record<string, string | undefined>;
  config: Record<string, string | null>;
} {
  const env: Record<string, string | undefined> = { ...given };
  env['TF_STATE_BUCKET'] ||= PLACEHOLDER_STATE_BUCKET;
  const config = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, env[name] ?? null]));
  return { env, config };
}

function writeStamp(outdir: string, config: Record<string, string | null>, sources: Record<string, string>): void {
  const stamp: Stamp = { version: STAMP_VERSION, config, sources, output: outputDigest(outdir) };
  writeFileSync(join(outdir, STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
}

// One digest over the output's file names and contents (the stamp excluded). cdktf writes the
// manifest, each stack's cdk.tf.json and the assets; all of them are what the runtime serves.
function outputDigest(outdir: string): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && full !== join(outdir, STAMP))
        hash
          .update(`${relative(outdir, full)}\0`)
          .update(readFileSync(full))
          .update('\0');
    }
  };
  walk(outdir);
  return hash.digest('hex');
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
