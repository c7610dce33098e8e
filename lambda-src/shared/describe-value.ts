const MAX_SHOWN_CHARS = 60;

/**
 * Short, human-readable rendering of an untrusted value for error messages.
 *
 * `JSON.stringify` alone would print `NaN` and `Infinity` as `null` and `undefined` as nothing, which
 * would make a message such as `got null` lie about what was received. Long values are cut so a
 * client cannot make us echo a megabyte back.
 */
export function describeValue(value: unknown): string {
  let shown: string;
  if (value === undefined) shown = 'undefined';
  else if (typeof value === 'number' || typeof value === 'bigint') shown = String(value);
  else if (typeof value === 'function' || typeof value === 'symbol') shown = typeof value;
  else {
    try {
      shown = JSON.stringify(value) ?? typeof value;
    } catch {
      shown = typeof value;
    }
  }
  return shown.length > MAX_SHOWN_CHARS ? `${shown.slice(0, MAX_SHOWN_CHARS)}…` : shown;
}

/** True for a non-null, non-array object, i.e. what a JSON object parses to. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
