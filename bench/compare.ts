/**
 * Regressions made visible (issue 24): each run is compared with the previous recorded run on the same
 * machine and settings, and `--baseline <commit>` measures another commit and this checkout back to
 * back, so that the machine's noise falls on both. A figure that moved by more than
 * {@link MOVE_THRESHOLD} either way is listed, better or worse by its target's direction.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MachineInfo } from './machine';
import { type Figure, formatValue } from './report';

/** A relative change above this (either way) is reported. */
export const MOVE_THRESHOLD = 0.2;

/** Two runs whose CPU probes differ by more than this were measured on a different machine of the moment. */
export const PROBE_THRESHOLD = 0.1;

/** The parts of a recorded run the comparison reads (bench/results/*.json). */
export interface RecordedRun {
  readonly date: string;
  readonly machine: MachineInfo;
  readonly settings: { readonly quick: boolean; readonly runs: number };
  readonly figures: readonly Figure[];
}

/** One figure measured in both runs. */
export interface Comparison {
  readonly figure: Figure;
  readonly before: number;
  readonly after: number;
  /** (after − before) / before. */
  readonly change: number;
  /** 'better'/'worse' when the figure has a target to say which way is good, else 'moved'. */
  readonly direction: 'better' | 'worse' | 'moved';
}

/** The same machine: CPU, cores, memory, OS and Node.js (load, git and terraform may differ). */
export function sameMachine(a: MachineInfo, b: MachineInfo): boolean {
  const key = (m: MachineInfo): string => JSON.stringify([m.cpuModel, m.cores, m.totalMemoryGb, m.os, m.node]);
  return key(a) === key(b);
}

/**
 * The newest run in `dir` (bench/results) taken on the same machine with the same `--quick` setting,
 * other than `exclude` (the file just written); undefined when there is none.
 */
export function previousRun(dir: string, current: RecordedRun, exclude?: string): RecordedRun | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}-.*\.json$/.test(f) && f !== exclude)
    .sort()
    .reverse();
  for (const file of files) {
    let run: RecordedRun;
    try {
      run = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RecordedRun;
    } catch {
      continue; // a run cut off while writing
    }
    if (run.date >= current.date) continue;
    if (run.settings?.quick === current.settings.quick && run.machine && sameMachine(run.machine, current.machine))
      return run;
  }
  return undefined;
}

/** Every figure with a value in both runs, matched by id, with its relative change. */
export function compareRuns(before: readonly Figure[], after: readonly Figure[]): Comparison[] {
  const earlier = new Map(before.map((f) => [f.id, f]));
  const comparisons: Comparison[] = [];
  for (const figure of after) {
    const old = earlier.get(figure.id);
    if (!old || old.value === null || figure.value === null || old.value === 0) continue;
    const change = (figure.value - old.value) / Math.abs(old.value);
    const up = change > 0;
    const direction =
      figure.target?.min !== undefined
        ? up
          ? 'better'
          : 'worse'
        : figure.target?.max !== undefined
          ? up
            ? 'worse'
            : 'better'
          : 'moved';
    comparisons.push({ figure, before: old.value, after: figure.value, change, direction });
  }
  return comparisons;
}

/** The figures that moved by more than {@link MOVE_THRESHOLD}, as a Markdown section. */
export function formatMoves(comparisons: readonly Comparison[], against: string): string {
  const moved = comparisons.filter((c) => Math.abs(c.change) > MOVE_THRESHOLD);
  const head = `### Compared with ${against}`;
  if (moved.length === 0)
    return `${head}\n\nNo figure moved by more than ${MOVE_THRESHOLD * 100} % (${comparisons.length} compared).`;
  return [
    head,
    '',
    `${moved.length} of ${comparisons.length} figures moved by more than ${MOVE_THRESHOLD * 100} %:`,
    '',
    formatComparisonTable(moved),
  ].join('\n');
}

/** The section every run ends with: what moved since the previous run in `dir` (bench/results). */
export function movesSincePrevious(dir: string, current: RecordedRun): string {
  const previous = previousRun(dir, current);
  if (!previous) return 'No earlier run on this machine with these settings in bench/results to compare with.';
  const commit = previous.machine.git?.commit.slice(0, 12) ?? 'unknown commit';
  const moves = formatMoves(
    compareRuns(previous.figures, current.figures),
    `the previous run on this machine (${previous.date.slice(0, 16)} UTC, ${commit})`,
  );
  const probe = probeNote(previous.machine.cpuProbe, current.machine.cpuProbe);
  return probe === undefined ? moves : `${moves}\n\n${probe}`;
}

/** A run's CPU probe: the mean of its start and end readings (the start alone when it has no end). */
function probeMs(probe: NonNullable<MachineInfo['cpuProbe']>): number {
  return probe.endMs === undefined ? probe.startMs : (probe.startMs + probe.endMs) / 2;
}

/**
 * How the machine itself compared in the two runs, read from their CPU probes (bench/machine.ts):
 * undefined when either run has none. Over {@link PROBE_THRESHOLD} apart, it says that the machine,
 * not the code, may explain a move of that size, and how to measure without it.
 */
export function probeNote(before: MachineInfo['cpuProbe'], after: MachineInfo['cpuProbe']): string | undefined {
  if (before === undefined || after === undefined) return undefined;
  const [then, now] = [probeMs(before), probeMs(after)];
  const change = (now - then) / then;
  const readings = `CPU probe ${now.toFixed(0)} ms against ${then.toFixed(0)} ms`;
  if (Math.abs(change) <= PROBE_THRESHOLD)
    return `The machine ran at the same speed as in that run (${readings}, within ${PROBE_THRESHOLD * 100} %).`;
  const pct = Math.round(Math.abs(change) * 100);
  return (
    `The machine itself ran ${pct} % ${change > 0 ? 'slower' : 'faster'} than in that run (${readings}): ` +
    'a move of that size may be the machine, not the code. `--baseline <commit>` measures both back to back.'
  );
}

/** figure | before | after | change | direction, for any list of comparisons. */
export function formatComparisonTable(comparisons: readonly Comparison[], headers = ['before', 'after']): string {
  const mark = { better: '✅ better', worse: '❌ worse', moved: 'moved' } as const;
  const rows = comparisons.map((c) => {
    const pct = `${c.change > 0 ? '+' : ''}${(c.change * 100).toFixed(0)} %`;
    const flag = Math.abs(c.change) > MOVE_THRESHOLD ? mark[c.direction] : 'within 20 %';
    return `| ${c.figure.label.replace(/\|/g, '\\|')} | ${formatValue(c.before, c.figure.unit)} | ${formatValue(c.after, c.figure.unit)} | ${pct} | ${flag} |`;
  });
  return [`| figure | ${headers[0]} | ${headers[1]} | change | |`, '| --- | ---: | ---: | ---: | --- |', ...rows].join(
    '\n',
  );
}

/** A checkout of `commit` outside the repository, with node_modules; `remove` deletes it. */
export interface BaselineCheckout {
  readonly dir: string;
  readonly commit: string;
  remove(): void;
}

/**
 * Checks out `commit` as a detached git worktree in a temporary folder. Its node_modules is a link to
 * this checkout's when both lock files are the same, else `npm ci` installs its own.
 * @throws Error naming the commit when git cannot resolve or check it out
 */
export function checkoutBaseline(repoRoot: string, commit: string, log: (line: string) => void): BaselineCheckout {
  const git = (...args: string[]) => spawnSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8' });
  const resolved = git('rev-parse', '--verify', `${commit}^{commit}`);
  if (resolved.status !== 0) throw new Error(`--baseline: git cannot resolve ${commit}: ${resolved.stderr.trim()}`);
  const sha = resolved.stdout.trim();
  const dir = join(mkdtempSync(join(tmpdir(), 'async-api-baseline-')), sha.slice(0, 12));
  const added = git('worktree', 'add', '--detach', dir, sha);
  if (added.status !== 0) throw new Error(`--baseline: git worktree add failed: ${added.stderr.trim()}`);
  const remove = (): void => {
    git('worktree', 'remove', '--force', dir);
    rmSync(join(dir, '..'), { recursive: true, force: true });
  };
  const lock = (root: string): string =>
    existsSync(join(root, 'package-lock.json')) ? readFileSync(join(root, 'package-lock.json'), 'utf8') : '';
  if (lock(dir) === lock(repoRoot)) {
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  } else {
    log(`baseline ${sha.slice(0, 12)}: its package-lock.json differs, running npm ci there`);
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
    if (ci.status !== 0) {
      remove();
      throw new Error(`--baseline: npm ci failed in the checkout of ${sha.slice(0, 12)}`);
    }
  }
  return { dir, commit: sha, remove };
}

/**
 * Runs the bench of the checkout in `root` (its own bench/run.ts, so each commit is measured as it
 * measures itself) with `args`, and returns the run it recorded; undefined when it failed.
 */
export function benchCheckout(root: string, args: readonly string[], env: NodeJS.ProcessEnv): RecordedRun | undefined {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const latest = join(root, 'bench', 'results', 'latest.json');
  if (run.status !== 0 || !existsSync(latest)) return undefined;
  return JSON.parse(readFileSync(latest, 'utf8')) as RecordedRun;
}
