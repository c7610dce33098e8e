/**
 * esbuild with `buildSync` remembered for the life of the process: a build that does not write
 * (`write: false`) and asks for its metafile is answered from an earlier build with the same options
 * as long as every file that build read still has the same content (SHA-256 of each input, as
 * stacks/constructs/nodejs-function.ts checks its own in-process bundles). An edit, even of a file a
 * test writes a moment before, is never missed; every other call goes to esbuild as it is.
 *
 * Loaded by Node.js, never by jest (./esbuild-shared.cjs): what it keeps must outlive a test file.
 */
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const esbuild = require('esbuild');

/** @type {Map<string, { result: import('esbuild').BuildResult, inputs: [string, string][] }>} */
const builds = new Map();

/** The file's content digest; `-` for an input that is not a file (esbuild's virtual modules). */
function contentDigest(path) {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return '-';
  }
}

/** @param {import('esbuild').BuildOptions} options */
function buildSync(options) {
  if (options.write !== false || options.metafile !== true || options.plugins !== undefined) {
    return esbuild.buildSync(options);
  }
  const key = JSON.stringify(options);
  const earlier = builds.get(key);
  if (earlier?.inputs.every(([path, digest]) => contentDigest(path) === digest)) {
    return earlier.result;
  }
  const result = esbuild.buildSync(options);
  const root = options.absWorkingDir ?? process.cwd();
  const inputs = Object.keys(result.metafile.inputs).map((input) => {
    const path = resolve(root, input);
    return [path, contentDigest(path)];
  });
  builds.set(key, { result, inputs });
  return result;
}

module.exports = { ...esbuild, buildSync };
