/**
 * Tests get fflate through __tests__/fflate-shared.cjs (jest.config.js): `zipSync` answered from zips
 * kept for the process. A kept zip must never stand in for different content.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, type Zippable, zipSync } from 'fflate';

// The process-wide store itself, as fflate-shared.cjs reaches it.
const memo = require('../outside-jest.cjs')('./fflate-memo.cjs') as {
  KEEP_DAYS: number;
  keyOf(data: unknown, opts: unknown): string | undefined;
  remember(key: string, zip: Uint8Array, store?: string): Uint8Array;
  remembered(key: string, store?: string): Uint8Array | undefined;
  removeOld(store: string, now: number): void;
};

const at = (iso: string) => ({ mtime: new Date(iso), os: 3 });
const filesOf = (text: string, iso = '1980-01-01T00:00:00Z'): Zippable => ({ 'index.js': [strToU8(text), at(iso)] });
const text = (zip: Uint8Array) => strFromU8(unzipSync(zip)['index.js']!);

describe("tests' fflate", () => {
  it('answers the same entries from the zips it keeps, with a copy each time', () => {
    // Prepare
    const files = filesOf(`one ${Date.now()}`);

    // Act
    const first = zipSync(files, { level: 9 });
    first[0] = 0; // a caller's change stays its own
    const again = zipSync(filesOf(text(zipSync(files, { level: 9 }))), { level: 9 });

    // Assess
    expect(memo.remembered(memo.keyOf(files, { level: 9 })!)).toBeDefined();
    expect(again[0]).toBe(0x50); // "PK"
    expect(again).not.toBe(first);
  });

  it.each([
    ['a byte of content', filesOf('two'), filesOf('twO')],
    ['an entry date', filesOf('two', '1980-01-01T00:00:00Z'), filesOf('two', '1980-01-01T00:00:02Z')],
    ['a name', filesOf('two'), { 'index.cjs': filesOf('two')['index.js']! }],
  ])('zips again when %s differs', (_label, before, after) => {
    // Act
    const a = zipSync(before, { level: 9 });
    const b = zipSync(after, { level: 9 });

    // Assess: what each unzips to is its own input
    expect(memo.keyOf(before, { level: 9 })).not.toBe(memo.keyOf(after, { level: 9 }));
    expect(Object.keys(unzipSync(b))).toEqual(Object.keys(after));
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(false);
  });

  it('has no key for a call holding a function (fflate gets it as it is)', () => {
    expect(memo.keyOf({ 'a.txt': strToU8('a') }, { level: 9, onProgress: () => undefined })).toBeUndefined();
  });
});

describe("tests' fflate across runs", () => {
  let store: string;
  beforeEach(() => {
    store = mkdtempSync(join(tmpdir(), 'test-zips-'));
  });
  afterEach(() => rmSync(store, { recursive: true, force: true }));

  it('keeps a zip in the store under its key, and answers a key from the store', () => {
    // Prepare: a key this process never zipped, and a zip kept under it by an earlier run
    const files = filesOf(`kept ${Date.now()} ${Math.random()}`);
    const key = memo.keyOf(files, { level: 9 })!;
    const earlier = zipSync(filesOf('written by an earlier run'), { level: 0 });
    writeFileSync(join(store, `${key}.zip`), earlier);

    // Act
    const answered = memo.remembered(key, store);
    memo.remember('another-key', earlier, store);

    // Assess
    expect(Buffer.from(answered!).equals(Buffer.from(earlier))).toBe(true);
    expect(readFileSync(join(store, 'another-key.zip')).equals(Buffer.from(earlier))).toBe(true);
    expect(memo.remembered(`missing ${Date.now()}`, store)).toBeUndefined();
  });

  it(`removes zips kept for over ${memo.KEEP_DAYS} days, and keeps one of exactly that age`, () => {
    // Whole seconds, which a file's time holds exactly.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const days = memo.KEEP_DAYS * 24 * 3600 * 1000;
    const ages = { old: days + 1000, edge: days, young: 1000 };
    for (const [name, age] of Object.entries(ages)) {
      const file = join(store, `${name}.zip`);
      writeFileSync(file, 'zip');
      utimesSync(file, new Date(now - age), new Date(now - age));
    }

    memo.removeOld(store, now);

    expect(readdirSync(store).sort()).toEqual(['edge.zip', 'young.zip']);
  });
});
