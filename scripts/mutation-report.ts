/**
 * `npm run mutate` runs StrykerJS over the small files that hold limits and security checks
 * (`stryker.config.json`), then this script: it reads Stryker's JSON report, prints the mutation
 * score per file and in total, and with `--update-docs <label>` writes that table, the command, the
 * date and the machine between the `<!-- bench:mutation-<label>:start/end -->` markers of
 * docs/testing.md (so no figure there is typed by hand; issue 22).
 *
 *   npm run mutate                         # run and print
 *   npm run mutate -- --update-docs after  # run, print, and record as "after"
 *   tsx scripts/mutation-report.ts [--report <mutation.json>] [--update-docs <label>]
 */
import '../scripts/require-node.cjs'; // first: an older Node.js stops here with one line
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, machineLine } from '../bench/machine';
import { replaceMarkedBlock } from '../bench/report';

const ROOT = resolve(__dirname, '..');
const DOC = join(ROOT, 'docs', 'testing.md');
const DEFAULT_REPORT = join(ROOT, '.build', 'mutation', 'mutation.json');

/** Mutant statuses as Stryker's JSON report (mutation-testing-report-schema) names them. */
type Status =
  | 'Killed'
  | 'Survived'
  | 'NoCoverage'
  | 'Timeout'
  | 'CompileError'
  | 'RuntimeError'
  | 'Ignored'
  | 'Pending';

/** The part of Stryker's JSON report this script reads. */
export interface MutationReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly { readonly status: Status }[] }>>;
}

/** Counts of one file (or of all files) and its score. */
export interface FileScore {
  readonly file: string;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly noCoverage: number;
  /** Not run: static mutants under `ignoreStatic`, and mutants a `// Stryker disable` comment names. */
  readonly ignored: number;
  /** Detected (killed or timed out) of valid mutants, in percent; null when no mutant was valid. */
  readonly score: number | null;
}

/**
 * Scores per file, sorted by path, then the total, as Stryker counts them: a timeout is detected, a
 * mutant no test reaches is not, and mutants that did not compile or were ignored do not count.
 */
export function scoreReport(report: MutationReport): FileScore[] {
  const rows = Object.entries(report.files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, { mutants }]) =>
      score(
        file,
        mutants.map((m) => m.status),
      ),
    );
  const total = score(
    'total',
    Object.values(report.files).flatMap((f) => f.mutants.map((m) => m.status)),
  );
  return [...rows, total];
}

function score(file: string, statuses: readonly Status[]): FileScore {
  const count = (s: Status) => statuses.filter((x) => x === s).length;
  const [killed, timeout, survived, noCoverage] = [
    count('Killed'),
    count('Timeout'),
    count('Survived'),
    count('NoCoverage'),
  ];
  const valid = killed + timeout + survived + noCoverage;
  return {
    file,
    killed,
    timeout,
    survived,
    noCoverage,
    ignored: count('Ignored'),
    score: valid === 0 ? null : ((killed + timeout) / valid) * 100,
  };
}

/** A Markdown table of {@link scoreReport}'s rows. */
export function formatScores(rows: readonly FileScore[]): string {
  const lines = [
    '| File | Killed | Timed out | Survived | No coverage | Ignored | Score |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const name = r.file === 'total' ? '**total**' : `\`${r.file}\``;
    const pct = r.score === null ? '–' : `${r.score.toFixed(1)} %`;
    lines.push(`| ${name} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${r.ignored} | ${pct} |`);
  }
  return lines.join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: { report: { type: 'string' }, 'update-docs': { type: 'string' } },
  });
  const path = resolve(values.report ?? DEFAULT_REPORT);
  const report = JSON.parse(readFileSync(path, 'utf8')) as MutationReport;
  const table = formatScores(scoreReport(report));
  process.stdout.write(`${table}\n`);
  const label = values['update-docs'];
  if (label === undefined) return;
  if (!/^[a-z]+$/.test(label))
    throw new Error(`--update-docs takes a lower-case label such as "before" or "after", not "${label}"`);
  const when = statSync(path).mtime.toISOString().slice(0, 16).replace('T', ' ');
  const machine = machineLine(describeMachine(ROOT, process.env.PATH));
  const from = values.report === undefined ? '' : ` --report ${relative(ROOT, path)}`;
  const command = `tsx scripts/mutation-report.ts${from} --update-docs ${label}`;
  const block = `Written by \`${command}\` from Stryker's report of ${when} UTC, on ${machine}.\n\n${table}`;
  const doc = readFileSync(DOC, 'utf8');
  const updated = replaceMarkedBlock(doc, `mutation-${label}`, block);
  if (updated === undefined)
    throw new Error(`docs/testing.md has no <!-- bench:mutation-${label}:start/end --> markers`);
  writeFileSync(DOC, updated);
  process.stdout.write(`Wrote the "${label}" scores into docs/testing.md\n`);
}

if (require.main === module) main();
