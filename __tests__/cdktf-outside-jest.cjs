/**
 * cdktf as tests load it: once per jest worker, by Node.js (./outside-jest-transform.cjs), with two
 * changes for tests only, both to what cdktf keeps for its own error messages.
 *
 * - Token creation records. cdktf records where each token was made (thousands per synthesized
 *   stack) by capturing the whole stack of a plain object, and jest's source-map formatter formatted
 *   every frame: 1.7 s of the unit tests' 8 s (`node --cpu-prof`, issue 22). cdktf shows a record
 *   only in a resolution error, so here each holds its first {@link CREATION_FRAMES} frames, enough to
 *   pass cdktf's and the provider's own and name the code that made the token, formatted as V8 does
 *   when read. cdktf's callers read the function through its module's exports at every call.
 * - Its token map lives as long as the worker: {@link forgetTokens} empties it after each test file
 *   (__tests__/setup.ts), so a file's stacks do not stay reachable through their tokens. Emptied in
 *   place, because cdktf's resolvers keep the map they were made with.
 */
'use strict';
const stackTrace = require('cdktf/lib/tokens/private/stack-trace');
const { TokenMap } = require('cdktf/lib/tokens/private/token-map');

const CREATION_FRAMES = 10;

/** @param {Function} [below] the frames of this function and above it are left out */
stackTrace.captureStackTrace = function captureStackTrace(below) {
  const record = {};
  const limit = Error.stackTraceLimit;
  const format = Error.prepareStackTrace;
  let sites;
  try {
    Error.stackTraceLimit = CREATION_FRAMES;
    Error.prepareStackTrace = (_record, callSites) => callSites;
    Error.captureStackTrace(record, below ?? captureStackTrace);
    sites = record.stack;
  } finally {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = format;
  }
  let frames;
  const read = () => {
    frames ??= (sites ?? []).map(String);
    return frames;
  };
  // An array to cdktf (it reads `length` and `join`), formatted on first read.
  return new Proxy([], {
    get: (_target, key) => {
      const value = Reflect.get(read(), key);
      return typeof value === 'function' ? value.bind(read()) : value;
    },
    has: (_target, key) => Reflect.has(read(), key),
    ownKeys: () => Reflect.ownKeys(read()),
    getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(read(), key),
  });
};

/** Empties cdktf's token map (every kind of token it registers), keeping the map itself. */
function forgetTokens() {
  for (const value of Object.values(TokenMap.instance())) if (value instanceof Map) value.clear();
}

module.exports = { CREATION_FRAMES, forgetTokens };
