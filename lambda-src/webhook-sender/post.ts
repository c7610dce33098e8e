import type { LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isForbiddenAddress } from './url';

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

/**
 * A POST whose connection can only reach an address that was checked: the socket's own DNS lookup is
 * replaced by one that refuses a private, loopback, link-local or reserved answer, so a name cannot
 * change its answer between a check and the connection (DNS rebinding). Redirects are not followed
 * (Node's http client never follows them). With `allowLoopbackHttp` (the local runtime) nothing is
 * checked: the URL policy has already limited plain HTTP to 127.0.0.1.
 */
export function createPost(options: { readonly allowLoopbackHttp: boolean; readonly resolve: Resolve }): Post {
  const lookup: LookupFunction = (hostname, _opts, callback) => {
    options.resolve(hostname).then(
      (addresses) => {
        const first = addresses[0];
        if (!first || addresses.some((a) => isForbiddenAddress(a.address))) {
          callback(new ForbiddenAddressError('the host resolves to a forbidden address'), '', 4);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
  return (url, { headers, body, timeoutMs }) =>
    new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          timeout: timeoutMs,
          ...(options.allowLoopbackHttp ? {} : { lookup }),
        },
        (res) => {
          // The answer's body is not needed; reading it frees the socket.
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
}
