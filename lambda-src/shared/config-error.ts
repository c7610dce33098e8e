/**
 * Thrown at cold start when a handler's configuration is missing or invalid.
 *
 * Lambda reports an error thrown while the module loads as an init failure, so a bad deployment fails
 * on its first invocation with this message instead of misbehaving later.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Environment as handed to the config parsers; `index.ts` passes `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;
