/**
 * Node.js's own `require` for this folder, reached through the main context (as __tests__/setup.ts
 * reaches its `Error`): a module it loads is loaded once per jest process and outlives a test file,
 * where jest gives every test file its own copy of every module it loads itself.
 */
'use strict';
const { runInThisContext } = require('node:vm');

const nodeProcess = runInThisContext('process');

module.exports = nodeProcess.getBuiltinModule('node:module').createRequire(__filename);
