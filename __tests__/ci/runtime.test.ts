/**
 * Tests run in jest's runtime with one change (__tests__/runtime.cjs, jest.config.js): a worker reads
 * each file of the checkout's node_modules once. Every other file must be read as jest reads it, so an
 * edit, or a file a test writes, is never answered with older text.
 */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';

const { keptUnder, NODE_MODULES } = require('../runtime.cjs') as {
  keptUnder(folder: string, kept: Map<string, string>, read: (f: string) => string): (f: string) => string;
  NODE_MODULES: string;
};

/** A reader that answers `<path>#<n>` on its n-th call for that path, and counts its calls. */
function countingReader() {
  const calls = new Map<string, number>();
  const read = (file: string) => {
    const n = (calls.get(file) ?? 0) + 1;
    calls.set(file, n);
    return `${file}#${n}`;
  };
  return { read, calls };
}

describe("the tests' runtime", () => {
  const folder = `${sep}work${sep}node_modules${sep}`;

  it('reads a file under the folder once and answers the same text after', () => {
    const { read, calls } = countingReader();
    const readFile = keptUnder(folder, new Map(), read);
    const file = `${folder}expect${sep}build${sep}index.js`;

    expect([readFile(file), readFile(file), readFile(file)]).toEqual([`${file}#1`, `${file}#1`, `${file}#1`]);
    expect(calls.get(file)).toBe(1);
  });

  it.each([
    ['a source of the checkout', `${sep}work${sep}stacks${sep}naming.ts`],
    ['a folder whose name only starts like it', `${sep}work${sep}node_modules-old${sep}index.js`],
    ['the folder path without its separator', `${sep}work${sep}node_modules`],
    ['a node_modules of another folder', `${sep}tmp${sep}scaffold${sep}node_modules${sep}index.js`],
  ])('reads %s every time', (_label, file) => {
    const { read, calls } = countingReader();
    const readFile = keptUnder(folder, new Map(), read);

    expect([readFile(file), readFile(file)]).toEqual([`${file}#1`, `${file}#2`]);
    expect(calls.get(file)).toBe(2);
  });

  it("keeps the checkout's own node_modules, the folder jest and its packages are loaded from", () => {
    expect(NODE_MODULES).toBe(join(__dirname, '..', '..', 'node_modules') + sep);
    expect(existsSync(join(NODE_MODULES, 'jest-runtime', 'package.json'))).toBe(true);
  });
});
