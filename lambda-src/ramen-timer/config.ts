import { ConfigError, type Env } from '../shared/config-error';

/** Name of the environment variable holding the default wait in seconds. */
export const RAMEN_TIMER_SECONDS_VAR = 'RAMEN_TIMER_SECONDS';

/** Validated configuration of the ramen timer. */
export interface RamenTimerConfig {
  /** Seconds to wait when the execution input names none. Finite, >= 0. */
  readonly defaultSeconds: number;
}

// Plain decimal only: Number() alone would also accept '', ' ', '0x10' and '1e3'.
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Reads the ramen timer's configuration from an environment.
 *
 * @throws ConfigError naming `RAMEN_TIMER_SECONDS` and what it accepts when it is missing or not a
 *   non-negative decimal number.
 */
export function parseRamenTimerConfig(env: Env): RamenTimerConfig {
  const raw = env[RAMEN_TIMER_SECONDS_VAR];
  const accepted = 'a number of seconds >= 0, such as 3 or 2.5';
  if (raw === undefined || raw.trim() === '') {
    throw new ConfigError(`${RAMEN_TIMER_SECONDS_VAR} is required: set it to ${accepted}`);
  }
  const trimmed = raw.trim();
  const seconds = Number(trimmed);
  if (!DECIMAL.test(trimmed) || !Number.isFinite(seconds)) {
    throw new ConfigError(`${RAMEN_TIMER_SECONDS_VAR} must be ${accepted}; got ${JSON.stringify(raw)}`);
  }
  return { defaultSeconds: seconds };
}
