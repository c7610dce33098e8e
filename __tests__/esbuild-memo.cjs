/**
 * esbuild with `buildSync` remembered: a build that does not write (`write: false`) and asks for its
 * metafile is answered from an earlier build with the same options as long as every file that build
 * read still has the same content (SHA-256 of each input, as stacks/constructs/nodejs-function.ts
 * checks its own in-process bundles) and every folder holding one the same entries. An edit, even of
 * a file a test writes a moment before, is never missed; every other call goes to esbuild as it is.
 *
 * Remembered in the process, and on disk so a worker jest starts fresh, or recycles past its memory
 * limit, reads the bundles another worker built instead of bundling every handler again (each of the
 * six workers of the unit suites bundled the same handlers: issue 22):
 * - a build whose entries are the checkout's own files (the handlers) is kept in the checkout's
 *   `.build/esbuild-builds/` across runs, so the run after an edit of a stack bundles nothing. It is
 *   read back only with the same content of what esbuild reads without listing it among the inputs
 *   (package.json, package-lock.json, tsconfig.json); an edit of the handler or of anything it
 *   imports shows in the inputs' digests. One file per options, replaced when it no longer holds.
 * - any other build (a test's own entry in a temp folder) is kept in the jest run's own folder
 *   (temp-folder.ts), which goes with the run, so nothing of it outlives the run.
 *
 * Loaded by Node.js, never by jest (./esbuild-shared.cjs): what it keeps must outlive a test file.
 */
'use strict';
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync } = require('node:fs');
const { dirname, isAbsolute, join, relative, resolve, sep } = require('node:path');
const esbuild = require('esbuild');
const { runFolderOf } = require('./run-folder.cjs');
const { writeAside } = require('./write-aside.cjs');

/** @typedef {{ result: import('esbuild').BuildResult, inputs: [string, string][] }} Remembered */
/** @type {Map<string, Remembered>} */
const builds = new Map();

/**
 * The file's content digest; `-` for an input that is not a file (esbuild's virtual modules). For a
 * folder (a path ending in the separator), a digest of its entries' names: a file added next to an
 * input (`util.ts` beside `util/index.ts`) can change what an import resolves to.
 */
function contentDigest(path) {
  try {
    const content = path.endsWith(sep) ? readdirSync(path).sort().join('\0') : readFileSync(path);
    return createHash('sha256').update(content).digest('hex');
  } catch {
    return '-';
  }
}

/** What a build read: each input file and each folder holding one (as `folder/`), with its digest. */
function inputsOf(/** @type {string} */ root, /** @type {import('esbuild').Metafile} */ metafile) {
  const files = Object.keys(metafile.inputs).map((input) => resolve(root, input));
  const folders = [...new Set(files.map((file) => dirname(file) + sep))];
  return [...files, ...folders].map((path) => [path, contentDigest(path)]);
}

/** @param {Remembered | undefined} remembered */
function stillValid(remembered) {
  return remembered?.inputs.every(([path, digest]) => contentDigest(path) === digest) === true;
}

/** The checkout these tests belong to. */
const REPO_ROOT = resolve(__dirname, '..');
/** Files esbuild reads that its metafile does not list as inputs, and that can change a bundle. */
const UNLISTED_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json'];

/** Whether every entry of `options` is a file of this checkout (outside `.build/` and `node_modules/`). */
function entriesInCheckout(/** @type {import('esbuild').BuildOptions} */ options) {
  const root = options.absWorkingDir ?? process.cwd();
  const entries = Array.isArray(options.entryPoints) ? options.entryPoints : [];
  return (
    entries.length > 0 &&
    entries.every((entry) => {
      if (typeof entry !== 'string') return false;
      const rel = relative(REPO_ROOT, resolve(root, entry));
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !/^(\.build|node_modules)[\\/]/.test(rel);
    })
  );
}

/**
 * Where a build with `options` is kept for other processes: the checkout's `.build/esbuild-builds/`
 * for its own entries, else the run folder that temp-folder.ts's global setup hands its workers (in
 * the environment it writes); none outside a jest run. A kept build is read only with the same
 * `salt`: esbuild's version, and for the checkout's builds the digests of {@link UNLISTED_INPUTS}.
 * @returns {{ folder: string, salt: string } | undefined}
 */
function storeFor(/** @type {import('esbuild').BuildOptions} */ options) {
  if (entriesInCheckout(options)) {
    const unlisted = UNLISTED_INPUTS.map((name) => `\0${name}:${contentDigest(join(REPO_ROOT, name))}`);
    return { folder: join(REPO_ROOT, '.build', 'esbuild-builds'), salt: esbuild.version + unlisted.join('') };
  }
  const runFolder = runFolderOf(process.env);
  return runFolder === undefined ? undefined : { folder: join(runFolder, 'esbuild-builds'), salt: esbuild.version };
}

/** An output file as esbuild gives it (`text` decoded when read). */
function outputFile(path, contents, hash) {
  return {
    path,
    contents,
    hash,
    get text() {
      return Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength).toString('utf8');
    },
  };
}

/** @returns {Remembered | undefined} */
function readStored(file, /** @type {string} */ salt) {
  let stored;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // not built by another process yet
  }
  if (stored.salt !== salt) return undefined; // built with another esbuild, package.json or tsconfig.json
  const { outputFiles, ...rest } = stored.result;
  const files = outputFiles.map((f) => outputFile(f.path, new Uint8Array(Buffer.from(f.contents, 'base64')), f.hash));
  return { result: { ...rest, outputFiles: files }, inputs: stored.inputs };
}

/** Written aside and renamed (./write-aside.cjs): another process never reads half a file. */
function store(file, /** @type {string} */ salt, /** @type {Remembered} */ { result, inputs }) {
  const outputFiles = result.outputFiles.map((f) => ({
    path: f.path,
    hash: f.hash,
    contents: Buffer.from(f.contents).toString('base64'),
  }));
  writeAside(file, JSON.stringify({ salt, result: { ...result, outputFiles }, inputs }));
}

/** @param {import('esbuild').BuildOptions} options */
function buildSync(options) {
  if (options.write !== false || options.metafile !== true || options.plugins !== undefined) {
    return esbuild.buildSync(options);
  }
  const key = JSON.stringify(options);
  const earlier = builds.get(key);
  if (stillValid(earlier)) return earlier.result;
  const where = storeFor(options);
  const file = where && join(where.folder, `${createHash('sha256').update(key).digest('hex')}.json`);
  const stored = file && readStored(file, where.salt);
  if (stillValid(stored)) {
    builds.set(key, stored);
    return stored.result;
  }
  const result = esbuild.buildSync(options);
  const inputs = inputsOf(options.absWorkingDir ?? process.cwd(), result.metafile);
  builds.set(key, { result, inputs });
  if (file) store(file, where.salt, { result, inputs });
  return result;
}

module.exports = { ...esbuild, buildSync };
