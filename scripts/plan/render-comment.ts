/**
 * Renders the pull request comment of the plan workflow: one line per stack a reviewer can read at
 * a glance (counts, replacements and destroys called out, failures named), then each stack's full
 * text plan folded in a `<details>` block, or the error output of the step that failed.
 */
import { isEmptyPlan, type PlanSummary } from './plan-json';

/** Hidden first line of the comment; the workflow updates the comment that carries it. */
export const COMMENT_MARKER = '<!-- async-api-plan -->';

/** GitHub rejects comment bodies over 65,536 characters; stay well below. */
export const MAX_COMMENT_CHARS = 60_000;

/** How many addresses a summary line names before it says "and N more". */
const MAX_ADDRESSES_PER_LINE = 5;

/** The result of planning one stack. */
export type StackResult =
  | { readonly stack: string; readonly status: 'planned'; readonly summary: PlanSummary; readonly planText: string }
  | {
      readonly stack: string;
      readonly status: 'failed';
      /** The command that failed, e.g. `terraform init`. */
      readonly step: string;
      readonly exitCode: number | null;
      /** What the command printed about the failure (stderr, else stdout). */
      readonly errorText: string;
    }
  | { readonly stack: string; readonly status: 'skipped'; readonly reason: string };

export interface CommentContext {
  /** Commit the plan was made for (shown shortened). */
  readonly commit?: string;
  /** Link to the workflow run, where the complete logs are. */
  readonly runUrl?: string;
  readonly terraformVersion?: string;
}

/** The one-line summary of a stack, e.g. "✅ **async-api-dev**: 3 to add, 1 to change, 0 to destroy". */
export function summaryLine(result: StackResult): string {
  const name = `**${result.stack}**`;
  switch (result.status) {
    case 'skipped':
      return `⏭️ ${name}: not planned (${result.reason})`;
    case 'failed':
      return `❌ ${name}: plan failed at \`${result.step}\` (${exitText(result.exitCode)}); nothing was applied, the error is below`;
    case 'planned':
      return plannedLine(name, result.summary);
  }
}

function plannedLine(name: string, s: PlanSummary): string {
  if (isEmptyPlan(s)) return `✅ ${name}: no changes`;
  const counts = [`${s.add} to add`, `${s.change} to change`, `${s.destroy} to destroy`];
  if (s.import > 0) counts.push(`${s.import} to import`);
  if (s.forget > 0) counts.push(`${s.forget} to forget`);
  const notes: string[] = [];
  if (s.replaced.length > 0)
    notes.push(`replaces ${addressList(s.replaced.map((r) => `${code(r.address)} (${r.order})`))}`);
  if (s.destroyed.length > 0) notes.push(`destroys ${addressList(s.destroyed.map(code))}`);
  if (s.unrecognized.length > 0)
    notes.push(`unrecognized changes to ${addressList(s.unrecognized.map(code))}, read the full plan`);
  if (s.outputsChanged > 0)
    notes.push(
      `${s.outputsChanged} output${s.outputsChanged === 1 ? '' : 's'} change${s.outputsChanged === 1 ? 's' : ''}`,
    );
  const warn = s.replaced.length + s.destroyed.length + s.unrecognized.length > 0;
  return `${warn ? '⚠️' : '✅'} ${name}: ${counts.join(', ')}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

/**
 * Renders the whole comment. Plan texts share what is left of {@link MAX_COMMENT_CHARS} after the
 * summary; a text that does not fit is cut with a note pointing at the workflow log.
 */
export function renderComment(results: readonly StackResult[], context: CommentContext = {}): string {
  const head = [COMMENT_MARKER, '### Terraform plan', '', contextLine(context), ''];
  const lines =
    results.length > 0
      ? results.map((r) => `- ${summaryLine(r)}`)
      : ['- No stacks to plan: the synthesized app has none with remote state.'];
  const foot = [
    '',
    '_Updated on every push to this pull request. Planning changes nothing in AWS; changes are applied only after the pull request is merged and the deploy is approved._',
  ];

  const shown = results.filter((r) => r.status !== 'skipped');
  const fixed = [...head, ...lines, ...foot].join('\n').length;
  // Each section's own wrapping (headings, fences, details tags) stays under this allowance.
  const perSectionOverhead = 300;
  const budget = Math.max(0, MAX_COMMENT_CHARS - fixed - shown.length * perSectionOverhead);
  const perSection = shown.length > 0 ? Math.floor(budget / shown.length) : 0;
  const sections = shown.flatMap((r) => section(r, perSection, context));

  return `${[...head, ...lines, ...sections, ...foot].join('\n')}\n`;
}

/**
 * A comment for a run that failed before any stack could be planned (synthesis failed, the
 * manifest is missing), so the pull request still says what happened.
 */
export function renderFailureComment(problem: string, context: CommentContext = {}): string {
  return [
    COMMENT_MARKER,
    '### Terraform plan',
    '',
    contextLine(context),
    '',
    `❌ **No stack was planned.** ${problem}`,
    '',
    'Nothing was applied. Fix the problem and push again; the details are in the workflow log.',
    '',
  ].join('\n');
}

function contextLine(c: CommentContext): string {
  const parts: string[] = [];
  if (c.commit) parts.push(`Commit ${code(c.commit.slice(0, 7))}`);
  if (c.terraformVersion) parts.push(`Terraform ${c.terraformVersion}`);
  if (c.runUrl) parts.push(`[workflow run](${c.runUrl})`);
  return parts.length > 0 ? parts.join(' · ') : '_Plan of this pull request._';
}

function section(r: StackResult, budget: number, context: CommentContext): string[] {
  if (r.status === 'planned') {
    const text = r.planText.trim() === '' ? 'No changes. Your infrastructure matches the configuration.' : r.planText;
    return [
      '',
      `<details><summary>Full plan of ${r.stack}</summary>`,
      '',
      ...fenced(fit(text, budget, context), 'text'),
      '',
      '</details>',
    ];
  }
  if (r.status === 'failed') {
    const text = r.errorText.trim() === '' ? '(the command printed nothing)' : r.errorText;
    return [
      '',
      `**${r.stack}**: \`${r.step}\` failed (${exitText(r.exitCode)}):`,
      '',
      ...fenced(fit(text, budget, context, 'tail'), 'text'),
    ];
  }
  return [];
}

/** Shortens `text` to `budget` characters, keeping its start (plans) or its end (errors). */
function fit(text: string, budget: number, context: CommentContext, keep: 'head' | 'tail' = 'head'): string {
  // Terraform starts its text output with an empty line and ends it with several.
  const body = text.replace(/^(\s*\n)+/, '').replace(/\s+$/, '');
  if (body.length <= budget) return body;
  const where = context.runUrl ? 'the workflow log' : 'the log of the plan step';
  const note = `[… ${body.length - budget} more characters; the complete output is in ${where}]`;
  const room = Math.max(0, budget - note.length - 1);
  return keep === 'head' ? `${body.slice(0, room)}\n${note}` : `${note}\n${body.slice(body.length - room)}`;
}

/** A code fence longer than any run of backticks inside, so the text cannot close it early. */
function fenced(text: string, lang: string): string[] {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${lang}`, text, fence];
}

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function addressList(items: readonly string[]): string {
  if (items.length <= MAX_ADDRESSES_PER_LINE) return items.join(', ');
  return `${items.slice(0, MAX_ADDRESSES_PER_LINE).join(', ')} and ${items.length - MAX_ADDRESSES_PER_LINE} more`;
}

function exitText(exitCode: number | null): string {
  return exitCode === null ? 'did not start or was killed' : `exit code ${exitCode}`;
}
