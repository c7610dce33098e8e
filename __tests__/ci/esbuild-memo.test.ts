/**
 * Tests get esbuild through __tests__/esbuild-shared.cjs (jest.config.js): one esbuild per process,
 * its bundles remembered across test files. A remembered bundle must never hide an edit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe("tests' esbuild across the processes of a run", () => {
  const memo = join(__dirname, '..', 'esbuild-memo.cjs');

  /** Builds `entry` in a fresh Node.js process of the jest run whose folder is `runFolder`; the bundle's text. */
  function buildInNewProcess(entry: string, runFolder: string): string {
    const script = `
      const { buildSync } = require(${JSON.stringify(memo)});
      const result = buildSync({ entryPoints: [${JSON.stringify(entry)}], bundle: true, write: false,
        metafile: true, format: 'cjs', logLevel: 'silent' });
      process.stdout.write(result.outputFiles[0].text);`;
    return execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, ASYNC_API_JEST_TEMP_STATE: JSON.stringify({ runFolder }) },
    });
  }

  it("answers a new worker from the run folder with another's bundle, and builds again after an edit", () => {
    // Prepare
    const entry = join(work, 'entry.ts');
    const dependency = join(work, 'message.ts');
    writeFileSync(entry, "export { message } from './message';\n");
    writeFileSync(dependency, "export const message = 'first';\n");
    const runFolder = join(work, 'run');
    const first = buildInNewProcess(entry, runFolder);
    // Mark the stored bundle: a process that reads it instead of building shows the mark.
    const store = join(runFolder, 'esbuild-builds');
    const [stored] = readdirSync(store);
    const file = join(store, stored!);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    const marked = `${first}// read from the run folder\n`;
    record.result.outputFiles[0].contents = Buffer.from(marked).toString('base64');
    writeFileSync(file, JSON.stringify(record));

    // Act
    const again = buildInNewProcess(entry, runFolder);
    writeFileSync(dependency, "export const message = 'second';\n");
    const edited = buildInNewProcess(entry, runFolder);

    // Assess
    expect(first).toContain('"first"');
    expect(readdirSync(store)).toHaveLength(1);
    expect(again).toBe(marked);
    expect(edited).toContain('"second"');
    expect(edited).not.toContain('read from the run folder');
  });
});
