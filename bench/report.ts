/**
 * One benchmark figure, its verdict against the target, and the Markdown table the bench
 * prints. A figure that misses its target says so; one that could not be measured says that.
 */
import { type Summary, summarize } from './stats';

/** Units the table knows how to print. */
export type Unit = 'ms' | 'µs' | 's' | 'MB' | 'KB' | '/s' | 'requests';

/** A target from issue #7: an upper bound (`max`), a lower bound (`min`), and how to print it. */
export interface Target {
  readonly max?: number;
  readonly min?: number;
  /** e.g. "≤ 2.4 s" */
  readonly text: string;
}

/** One row of the table. */
export interface Figure {
  /** Stable key for JSON consumers, e.g. "synth.cdktf.wall". */
  readonly id: string;
  /** What the row measures, as printed. */
  readonly label: string;
  readonly unit: Unit;
  /** The median (or the single value of a one-off run); null when it could not be measured. */
  readonly value: number | null;
  /** How the value spreads, as printed (e.g. "2.91–3.40 s (5 runs)"). */
  readonly spread: string;
  readonly target?: Target;
  /**
   * Verdict computed elsewhere when the target is not a bound on `value` (e.g. the client's delay
   * bound depends on each trial's wait). Undefined: compare `value` with `target`.
   */
  readonly pass?: boolean;
  /** Why a value is missing, or what else the reader should know about it. */
  readonly note?: string;
  /** The summary behind `value`/`spread`, kept in the JSON. */
  readonly summary?: Summary;
}

/** The verdict column: ✅, ❌ miss, "not measured", or "—" when the issue sets no target. */
export function verdict(figure: Figure): string {
  if (figure.value === null) return '⚠️ not measured';
  if (!figure.target) return '—';
  return passes(figure) ? '✅' : '❌ miss';
}

/** Whether a figure meets its target (false when it was not measured; true when there is none). */
export function passes(figure: Figure): boolean {
  if (figure.value === null) return false;
  if (!figure.target) return true;
  if (figure.pass !== undefined) return figure.pass;
  const { min, max } = figure.target;
  return (max === undefined || figure.value <= max) && (min === undefined || figure.value >= min);
}

/** A value with its unit, at a precision that suits the unit. */
export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return `${value < 100 ? value.toFixed(1) : Math.round(value)} ms`;
    case 'µs':
      return `${Math.round(value)} µs`;
    case 's':
      return `${value.toFixed(2)} s`;
    case 'MB':
      return `${Math.round(value)} MB`;
    case 'KB':
      return `${value.toFixed(1)} KB`;
    case '/s':
      return `${Math.round(value)} /s`;
    case 'requests':
      return `${Math.round(value * 10) / 10} ${value === 1 ? 'request' : 'requests'}`;
  }
}

/** "min–max unit (n runs)" of a summary. */
export function formatRange(summary: Summary, unit: Unit, what = 'runs'): string {
  if (summary.n === 1) return `1 ${what.replace(/s$/, '')}`;
  const low = formatValue(summary.min, unit).split(' ')[0];
  return `${low}–${formatValue(summary.max, unit)} (${summary.n} ${what})`;
}

/** The Markdown table: figure | median | spread | target | verdict (notes go under the table). */
export function formatTable(figures: readonly Figure[]): string {
  const notes: string[] = [];
  const rows = figures.map((f) => {
    let label = f.label;
    if (f.note) {
      notes.push(f.note);
      label += ` [${notes.length}]`;
    }
    const value = f.value === null ? 'n/a' : formatValue(f.value, f.unit);
    return `| ${escapeCell(label)} | ${value} | ${escapeCell(f.spread)} | ${escapeCell(f.target?.text ?? '—')} | ${verdict(f)} |`;
  });
  const table = ['| figure | median | spread | target | verdict |', '| --- | ---: | --- | --- | --- |', ...rows];
  const footnotes = notes.map((note, i) => `[${i + 1}] ${note}`);
  return [...table, ...(footnotes.length > 0 ? ['', ...footnotes] : [])].join('\n');
}

function escapeCell(cell: string): string {
  return cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * A figure from repeated runs: the median as value and min–max as spread. With no values (every
 * run failed) the figure is "not measured" and `failure` becomes its note.
 */
export function sampleFigure(
  base: Omit<Figure, 'value' | 'spread' | 'summary'>,
  values: readonly number[],
  options: { readonly what?: string; readonly failure?: string } = {},
): Figure {
  if (values.length === 0) {
    return {
      ...base,
      value: null,
      spread: '—',
      note: [base.note, options.failure ?? 'no successful run'].filter(Boolean).join('; '),
    };
  }
  const summary = summarize(values);
  return { ...base, value: summary.median, spread: formatRange(summary, base.unit, options.what), summary };
}

/**
 * Replaces what lies between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->` with
 * `block`; returns undefined when the text has no such pair (the file is then left alone).
 */
export function replaceMarkedBlock(text: string, name: string, block: string): string | undefined {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  if (from < 0 || to < 0) return undefined;
  return `${text.slice(0, from + start.length)}\n${block.trim()}\n${text.slice(to)}`;
}
