/**
 * The one port parser, for `async-api listen --port` and `npm start`'s `PORT`: digits only, 0 to
 * 65535 (0 lets the system pick). `Number()` alone would take `1e3`, `0x50`, ` 80` or `80.0`.
 */
import { ConfigError } from '../lambda-src/shared/config-error';

/** Highest TCP port. */
export const MAX_PORT = 65535;

/**
 * Parses a port given as `name` (`--port`, `PORT`).
 * @throws ConfigError naming `name`, the accepted range and the value given.
 */
export function parsePort(text: string, name: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > MAX_PORT)
    throw new ConfigError(`${name} must be a whole number from 0 to ${MAX_PORT}; got ${JSON.stringify(text)}`);
  return port;
}
