import { runInThisContext } from 'node:vm';
import { setupJest } from 'cdktf/lib/testing/adapters/jest';

// Registers cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, ...). From the
// adapter's own module, not the `cdktf` barrel: the barrel loads all of cdktf (0.1 s a file), and
// jest loads this setup again for every test file, those of handlers and the client included.
setupJest();

/**
 * cdktf records where each token was made (thousands per synthesized stack) by reading the `stack`
 * of a plain object, and jest formats every frame of every such stack through source maps: 1.7 s of
 * the unit tests' 8 s (`node --cpu-prof`, issue 22). Such records get V8's plain format here; real
 * errors keep jest's formatter (set in the main context, hence `runInThisContext`), so a failing
 * test's stack still names our TypeScript lines.
 */
const mainContextError = runInThisContext('Error') as ErrorConstructor;
Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): string => {
  const jestFormat = mainContextError.prepareStackTrace;
  if (jestFormat !== undefined && Object.prototype.toString.call(error) === '[object Error]') {
    return jestFormat(error, frames) as string;
  }
  return `${error?.name ?? 'Error'}: ${error?.message ?? ''}${frames.map((frame) => `\n    at ${frame}`).join('')}`;
};
