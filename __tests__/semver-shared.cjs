/**
 * What `semver` is in tests (jest.config.js maps it here): one copy per jest process, loaded by
 * Node.js (./outside-jest.cjs) rather than once per test file with cdktf's barrel (issue 22).
 */
'use strict';
module.exports = require('./outside-jest.cjs')('semver');
