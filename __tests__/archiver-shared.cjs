/**
 * What `archiver` is in tests (jest.config.js maps it here): one copy per jest process, loaded by
 * Node.js (./outside-jest.cjs). cdktf loads it with its barrel for directory assets, which we do not
 * use (our functions zip their own bundles), and jest loaded it again for every test file: 3 % of the
 * unit tests' CPU (`node --cpu-prof`, issue 22).
 */
'use strict';
module.exports = require('./outside-jest.cjs')('archiver');
