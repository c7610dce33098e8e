import { runInThisContext } from 'node:vm';
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { collectAbove } from './worker-memory';

// Registers cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, ...). From the
// adapter's own module, not the `cdktf` barrel: the barrel loads all of cdktf (0.1 s a file), and
// jest loads this setup again for every test file, those of handlers and the client included.
setupJest();

/**
 * cdktf records where each token was made (thousands per synthesized stack) by capturing the stack
 * of a plain object with no frame limit, and jest formats every frame of every such stack through
 * source maps: 1.7 s of the unit tests' 8 s (`node --cpu-prof`, issue 22). cdktf shows these records
 * only in a resolution error, so in tests they hold their first {@link CREATION_FRAMES} frames, enough
 * to pass cdktf's and the provider's own and name the construct that made the token, in V8's plain
 * format. Capturing them all and keeping ten was still 12 % of the CPU of the stack tests; cdktf's
 * function reads back through its module's exports on every call, so this file's module (jest gives
 * each test file its own) is the one to replace. Real errors keep jest's formatter (set in the main
 * context, hence `runInThisContext`), so a failing test's stack still names our TypeScript lines.
 */
const CREATION_FRAMES = 10;
// A module's exports, to replace one of its functions: not an ES namespace, which is read-only.
const creationStacks = require('cdktf/lib/tokens/private/stack-trace') as {
  captureStackTrace(below?: (...args: never) => unknown): string[];
};
const mainContextError = runInThisContext('Error') as ErrorConstructor;
Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): string => {
  const jestFormat = mainContextError.prepareStackTrace;
  if (jestFormat !== undefined && Object.prototype.toString.call(error) === '[object Error]') {
    return jestFormat(error, frames) as string;
  }
  return `${error?.name ?? 'Error'}: ${error?.message ?? ''}${frames.map((frame) => `\n    at ${frame}`).join('')}`;
};
creationStacks.captureStackTrace = function captureStackTrace(below?: (...args: never) => unknown): string[] {
  const record: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = CREATION_FRAMES;
    Error.captureStackTrace(record, below ?? captureStackTrace);
  } finally {
    Error.stackTraceLimit = limit;
  }
  let frames: string[] | undefined;
  const read = (): string[] =>
    (frames ??= (record.stack ?? '')
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^\s*at\s+/, '')));
  return new Proxy([] as string[], {
    get: (_target, key) => {
      const value = Reflect.get(read(), key);
      return typeof value === 'function' ? value.bind(read()) : value;
    },
    has: (_target, key) => Reflect.has(read(), key),
    ownKeys: () => Reflect.ownKeys(read()),
    getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(read(), key),
  });
};

// A worker collects its garbage after a file that left its heap large, instead of being replaced.
afterAll(() => {
  collectAbove();
});
