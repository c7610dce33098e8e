#!/usr/bin/env node
'use strict';
require('../../scripts/require-node.cjs'); // first: an older Node.js stops here with one line
// Runs the TypeScript CLI through tsx's require hook: no build step, and the shim stays tiny.
// The exit code is set rather than forced so pending stdout writes are flushed first.
require('tsx/cjs');
const { main } = require('../cli.ts');

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
