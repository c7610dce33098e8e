import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isAllowedAddress, type WebhookUrlPolicy } from './url';

/** One POST: resolves to the status code; rejects on a timeout, a refused address or a connection failure. */
export type Post = (
  url: URL,
  request: { readonly headers: Readonly<Record<string, string>>; readonly body: string; readonly timeoutMs: number },
) => Promise<number>;

/** Resolves a host name to all its addresses (`dns.lookup` with `all: true` in production). */
export type Resolve = (host: string) => Promise<readonly LookupAddress[]>;

/** Thrown (and so retried, then dead-lettered) when a host name resolves to a forbidden address. */
export class ForbiddenAddressError extends Error {
  override readonly name = 'ForbiddenAddressError';
}

/** What decides which addresses a delivery may connect to, and how names are resolved. */
export interface PostOptions extends WebhookUrlPolicy {
  readonly resolve: Resolve;
}

/**
 * The socket's DNS lookup: resolves with {@link PostOptions.resolve} and refuses the whole answer when
 * any address is forbidden by the policy. Honours Node's `lookup` contract both ways: with
 * `{ all: true }` (what `net.connect` asks when `autoSelectFamily` is on, Node's default since 20) it
 * answers an array of `{ address, family }`; otherwise one address and its family. `family` 4 or 6
 * keeps only that family's addresses.
 */
export function guardedLookup(options: PostOptions): LookupFunction {
  return (hostname, opts, callback) => {
    options.resolve(hostname).then(
      (addresses) => {
        if (addresses.some((a) => !isAllowedAddress(a.address, options))) {
          callback(new ForbiddenAddressError('the host resolves to a forbidden address'), '', 4);
          return;
        }
        const family = familyOf(opts);
        const wanted = family === 0 ? [...addresses] : addresses.filter((a) => a.family === family);
        const first = wanted[0];
        if (!first) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
        } else if (opts.all) {
          callback(null, wanted);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}

function familyOf(opts: LookupOptions): 0 | 4 | 6 {
  if (opts.family === 4 || opts.family === 'IPv4') return 4;
  if (opts.family === 6 || opts.family === 'IPv6') return 6;
  return 0;
}

/**
 * A POST whose connection can only reach an address the policy allows: the socket's own DNS lookup is
 * replaced by {@link guardedLookup}, so a name cannot change its answer between a check and the
 * connection (DNS rebinding). Node connects to an IP literal without any lookup, so a literal host is
 * checked here against the same policy. Redirects are not followed (Node's http client never follows
 * them). The local runtime runs this same code; only its policy differs (loopback allowed).
 */
export function createPost(options: PostOptions): Post {
  const lookup = guardedLookup(options);
  return (url, { headers, body, timeoutMs }) =>
    new Promise((resolve, reject) => {
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      if (isIP(host) !== 0 && !isAllowedAddress(host, options)) {
        reject(new ForbiddenAddressError('the webhook address is forbidden'));
        return;
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup },
        (res) => {
          clearTimeout(deadline);
          // The answer's body is not needed; reading it frees the socket.
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      // A deadline for the whole attempt, not the socket's idle timeout: a receiver that sends its
      // answer a byte at a time would reset an idle timer forever and hold the sender to its own timeout.
      const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
      req.end(body);
    });
}
