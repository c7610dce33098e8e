/**
 * Bundle sizes: each Lambda zip that Terraform would upload, from a fresh synthesis of the app
 * (default settings) into a temporary folder: `stacks/<stack>/assets/**.zip`.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { type BenchContext, type GroupResult, UNUSED_STATE_BUCKET } from './context';
import { measureCommand } from './process';
import type { Figure, Target } from './report';

/** Zip names ending like this are the status Lambda's (issue #7 sets its target). */
const STATUS_FUNCTION_SUFFIX = 'describe-execution.zip';
const STATUS_TARGET: Target = { max: 20, text: '≤ 20 KB' };

/** Synthesizes once and reports every asset zip's size in KB (1 KB = 1024 bytes). */
export async function benchBundles(ctx: BenchContext): Promise<GroupResult> {
  ctx.log('bundles: synthesizing the app once');
  const outdir = mkdtempSync(join(tmpdir(), 'async-api-bench-bundles-'));
  try {
    const run = await measureCommand(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: ctx.repoRoot,
      env: { ...ctx.env, TF_STATE_BUCKET: UNUSED_STATE_BUCKET, CDKTF_OUTDIR: outdir },
    });
    const zips = run.exitCode === 0 ? findZips(join(outdir, 'stacks')) : [];
    if (zips.length === 0) {
      const note =
        run.exitCode === 0 ? 'the synthesis produced no asset zip' : `synthesis failed (exit ${String(run.exitCode)})`;
      return {
        figures: [{ id: 'bundle', label: 'Lambda zip sizes', unit: 'KB', value: null, spread: '—', note }],
        raw: { error: note },
      };
    }
    const raw = zips.map((path) => ({ path: relative(outdir, path), bytes: statSync(path).size }));
    const figures: Figure[] = raw.map(({ path, bytes }) => {
      const name = basename(path);
      const isStatus = name.endsWith(STATUS_FUNCTION_SUFFIX);
      return {
        id: `bundle.${name}`,
        label: `Lambda zip ${name}${isStatus ? ' (status)' : ''}`,
        unit: 'KB',
        value: bytes / 1024,
        spread: `${bytes} bytes, 1 synthesis`,
        ...(isStatus ? { target: STATUS_TARGET } : {}),
      };
    });
    return { figures, raw };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function findZips(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > 10) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (entry.name.endsWith('.zip') && relative(dir, path).split(sep).includes('assets')) found.push(path);
    }
  };
  walk(dir, 0);
  return found.sort();
}
