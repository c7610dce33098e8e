/**
 * A jest transform (jest.config.js) that hands a module to Node.js: the module jest loads in a test
 * file's sandbox only re-exports the one Node.js loaded for the whole worker (./outside-jest.cjs).
 *
 * Used for cdktf, constructs and the AWS provider's classes. jest gives every test file its own copy
 * of every module it loads, so each stack test file read, compiled and warmed up cdktf and the
 * forty-odd provider classes again, and the run's workers opened and compiled the same files
 * thousands of times (`node --cpu-prof`, issue 22). Their state that outlives a file is cdktf's
 * token map, which __tests__/setup.ts empties after each file. cdktf's jest adapter stays in the
 * sandbox: it registers matchers on the file's own `expect`.
 */
'use strict';
const { createHash } = require('node:crypto');

const OUTSIDE_JEST = require.resolve('./outside-jest.cjs');

module.exports = {
  getCacheKey(_source, path) {
    return createHash('sha256').update(`outside-jest 1\0${OUTSIDE_JEST}\0${path}`).digest('hex');
  },
  process(_source, path) {
    return { code: `module.exports = require(${JSON.stringify(OUTSIDE_JEST)})(${JSON.stringify(path)});\n` };
  },
};
