/**
 * esbuild with `buildSync` remembered: a build that does not write (`write: false`) and asks for its
 * metafile is answered from an earlier build with the same options as long as every file that build
 * read still has the same content (SHA-256 of each input, as stacks/constructs/nodejs-function.ts
 * checks its own in-process bundles). An edit, even of a file a test writes a moment before, is never
 * missed; every other call goes to esbuild as it is.
 *
 * Remembered in the process, and within a jest run also in the run's own folder (temp-folder.ts), so
 * a worker jest starts fresh, or recycles past its memory limit, reads the bundles another worker
 * built instead of bundling every handler again (each of the six workers of the unit suites bundled
 * the same handlers: issue 22). The folder goes with the run, so nothing outlives it.
 *
 * Loaded by Node.js, never by jest (./esbuild-shared.cjs): what it keeps must outlive a test file.
 */
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const esbuild = require('esbuild');
const { runFolderOf } = require('./run-folder.cjs');
const { writeAside } = require('./write-aside.cjs');

/** @typedef {{ result: import('esbuild').BuildResult, inputs: [string, string][] }} Remembered */
/** @type {Map<string, Remembered>} */
const builds = new Map();

/** The file's content digest; `-` for an input that is not a file (esbuild's virtual modules). */
function contentDigest(path) {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return '-';
  }
}

/** @param {Remembered | undefined} remembered */
function stillValid(remembered) {
  return remembered?.inputs.every(([path, digest]) => contentDigest(path) === digest) === true;
}

/**
 * Where this jest run keeps bundles for all its processes: the run folder that temp-folder.ts's
 * global setup hands its workers (in the environment it writes); none outside a jest run.
 */
function runStore() {
  const runFolder = runFolderOf(process.env);
  return runFolder === undefined ? undefined : join(runFolder, 'esbuild-builds');
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
function readStored(file) {
  let stored;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // not built by another process yet
  }
  const { outputFiles, ...rest } = stored.result;
  const files = outputFiles.map((f) => outputFile(f.path, new Uint8Array(Buffer.from(f.contents, 'base64')), f.hash));
  return { result: { ...rest, outputFiles: files }, inputs: stored.inputs };
}

/** Written aside and renamed (./write-aside.cjs): another process never reads half a file. */
function store(file, /** @type {Remembered} */ { result, inputs }) {
  const outputFiles = result.outputFiles.map((f) => ({
    path: f.path,
    hash: f.hash,
    contents: Buffer.from(f.contents).toString('base64'),
  }));
  writeAside(file, JSON.stringify({ result: { ...result, outputFiles }, inputs }));
}

/** @param {import('esbuild').BuildOptions} options */
function buildSync(options) {
  if (options.write !== false || options.metafile !== true || options.plugins !== undefined) {
    return esbuild.buildSync(options);
  }
  const key = JSON.stringify(options);
  const earlier = builds.get(key);
  if (stillValid(earlier)) return earlier.result;
  const folder = runStore();
  const file =
    folder && join(folder, `${createHash('sha256').update(`${esbuild.version}\0${key}`).digest('hex')}.json`);
  const stored = file && readStored(file);
  if (stillValid(stored)) {
    builds.set(key, stored);
    return stored.result;
  }
  const result = esbuild.buildSync(options);
  const root = options.absWorkingDir ?? process.cwd();
  const inputs = Object.keys(result.metafile.inputs).map((input) => {
    const path = resolve(root, input);
    return [path, contentDigest(path)];
  });
  builds.set(key, { result, inputs });
  if (file) store(file, { result, inputs });
  return result;
}

module.exports = { ...esbuild, buildSync };
