/**
 * Writes a file that other jest processes may read at the same moment: the text goes to a file of this
 * process's own beside it, which is then renamed over the target, so a reader sees the old file, no
 * file, or the whole new one, never half of it. Two processes writing the same key write the same
 * content, so the last rename wins harmlessly. Plain CommonJS, for the caches jest loads
 * (app-synth.ts, stacks/asl-validator-cached.ts) and what Node.js loads outside jest (esbuild-memo.cjs,
 * fflate-memo.cjs).
 */
'use strict';
const { mkdirSync, renameSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');

/**
 * @param {string} file
 * @param {string | Uint8Array} text
 */
function writeAside(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}

module.exports = { writeAside };
