/**
 * `npm run bench`: measures the figures of issue #7 the same way every time, prints a Markdown table
 * (median, spread, target, verdict) and writes JSON to bench/results/<timestamp>.json and
 * bench/results/latest.json (plus latest.md, the table with its header, for the docs).
 *
 * Options (after `npm run bench --`):
 *   --quick             3 runs instead of 5, a 10 s throughput run instead of 30 s, memory after 30,000
 *                       executions instead of 100,000, and no real 30 s client job (for development)
 *   --runs <n>          repetitions of the short figures (default 5)
 *   --only <groups>     comma-separated subset of: synth,tests,runtime,coldstart,client,client-http,bundles,dashboard,store,
 *                       job-api,webhooks
 *   --baseline <commit> measure that commit (a temporary git worktree, its own bench) and this checkout
 *                       back to back, group by group, and print both side by side (bench/compare.ts)
 *   --update-docs       also write the report between the `<!-- bench:latest:start/end -->` markers of
 *                       docs/bench.md and the summary (figures with a target) between the
 *                       `<!-- bench:summary:start/end -->` markers of README.md, where those exist
 *
 * The bench is not a test: a missed target is printed as a miss and the exit code stays 0. Exit 2
 * means bad options. This is the only bench module that reads the environment.
 */
import '../scripts/require-node.cjs'; // first: an older Node.js stops here with one line
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchBundles } from './bundles';
import { benchClient, benchClientOverHttp } from './client';
import {
  benchCheckout,
  checkoutBaseline,
  compareRuns,
  formatComparisonTable,
  movesSincePrevious,
  type RecordedRun,
} from './compare';
import { type BenchContext, benchEnvironment, type GroupResult } from './context';
import { benchDashboard } from './dashboard';
import { benchJobApi } from './job-api';
import { describeMachine, type MachineInfo, machineLine, probeCpuMs } from './machine';
import { type Figure, formatTable, passes, replaceMarkedBlock } from './report';
import { benchColdStarts, benchRuntime } from './runtime';
import { benchStore } from './store';
import { benchSynth } from './synth';
import { benchTests } from './tests';
import { benchWebhooks } from './webhooks';

const GROUPS: Readonly<Record<string, (ctx: BenchContext) => Promise<GroupResult>>> = {
  synth: benchSynth,
  tests: benchTests,
  runtime: benchRuntime,
  coldstart: benchColdStarts,
  client: benchClient,
  'client-http': benchClientOverHttp,
  bundles: benchBundles,
  dashboard: benchDashboard,
  store: benchStore,
  'job-api': benchJobApi,
  webhooks: benchWebhooks,
};

const REPO_ROOT = resolve(__dirname, '..');

/** What bench/results/*.json holds. */
export interface BenchResults {
  readonly date: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly settings: Settings;
  readonly memoryMethod: string;
  readonly figures: readonly Figure[];
  readonly raw: Readonly<Record<string, unknown>>;
}

const MEMORY_METHOD =
  'Linux /proc, the command and all its descendants sampled every 20 ms (new descendants looked for every ' +
  '100 ms). "largest process" = highest VmHWM (peak RSS) of any single process, as /usr/bin/time -f %M ' +
  'reports; "whole process tree" = highest sampled sum of VmRSS over the tree. Runtime memory is the RSS of ' +
  'the runtime and its function processes at one moment.';

async function main(): Promise<void> {
  const settings = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const log = (line: string): void =>
    void process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
  if (settings.baseline !== undefined) return benchAgainstBaseline(settings, settings.baseline, log);
  const ctx: BenchContext = {
    repoRoot: REPO_ROOT,
    env: benchEnvironment(process.env),
    runs: settings.runs,
    throughputSeconds: settings.throughputSeconds,
    httpJobSeconds: settings.quick ? [1] : [1, 30],
    jobApiExecutions: settings.quick ? 5_000 : 100_000,
    runtimeLongRunExecutions: settings.quick ? 30_000 : 100_000,
    log,
  };
  const date = new Date();
  const machine = describeMachine(REPO_ROOT, ctx.env['PATH']);
  log(machineLine(machine));

  const figures: Figure[] = [];
  const raw: Record<string, unknown> = {};
  for (const name of settings.groups) {
    try {
      const result = await GROUPS[name]!(ctx);
      figures.push(...result.figures);
      raw[name] = result.raw;
    } catch (err) {
      // One broken group must not hide the others' figures.
      const note = `${name} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
      log(note);
      figures.push({ id: name, label: `${name} figures`, unit: 'ms', value: null, spread: '—', note });
      raw[name] = { error: note };
    }
  }
  const durationSeconds = Math.round((performance.now() - started) / 100) / 10;

  const results: BenchResults = {
    date: date.toISOString(),
    durationSeconds,
    // describeMachine took the start reading; the end one is taken now that every group has run.
    machine: { ...machine, cpuProbe: { startMs: machine.cpuProbe!.startMs, endMs: probeCpuMs() } },
    settings: { ...settings },
    memoryMethod: MEMORY_METHOD,
    figures,
    raw,
  };
  const report = formatReport(results);
  process.stdout.write(`${report}\n`);
  const dir = join(REPO_ROOT, 'bench', 'results');
  process.stdout.write(`\n${movesSincePrevious(dir, results)}\n`);
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const file = join(dir, `${date.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, json);
  writeFileSync(join(dir, 'latest.json'), json);
  writeFileSync(join(dir, 'latest.md'), `${report}\n`);
  log(`wrote ${file} and bench/results/latest.{json,md}`);
  if (settings.updateDocs) {
    const blocks = [
      { file: 'docs/bench.md', name: 'latest', block: report },
      { file: 'README.md', name: 'summary', block: formatSummary(results) },
    ];
    for (const { file: relative, name, block } of blocks) {
      const path = join(REPO_ROOT, relative);
      const updated = existsSync(path) ? replaceMarkedBlock(readFileSync(path, 'utf8'), name, block) : undefined;
      if (updated === undefined) {
        log(`${relative} has no bench:${name} markers; not updated`);
        continue;
      }
      writeFileSync(path, updated);
      log(`updated ${relative}`);
    }
  }
}

/** A short form for the README: date and machine, then only the figures that have a target. */
export function formatSummary(r: BenchResults): string {
  return [
    `Measured ${r.date.slice(0, 10)} on ${machineLine(r.machine)} (\`npm run bench\`, details in docs/bench.md):`,
    '',
    formatTable(r.figures.filter((f) => f.target)),
  ].join('\n');
}

/** The printed report: header (date, machine, settings), the table, the memory method. */
export function formatReport(r: BenchResults): string {
  const withTarget = r.figures.filter((f) => f.target);
  const misses = withTarget.filter((f) => !passes(f));
  return [
    `## Bench ${r.date.slice(0, 10)} (${r.date.slice(11, 16)} UTC)`,
    '',
    `Machine: ${machineLine(r.machine)}.`,
    `Commit: ${r.machine.git ? `${r.machine.git.commit.slice(0, 12)}${r.machine.git.dirty ? ' + uncommitted changes' : ''}` : 'unknown'}. ` +
      `Settings: ${r.settings.runs} runs, ${r.settings.throughputSeconds} s throughput${r.settings.quick ? ' (--quick)' : ''}` +
      `${r.settings.groups.length < Object.keys(GROUPS).length ? `, only ${r.settings.groups.join(', ')}` : ''}. ` +
      `Bench took ${r.durationSeconds} s.`,
    '',
    formatTable(r.figures),
    '',
    `Targets met: ${withTarget.length - misses.length} of ${withTarget.length}` +
      (misses.length > 0 ? `; missed: ${misses.map((f) => f.label).join('; ')}.` : '.'),
    '',
    `Memory: ${r.memoryMethod}`,
  ].join('\n');
}

/**
 * `--baseline <commit>`: for each group, the commit's own bench, then this checkout's, each in a
 * process of its own; then one table of both. The machine's noise of the moment falls on both.
 */
function benchAgainstBaseline(settings: Settings, commit: string, log: (line: string) => void): void {
  const baseline = checkoutBaseline(REPO_ROOT, commit, log);
  const short = baseline.commit.slice(0, 12);
  const before: RecordedRun['figures'][number][] = [];
  const after: RecordedRun['figures'][number][] = [];
  const missing: string[] = [];
  try {
    for (const group of settings.groups) {
      const args = ['--only', group, '--runs', String(settings.runs), ...(settings.quick ? ['--quick'] : [])];
      for (const [name, root, into] of [
        [short, baseline.dir, before],
        ['this checkout', REPO_ROOT, after],
      ] as const) {
        log(`${group} on ${name}...`);
        const run = benchCheckout(root, args, process.env);
        if (run) into.push(...run.figures);
        else missing.push(`${group} on ${name}`);
      }
    }
  } finally {
    baseline.remove();
  }
  const comparisons = compareRuns(before, after);
  const compared = new Set(comparisons.map((c) => c.figure.id));
  const onlyOne = [...before, ...after].filter((f) => !compared.has(f.id)).map((f) => f.label);
  process.stdout.write(
    [
      `## Bench: ${short} (baseline) and this checkout, back to back`,
      '',
      formatComparisonTable(comparisons, [`${short}`, 'this checkout']),
      '',
      ...(onlyOne.length > 0 ? [`Measured on one side only: ${[...new Set(onlyOne)].join('; ')}.`, ''] : []),
      ...(missing.length > 0 ? [`Failed: ${missing.join('; ')}.`, ''] : []),
    ].join('\n'),
  );
}

interface Settings {
  readonly baseline?: string;
  readonly runs: number;
  readonly throughputSeconds: number;
  readonly groups: readonly string[];
  readonly quick: boolean;
  readonly updateDocs: boolean;
}

function parseOptions(argv: string[]): Settings {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        runs: { type: 'string' },
        only: { type: 'string' },
        'update-docs': { type: 'boolean', default: false },
        baseline: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(
      'usage: npm run bench -- [--quick] [--runs <n>] [--only synth,tests,runtime,coldstart,client,client-http,bundles,dashboard,store,job-api,webhooks] [--update-docs] [--baseline <commit>]\n',
    );
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const runs = values.runs === undefined ? (quick ? 3 : 5) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50)
    return usage(`--runs must be a whole number from 1 to 50; got ${String(values.runs)}`);
  const groups = values.only === undefined ? Object.keys(GROUPS) : values.only.split(',').map((g) => g.trim());
  const unknown = groups.filter((g) => !(g in GROUPS));
  if (unknown.length > 0 || groups.length === 0)
    return usage(`--only accepts ${Object.keys(GROUPS).join(', ')}; got ${unknown.join(', ') || 'nothing'}`);
  if (values.baseline !== undefined && values['update-docs'])
    return usage('--baseline compares two commits; it does not write the docs (run --update-docs on its own)');
  return {
    runs,
    throughputSeconds: quick ? 10 : 30,
    groups,
    quick,
    updateDocs: values['update-docs'] ?? false,
    ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
  };
}

function usage(problem: string): never {
  process.stderr.write(`bench: ${problem}\n`);
  process.exit(2);
}

if (require.main === module) {
  main().then(
    // measureRuntime and the cold-start runtimes close what they open, but a keep-alive socket or a
    // child's pipe could still hold the event loop; the results are written, so leave now.
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
