/**
 * Access-log lines in the stage's format: every `$context.<name>` in the format is replaced by its
 * value, or `-` when the request has none (as API Gateway writes absent values). Values are inserted
 * as they are, without JSON escaping, like API Gateway does; `$context.error.messageString` is the
 * quoted form AWS offers for that reason.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */

/** `$context` values of one request, by dotted name. */
export type AccessLogContext = Readonly<Record<string, string | number | undefined>>;

const VARIABLE = /\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g;

/** Renders one access-log line. */
export function renderAccessLog(format: string, context: AccessLogContext): string {
  return format.replace(VARIABLE, (_m, name: string) => {
    const value = context[name];
    return value === undefined || value === '' ? '-' : String(value);
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// Every request needs the text (the access log, `$context.requestTime` in mappings, the proxy event),
// and requests in the same second share it: formatting it once per second showed in the runtime's profile.
let last = { second: Number.NaN, text: '' };

/** `dd/MMM/yyyy:HH:mm:ss +0000`, the CLF time API Gateway uses for `$context.requestTime`. */
export function clfTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second === last.second) return last.text;
  const d = new Date(second * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const text = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
  last = { second, text };
  return text;
}
