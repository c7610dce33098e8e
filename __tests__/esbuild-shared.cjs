/**
 * What `esbuild` is in tests (jest.config.js maps it here): the one esbuild of the jest process or
 * worker, loaded by Node.js itself rather than by jest (./outside-jest.cjs), with `buildSync`
 * remembered (./esbuild-memo.cjs).
 *
 * jest gives every test file its own copy of every module, so each file that synthesizes the stack
 * started its own esbuild service and bundled the same handlers again: 50 bundles of 11 handlers in
 * the unit suites, about a second of a run spent waiting on esbuild.
 */
'use strict';
module.exports = require('./outside-jest.cjs')('./esbuild-memo.cjs');
