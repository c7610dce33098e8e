/**
 * jest's own runtime (jest-runtime), except that a file of the checkout's `node_modules/` is read once
 * per worker instead of once per test file (jest.config.js, `runtime`).
 *
 * jest gives each test file a fresh file cache, so each file read again, and decoded again, every
 * package it loads in its sandbox: the AWS SDK, sinon, jsonata, ajv, jest's own `expect` and
 * jest-circus. In the inner loop that is over 2,000 reads per worker of about 380 files (8 MB of
 * text), issue 22. Nothing under `node_modules/` changes while tests run (no test installs into the
 * checkout), so a worker keeps their text; every other file (our sources, the tests, the files tests
 * write) is read as jest reads it. Modules are still loaded, compiled and run per test file: only the
 * reading is shared.
 */
'use strict';
const { join, sep } = require('node:path');
const Runtime = require('jest-runtime').default;

/** The folder whose files a worker reads once. */
const NODE_MODULES = join(__dirname, '..', 'node_modules') + sep;

/** The text of each `node_modules` file this worker has read, by path. */
const texts = new Map();

/**
 * `read`, answered from `kept` for a file under `folder` that it has read before.
 * @param {Map<string, string>} kept
 * @param {(filename: string) => string} read
 * @param {string} folder ends with the path separator
 * @returns {(filename: string) => string}
 */
function keptUnder(folder, kept, read) {
  return (filename) => {
    if (!filename.startsWith(folder)) return read(filename);
    let text = kept.get(filename);
    if (text === undefined) {
      text = read(filename);
      kept.set(filename, text);
    }
    return text;
  };
}

class NodeModulesOnceRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const files = this.fileCache;
    if (typeof files?.readFile !== 'function') {
      throw new Error('jest-runtime no longer has fileCache.readFile: update __tests__/runtime.cjs');
    }
    files.readFile = keptUnder(NODE_MODULES, texts, files.readFile.bind(files));
  }
}

module.exports = NodeModulesOnceRuntime;
module.exports.keptUnder = keptUnder;
module.exports.NODE_MODULES = NODE_MODULES;
