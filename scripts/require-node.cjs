/**
 * The one Node.js version check. Every entry point requires this module first (npm scripts run it
 * before anything from node_modules, entry files import it on their first line), so an older Node.js
 * stops at once with one line naming the version it needs, instead of failing later with
 * `Promise.withResolvers is not a function` deep inside a job or a jest worker.
 *
 * Written in the syntax of very old Node.js releases (no const, arrow functions or template
 * strings) so that the message, not a SyntaxError, is what an old Node.js prints.
 */
'use strict';

/**
 * The oldest Node.js this project supports: 22.13, the first 22 with `node:sqlite` (the local
 * runtime's store) without a flag. `.nvmrc` names the major (nvm installs its newest release) and
 * package.json `engines` says `>=22.13`.
 */
var MIN_MAJOR = 22;
var MIN_MINOR = 13;

/**
 * @param {string} version a Node.js version such as `v20.20.2` (process.version)
 * @returns {string | undefined} the one-line problem, or undefined when `version` is supported
 */
function nodeProblem(version) {
  var parts = String(version).replace(/^v/, '').split('.');
  var major = Number(parts[0]);
  var minor = Number(parts[1] || 0);
  if (major > MIN_MAJOR || (major === MIN_MAJOR && minor >= MIN_MINOR)) return undefined;
  return (
    'async-api needs Node.js ' +
    MIN_MAJOR +
    '.' +
    MIN_MINOR +
    ' or newer, and this is Node.js ' +
    version +
    ': ' +
    'run `nvm install` (or `fnm use --install-if-missing`, or `volta install node@' +
    MIN_MAJOR +
    '`) in this folder, ' +
    'or see "Set-up" in README.md.'
  );
}

module.exports = { MIN_MAJOR: MIN_MAJOR, MIN_MINOR: MIN_MINOR, nodeProblem: nodeProblem };

// Requiring (or running) this module is the check, so an entry point needs a single line.
var problem = nodeProblem(process.version);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
