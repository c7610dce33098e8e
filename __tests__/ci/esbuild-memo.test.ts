/**
 * Tests get esbuild through __tests__/esbuild-shared.cjs (jest.config.js): one esbuild per process,
 * its bundles remembered across test files. A remembered bundle must never hide an edit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'esbuild-memo-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe("tests' esbuild", () => {
  it('answers a repeated build from memory until a file it read changes', () => {
    // Prepare: an entry importing a module of its own
    const dependency = join(work, 'message.ts');
    writeFileSync(join(work, 'entry.ts'), "export { message } from './message';\n");
    writeFileSync(dependency, "export const message = 'first';\n");
    const options: BuildOptions = {
      entryPoints: [join(work, 'entry.ts')],
      bundle: true,
      write: false,
      metafile: true,
      format: 'cjs',
      logLevel: 'silent',
    };
    const code = (result: ReturnType<typeof buildSync>) => result.outputFiles![0]!.text;

    // Act
    const first = buildSync(options);
    const again = buildSync({ ...options });
    writeFileSync(dependency, "export const message = 'second';\n");
    const edited = buildSync(options);
    const withoutMetafile = buildSync({ ...options, metafile: false });

    // Assess: the same result while nothing changed; a real build after the edit, and without a metafile
    expect(again).toBe(first);
    expect(code(first)).toContain('"first"');
    expect(edited).not.toBe(first);
    expect(code(edited)).toContain('"second"');
    expect(code(edited)).not.toContain('"first"');
    expect(buildSync(options)).toBe(edited);
    expect(code(withoutMetafile)).toContain('"second"');
    expect(buildSync({ ...options, metafile: false })).not.toBe(withoutMetafile);
  });
});
