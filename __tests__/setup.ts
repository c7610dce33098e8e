import { runInThisContext } from 'node:vm';
import { setupJest } from 'cdktf/lib/testing/adapters/jest';

// Registers cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, ...). From the
// adapter's own module, not the `cdktf` barrel: the barrel loads all of cdktf (0.1 s a file), and
// jest loads this setup again for every test file, those of handlers and the client included.
setupJest();

/**
 * cdktf records where each token was made (thousands per synthesized stack) by reading the `stack`
 * of a plain object, and jest formats every frame of every such stack through source maps: 1.7 s of
 * the unit tests' 8 s (`node --cpu-prof`, issue 22). Such records get V8's plain format here, and
 * only their first {@link CREATION_FRAMES} frames, enough to pass cdktf's and the provider's own and
 * name the construct that made the token (cdktf shows them only in a resolution error). cdktf lifts
 * the frame limit, and formatting the twenty-odd frames of each record was still 8 % of the CPU of the
 * stack tests, 4 % with ten. Real errors keep jest's formatter (set in the main context, hence
 * `runInThisContext`), so a failing test's stack still names our TypeScript lines.
 */
const CREATION_FRAMES = 10;
const mainContextError = runInThisContext('Error') as ErrorConstructor;
Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): string => {
  const jestFormat = mainContextError.prepareStackTrace;
  if (jestFormat !== undefined && Object.prototype.toString.call(error) === '[object Error]') {
    return jestFormat(error, frames) as string;
  }
  return `${error?.name ?? 'Error'}: ${error?.message ?? ''}${frames
    .slice(0, CREATION_FRAMES)
    .map((frame) => `\n    at ${frame}`)
    .join('')}`;
};
