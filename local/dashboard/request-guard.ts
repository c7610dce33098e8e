/**
 * Which requests the dashboard refuses: it belongs to the user's machine only. `Host` guards against
 * DNS rebinding (a foreign name resolving to 127.0.0.1); `Origin` against cross-site requests from
 * another page open in the same browser. Both are matched exactly, never as a prefix.
 */
import type { IncomingMessage } from 'node:http';

/** Decides, per request, whether the dashboard on `port` refuses it. */
export interface RequestGuard {
  /** Why the request is refused (the 403's message), or undefined when it may be served. */
  refusal(req: Pick<IncomingMessage, 'headers' | 'method'>): string | undefined;
}

/** The guard of a dashboard on `port`: the only `Host`/`Origin` accepted are 127.0.0.1 and localhost on it. */
export function requestGuard(port: number): RequestGuard {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  return {
    refusal(req) {
      const host = req.headers.host;
      if (!host || !hosts.has(host))
        return `Host ${JSON.stringify(host ?? '')} is not this runtime's: the dashboard answers only ${[...hosts].join(' and ')}`;
      const origin = req.headers.origin;
      if (origin !== undefined && !origins.has(origin))
        return `Origin ${JSON.stringify(origin)} is not this runtime's: the dashboard is for this machine only`;
      // A form POST from another site may come without Origin in old browsers; JSON bodies need a preflight.
      if (req.method === 'POST' && !(req.headers['content-type'] ?? '').startsWith('application/json'))
        return 'POST bodies must be application/json';
      return undefined;
    },
  };
}
