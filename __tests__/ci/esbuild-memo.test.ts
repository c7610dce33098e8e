/**
 * Tests get esbuild through __tests__/esbuild-shared.cjs (jest.config.js): one esbuild per process,
 * its bundles remembered across test files. A remembered bundle must never hide an edit.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
    // Prepare: the sources in a folder of their own (a file added beside an input is a change)
    mkdirSync(join(work, 'src'));
    const entry = join(work, 'src', 'entry.ts');
    const dependency = join(work, 'src', 'message.ts');
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

describe("tests' esbuild across runs, for the checkout's own entries", () => {
  const root = join(__dirname, '..', '..');

  /** A checkout of one handler: the memo and what it loads, the project's files, node_modules linked. */
  function checkout(): string {
    const dir = join(work, 'checkout');
    mkdirSync(join(dir, '__tests__'), { recursive: true });
    for (const file of ['esbuild-memo.cjs', 'run-folder.cjs', 'write-aside.cjs'])
      cpSync(join(root, '__tests__', file), join(dir, '__tests__', file));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "name": "checkout" }\n');
    writeFileSync(join(dir, 'package-lock.json'), '{}\n');
    writeFileSync(join(dir, 'tsconfig.json'), '{}\n');
    mkdirSync(join(dir, 'handler', 'message'), { recursive: true });
    writeFileSync(join(dir, 'handler', 'entry.ts'), "export { message } from './message';\n");
    writeFileSync(join(dir, 'handler', 'message', 'index.ts'), "export const message = 'first';\n");
    return dir;
  }

  /** Builds the handler in a fresh Node.js process outside any jest run; the bundle's text. */
  function build(dir: string): string {
    const script = `
      const { buildSync } = require(${JSON.stringify(join(dir, '__tests__', 'esbuild-memo.cjs'))});
      const result = buildSync({ entryPoints: [${JSON.stringify(join(dir, 'handler', 'entry.ts'))}], bundle: true,
        write: false, metafile: true, format: 'cjs', logLevel: 'silent' });
      process.stdout.write(result.outputFiles[0].text);`;
    const env = { ...process.env };
    delete env['ASYNC_API_JEST_TEMP_STATE'];
    return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
  }

  /** Marks the one kept build: a process that reads it instead of building shows the mark. */
  function mark(dir: string): string {
    const store = join(dir, '.build', 'esbuild-builds');
    const files = readdirSync(store);
    expect(files).toHaveLength(1);
    const file = join(store, files[0]!);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    const marked = `${Buffer.from(record.result.outputFiles[0].contents, 'base64').toString('utf8')}// kept\n`;
    record.result.outputFiles[0].contents = Buffer.from(marked).toString('base64');
    writeFileSync(file, JSON.stringify(record));
    return marked;
  }

  it('keeps the bundle in .build/esbuild-builds for the next run, one file per build options', () => {
    const dir = checkout();
    const first = build(dir);
    const marked = mark(dir);

    expect(first).toContain('"first"');
    expect(build(dir)).toBe(marked);
  });

  const write = (path: string[], text: string) => (dir: string) => writeFileSync(join(dir, ...path), text);
  it.each([
    [
      'a file added beside an import, which the import now resolves to',
      write(['handler', 'message.ts'], "export const message = 'beside';\n"),
      'beside',
    ],
    ['package.json', write(['package.json'], '{ "name": "checkout", "type": "commonjs" }\n'), 'first'],
    ['package-lock.json', write(['package-lock.json'], '{ "lockfileVersion": 3 }\n'), 'first'],
    ['tsconfig.json', write(['tsconfig.json'], '{ "compilerOptions": {} }\n'), 'first'],
    [
      'a file the bundle read',
      write(['handler', 'message', 'index.ts'], "export const message = 'edited';\n"),
      'edited',
    ],
  ])('builds again after a change to %s', (_label, change, message) => {
    const dir = checkout();
    build(dir);
    mark(dir);

    change(dir);
    const again = build(dir);

    expect(again).not.toContain('// kept');
    expect(again).toContain(`"${message}"`);
  });
});
