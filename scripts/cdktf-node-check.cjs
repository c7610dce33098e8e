#!/usr/bin/env node
/**
 * Preflight for `npm run plan` / `npm run deploy`: cdktf-cli 0.21 loads a native module
 * (@cdktf/node-pty-prebuilt-multiarch) whose package ships builds up to Node.js 22 only (ABI 127),
 * so on a newer Node it dies with ERR_DLOPEN_FAILED before doing anything. Say so plainly instead.
 * Everything else in this repository (tests, npm start, the client, npm run synth) runs on 22+.
 */
'use strict';

/** The newest Node.js major cdktf-cli 0.21's native module has a build for. */
const NEWEST_SUPPORTED_MAJOR = 22;

/** @returns a one-line problem for Node.js `version`, or undefined when cdktf-cli can run on it. */
function problemWith(version) {
  const major = Number(String(version).replace(/^v/, '').split('.')[0]);
  if (major > NEWEST_SUPPORTED_MAJOR) {
    return (
      `cdktf-cli 0.21 cannot start on Node.js ${version}: its native module has builds up to Node.js ` +
      `${NEWEST_SUPPORTED_MAJOR} only. Switch to Node.js ${NEWEST_SUPPORTED_MAJOR} (nvm use, .nvmrc) for cdktf diff/deploy.`
    );
  }
  return undefined;
}

module.exports = { problemWith, NEWEST_SUPPORTED_MAJOR };

if (require.main === module) {
  const problem = problemWith(process.version);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(2);
  }
}
