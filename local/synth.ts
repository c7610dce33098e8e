/**
 * Synthesizes the app when the synthesized output is stale, so `npm start` always serves what the
 * sources describe. Stale means: no `manifest.json`, a source file newer than it, or different
 * configuration variables than the last synthesis (switching `API_AUTH=NONE` on changes the stack
 * without touching a file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '../stacks/config';

/** Environment variables stacks/config.ts reads; a change in any of them means the stack changed. */
export { CONFIG_VARIABLES };

/** Sources whose change requires a new synthesis, relative to the repository root. */
export const SOURCES = ['main.ts', 'stacks', 'lambda-src', 'statemachine', 'package-lock.json'];
const STAMP = 'local-runtime-synth.json';
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

/**
 * Runs `tsx main.ts` with `CDKTF_OUTDIR=outdir` when the output is stale.
 * @returns whether it synthesized.
 * @throws Error with the app's output when synthesis fails.
 */
export function synthIfStale(options: SynthOptions): boolean {
  const env: Record<string, string | undefined> = { ...options.env };
  env['TF_STATE_BUCKET'] ||= PLACEHOLDER_STATE_BUCKET;
  const config = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, env[name] ?? null]));
  const reason = staleReason(options.repoRoot, options.outdir, config);
  if (!reason) return false;
  options.log?.(`Synthesizing (${reason})...`);
  // The same command as `npm run synth` and cdktf.json: one Node.js process, no tsx CLI wrapper.
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: options.repoRoot,
    env: { ...env, CDKTF_OUTDIR: options.outdir, CHECKPOINT_DISABLE: '1' } as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: SYNTH_TIMEOUT_MS,
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new Error(`Synthesis did not finish within ${SYNTH_TIMEOUT_MS / 1000} s and was stopped:\n${result.stderr || result.stdout}`);
  }
  if (result.status !== 0) {
    throw new Error(`Synthesis failed (exit ${String(result.status ?? result.signal)}):\n${result.stderr || result.stdout}`);
  }
  writeFileSync(join(options.outdir, STAMP), `${JSON.stringify(config, null, 2)}\n`);
  return true;
}

/** Why the output is stale, or undefined when it is current. */
export function staleReason(repoRoot: string, outdir: string, config: Record<string, string | null>): string | undefined {
  const manifest = join(outdir, 'manifest.json');
  if (!existsSync(manifest)) return 'no synthesized stack yet';
  const stampFile = join(outdir, STAMP);
  if (!existsSync(stampFile)) return 'synthesized by another command';
  let previous: unknown;
  try {
    previous = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    previous = undefined;
  }
  const changed = CONFIG_VARIABLES.filter((name) => (previous as Record<string, unknown> | undefined)?.[name] !== config[name]);
  if (changed.length > 0) return `configuration changed: ${changed.join(', ')}`;
  const synthesizedAt = statSync(manifest).mtimeMs;
  for (const source of SOURCES) {
    const newer = newestFile(join(repoRoot, source), synthesizedAt);
    if (newer) return `${newer.slice(repoRoot.length + 1)} changed`;
  }
  return undefined;
}

// The first file under `path` modified after `since`, if any.
function newestFile(path: string, since: number): string | undefined {
  if (!existsSync(path)) return undefined;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs > since ? path : undefined;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const found = newestFile(join(path, entry), since);
    if (found) return found;
  }
  return undefined;
}
