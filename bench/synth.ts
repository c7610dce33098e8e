/**
 * Synthesis figures: `npx cdktf synth` as a user types it (the CLI, which then runs the app), and the
 * app alone (`node --import tsx main.ts`, what `npm run synth` and the local runtime run). Each
 * command runs once untimed (tsx's and npm's caches warm, as in a developer's loop), then `runs`
 * times, each into a fresh temporary output folder.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchContext, type GroupResult, UNUSED_STATE_BUCKET } from './context';
import { type CommandMeasurement, measureCommand } from './process';
import { type Figure, sampleFigure, type Target } from './report';

const SYNTH_WALL: Target = { max: 2.4, text: '≤ 2.4 s' };
const SYNTH_MEMORY: Target = { max: 300, text: '≤ 300 MB' };

/** One synthesis command. */
interface Variant {
  readonly key: 'cdktf' | 'app';
  readonly label: string;
  readonly command: string;
  /** Arguments for output folder `outdir`. */
  readonly args: (outdir: string) => string[];
  /** Extra environment for output folder `outdir`. */
  readonly env: (outdir: string) => NodeJS.ProcessEnv;
  readonly targets: { readonly wall?: Target; readonly memory?: Target };
}

const VARIANTS: readonly Variant[] = [
  {
    key: 'cdktf',
    label: '`npx cdktf synth`',
    command: 'npx',
    // The CLI sets CDKTF_OUTDIR for the app itself, from --output.
    args: (outdir) => ['cdktf', 'synth', '--output', outdir],
    env: () => ({}),
    targets: { wall: SYNTH_WALL, memory: SYNTH_MEMORY },
  },
  {
    key: 'app',
    label: 'app alone (`node --import tsx main.ts`)',
    command: process.execPath,
    args: () => ['--import', 'tsx', 'main.ts'],
    env: (outdir) => ({ CDKTF_OUTDIR: outdir }),
    // Issue 24: what it took before the local runtime's last round of features (1.15 s), not more.
    targets: { wall: { max: 1.2, text: '≤ 1.2 s' } },
  },
];

/** Measures both synthesis commands. */
export async function benchSynth(ctx: BenchContext): Promise<GroupResult> {
  const figures: Figure[] = [];
  const raw: Record<string, CommandMeasurement[]> = {};
  for (const variant of VARIANTS) {
    ctx.log(`synth: ${variant.label} (1 warm-up + ${ctx.runs} runs)`);
    await synthOnce(ctx, variant); // warm-up, not counted
    const runs: CommandMeasurement[] = [];
    const failures: string[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      const run = await synthOnce(ctx, variant);
      if (run.ok) runs.push(run.measurement);
      else failures.push(run.problem);
    }
    raw[variant.key] = runs;
    const failure = failures.length > 0 ? `${failures.length} of ${ctx.runs} runs failed: ${failures[0]}` : undefined;
    const peakCommands = [...new Set(runs.map((r) => shortCommand(r.peakProcessCommand)))];
    figures.push(
      sampleFigure(
        {
          id: `synth.${variant.key}.wall`,
          label: `${variant.label}: wall time`,
          unit: 's',
          ...(variant.targets.wall ? { target: variant.targets.wall } : {}),
        },
        runs.map((r) => r.wallMs / 1000),
        { ...(failure ? { failure } : {}) },
      ),
      sampleFigure(
        {
          id: `synth.${variant.key}.peakProcess`,
          label: `${variant.label}: peak memory, largest process`,
          unit: 'MB',
          ...(variant.targets.memory ? { target: variant.targets.memory } : {}),
          ...(peakCommands.length > 0 ? { note: `largest process: ${peakCommands.join(' / ')}` } : {}),
        },
        numbers(runs.map((r) => r.peakProcessMb)),
        { failure: failure ?? 'memory needs Linux /proc' },
      ),
      sampleFigure(
        {
          id: `synth.${variant.key}.peakTree`,
          label: `${variant.label}: peak memory, whole process tree`,
          unit: 'MB',
          ...(variant.targets.memory ? { target: variant.targets.memory } : {}),
        },
        numbers(runs.map((r) => r.peakTreeMb)),
        { failure: failure ?? 'memory needs Linux /proc' },
      ),
    );
  }
  return { figures, raw };
}

type Outcome = { ok: true; measurement: CommandMeasurement } | { ok: false; problem: string };

async function synthOnce(ctx: BenchContext, variant: Variant): Promise<Outcome> {
  const outdir = mkdtempSync(join(tmpdir(), `async-api-bench-${variant.key}-`));
  try {
    const measurement = await measureCommand(variant.command, variant.args(outdir), {
      cwd: ctx.repoRoot,
      env: { ...ctx.env, TF_STATE_BUCKET: UNUSED_STATE_BUCKET, ...variant.env(outdir) },
    });
    // A run that wrote nothing did not synthesize, however fast it was.
    if (measurement.exitCode !== 0 || !existsSync(join(outdir, 'manifest.json'))) {
      return { ok: false, problem: `exit ${String(measurement.exitCode)}, ${lastLine(measurement.outputTail)}` };
    }
    return { ok: true, measurement };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function numbers(values: ReadonlyArray<number | null>): number[] {
  return values.filter((v): v is number => v !== null);
}

// "/opt/node22/bin/node /repo/node_modules/.bin/cdktf synth --output /tmp/x" → "node .bin/cdktf synth"
function shortCommand(command: string | null): string {
  if (!command) return 'unknown';
  return command
    .replace(/\S*\/node_modules\//g, '')
    .replace(/^\S*\/node\b/, 'node')
    .replace(/\s--output\s\S+/, '')
    .replace(/\s\/\S+/g, ' …')
    .slice(0, 80);
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.slice(0, 200) ?? 'no output';
}
