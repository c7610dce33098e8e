/**
 * What `fflate` is in tests (jest.config.js maps it here): fflate itself, loaded by jest as before,
 * with `zipSync` answered from zips kept for the life of the process (./fflate-memo.cjs, loaded by
 * Node.js through ./outside-jest.cjs so it outlives a test file).
 *
 * Every test file that synthesizes a stack zipped each handler's bundle again at level 9
 * (stacks/constructs/nodejs-function.ts keeps its zips per module, and jest gives each file its own
 * modules): 2.5 % of the unit tests' CPU (`node --cpu-prof`, issue 22).
 */
'use strict';
// The file `fflate` resolves to, by the subpath the mapping does not catch.
const fflate = require('fflate/node');
const { keyOf, remember, remembered } = require('./outside-jest.cjs')('./fflate-memo.cjs');

/** @type {typeof fflate.zipSync} */
function zipSync(data, opts) {
  const key = keyOf(data, opts);
  if (key === undefined) return fflate.zipSync(data, opts);
  return remembered(key) ?? remember(key, fflate.zipSync(data, opts));
}

module.exports = { ...fflate, zipSync };
