import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderComment } from '../../scripts/plan/render-comment';
import { EXAMPLE_CONTEXT, exampleFailure, exampleResults } from './fixtures';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'ci.md'), 'utf8');

/** The block between `<!-- example:<name>:start -->` and its end marker, without the quote marks. */
function quotedBlock(name: string): string {
  const match = new RegExp(`<!-- example:${name}:start -->\\n([\\s\\S]*?)\\n<!-- example:${name}:end -->`).exec(doc);
  if (!match) throw new Error(`docs/ci.md has no example:${name} block`);
  return match[1]!
    .split('\n')
    .map((line) => (line === '>' ? '' : line.replace(/^> /, '')))
    .join('\n');
}

describe('docs/ci.md', () => {
  it('shows the example comment exactly as the renderer writes it from the fixtures', () => {
    expect(quotedBlock('plan-comment')).toBe(renderComment(exampleResults(), EXAMPLE_CONTEXT).trimEnd());
  });

  it('shows the failed-plan example as the renderer writes it', () => {
    const rendered = renderComment(exampleFailure(), EXAMPLE_CONTEXT);
    const [summary, ...section] = quotedBlock('plan-failure').split('\n\n');

    expect(rendered.split('\n')).toContain(summary);
    expect(rendered).toContain(section.join('\n\n'));
  });

  it('is what the README excerpt shows, line for line', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const excerpt = /<!-- example:plan-summary:start -->\n([\s\S]*?)\n<!-- example:plan-summary:end -->/.exec(readme);
    const rendered = renderComment(exampleResults(), EXAMPLE_CONTEXT).split('\n');

    expect(excerpt).not.toBeNull();
    const lines = excerpt![1]!
      .split('\n')
      .map((l) => (l === '>' ? '' : l.replace(/^> /, '')))
      .filter((l) => l.startsWith('- ') || l.startsWith('#'));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(rendered).toContain(line);
  });
});
