/**
 * docs/client.md names only files that exist, and its links land on a file and heading that exist
 * (issue 12: it named an `API.md` that is not in the repository).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const REPO = join(__dirname, '..', '..');
const DOC = join(REPO, 'docs', 'client.md');
const text = readFileSync(DOC, 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const anchorsOf = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => slug(line.replace(/^#+ /, '')));

describe('docs/client.md', () => {
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/.test(target));

  it.each(links)('links to %s, which exists', (target) => {
    // Prepare
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const file = path === '' ? DOC : join(dirname(DOC), path);

    // Assess
    expect(existsSync(file)).toBe(true);
    if (anchor !== undefined) expect(anchorsOf(file)).toContain(anchor);
  });

  it('names only Markdown files that exist (at the root or in docs/)', () => {
    const named = [...text.matchAll(/(?<![\w/.-])([\w./-]+\.md)\b/g)]
      .map((m) => m[1]!)
      .filter((name) => !name.startsWith('http'));
    const missing = named.filter(
      (name) => ![join(REPO, name), join(REPO, 'docs', name), join(dirname(DOC), name)].some(existsSync),
    );
    expect(missing).toEqual([]);
  });

  it('names only source files that exist', () => {
    const named = [
      ...text.matchAll(/`((?:client|__tests__|local|stacks|lambda-src|scripts)\/[\w./-]+\.(?:ts|cjs|js|json))`/g),
    ].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !existsSync(join(REPO, name)))).toEqual([]);
  });
});
