/**
 * The jest run's own folder as its processes find it: temp-folder.ts's global setup writes it into the
 * environment the main process and its workers share. Plain CommonJS, so both temp-folder.ts and
 * what Node.js loads outside jest (./esbuild-memo.cjs) read it the same way.
 */
'use strict';

/** The variable holding `{runFolder, saved}` as JSON while a jest run lasts. */
const RUN_STATE_VARIABLE = 'ASYNC_API_JEST_TEMP_STATE';

/**
 * The run folder of the jest run `env` belongs to, or undefined outside such a run.
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {string | undefined}
 */
function runFolderOf(env) {
  const state = env[RUN_STATE_VARIABLE];
  return state === undefined ? undefined : JSON.parse(state).runFolder;
}

module.exports = { RUN_STATE_VARIABLE, runFolderOf };
