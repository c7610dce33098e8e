/**
 * Generated blocks in the docs: a table a command prints stands in a Markdown file between
 * `<!-- <name>:start -->` and `<!-- <name>:end -->`, and a test compares it with what the command
 * prints now.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..');

/** The trimmed text between the block's markers in `file` (relative to the repository), or undefined. */
export function docSection(file: string, name: string): string | undefined {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const start = text.indexOf(`<!-- ${name}:start -->`);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  return start >= 0 && end > start ? text.slice(start + `<!-- ${name}:start -->`.length, end).trim() : undefined;
}
