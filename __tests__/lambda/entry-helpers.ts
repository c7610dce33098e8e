/** Helpers for tests that load a Lambda entry module (`index.ts`) as Lambda does, once per container. */

/** Requires `path` in a fresh registry so its module-level code (configuration at cold start) runs again. */
export function loadFresh<T>(path: string): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    loaded = require(path) as T;
  });
  return loaded as T;
}
