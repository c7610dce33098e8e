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

/** The oldest Node.js major this project supports; `.nvmrc` and package.json `engines` say the same. */
var MIN_MAJOR = 22;

/**
 * @param {string} version a Node.js version such as `v20.20.2` (process.version)
 * @returns {string | undefined} the one-line problem, or undefined when `version` is supported
 */
function nodeProblem(version) {
  var major = Number(String(version).replace(/^v/, '').split('.')[0]);
  if (major >= MIN_MAJOR) return undefined;
  return (
    'async-api needs Node.js ' +
    MIN_MAJOR +
    ' or newer, and this is Node.js ' +
    version +
    ': ' +
    'run `nvm install` (or `fnm use --install-if-missing`, or `volta install node@' +
    MIN_MAJOR +
    '`) in this folder, ' +
    'or see "Set-up" in README.md.'
  );
}

module.exports = { MIN_MAJOR: MIN_MAJOR, nodeProblem: nodeProblem };

// Requiring (or running) this module is the check, so an entry point needs a single line.
var problem = nodeProblem(process.version);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
