/**
 * Which of V8's compilers jest's workers use. jest starts its workers with the Node.js flags of its
 * own process (jest-worker forks them with `process.execArgv`), so jest.config.js adds these to it.
 *
 * A worker of a short run, such as the unit suites of the inner loop, lives a few seconds: V8's
 * optimizing compilers (Maglev, TurboFan) spend CPU on background threads compiling functions that
 * run a few more times, and on two cores that CPU is taken from the other worker. So workers stop at
 * the baseline tier (`--max-opt=1`: the Ignition interpreter and Sparkplug), except when `npm test`
 * runs the whole suite (scripts/test.cjs sets {@link OPTIMIZE_VARIABLE}): its runtime and HTTP tests
 * run long enough to gain from every tier. Measured in issue 22's closing note; docs/testing.md.
 */
'use strict';

/** Set to `1` by the runner of the whole suite: its workers keep V8's optimizing compilers. */
const OPTIMIZE_VARIABLE = 'ASYNC_API_JEST_OPTIMIZE';

/** The flag that keeps a worker at the baseline tier. */
const BASELINE_ONLY = '--max-opt=1';

/**
 * Flags to add to the jest process's own for its workers: none when the whole suite runs or when the
 * process was started with a choice of V8 tiers of its own.
 * @param {Readonly<Record<string, string | undefined>>} env
 * @param {readonly string[]} execArgv the jest process's Node.js flags
 * @returns {string[]}
 */
function workerFlags(env, execArgv) {
  if (env[OPTIMIZE_VARIABLE] === '1') return [];
  if (execArgv.some((flag) => /^--(no-)?(max-opt|opt|turbofan|maglev|sparkplug)(=|$)/.test(flag))) return [];
  return [BASELINE_ONLY];
}

module.exports = { BASELINE_ONLY, OPTIMIZE_VARIABLE, workerFlags };
