/**
 * What `esbuild` is in tests (jest.config.js maps it here): the one esbuild of the jest process or
 * worker, loaded by Node.js itself rather than by jest, with `buildSync` remembered
 * (./esbuild-memo.cjs).
 *
 * jest gives every test file its own copy of every module, so each file that synthesizes the stack
 * started its own esbuild service and bundled the same handlers again: 50 bundles of 11 handlers in
 * the unit suites, about a second of a run spent waiting on esbuild. Loaded from outside jest's
 * module registry (Node's own `require`, reached through the main context as __tests__/setup.ts
 * reaches its `Error`), one copy serves every file of the process.
 */
'use strict';
const { runInThisContext } = require('node:vm');

const nodeProcess = runInThisContext('process');
const nodeRequire = nodeProcess.getBuiltinModule('node:module').createRequire(__filename);

module.exports = nodeRequire('./esbuild-memo.cjs');
