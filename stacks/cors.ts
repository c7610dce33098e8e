/**
 * Allowed CORS origins, checked where the configuration is read (stacks/config.ts) and where the HTTP
 * API is built. Kept apart from the construct so that reading the configuration (the local runtime
 * does, to know when to synthesize again) does not load cdktf and the provider's classes.
 */

/** An origin as browsers send it: scheme, host and optional port, no path, no wildcard. */
const ORIGIN =
  /^https?:\/\/(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?$/;

/**
 * Why `origin` cannot be an allowed origin, or `undefined` when it can. Wildcards (`*`,
 * `https://*.example.com`) are refused: the local runtime could not match them exactly as API Gateway
 * does, and a JWT-authenticated API has no use for "any origin".
 */
export function corsOriginProblem(origin: string): string | undefined {
  if (origin.includes('*')) return `wildcards are not accepted; list each origin: ${JSON.stringify(origin)}`;
  if (!ORIGIN.test(origin))
    return `must be scheme://host[:port] in lower case with no path or trailing slash: ${JSON.stringify(origin)}`;
  return undefined;
}
