/**
 * JWT authorizer checks that can be done offline: the token's issuer, audience (`aud`, or `client_id`
 * for access tokens), expiry and not-before, and the route's scopes. The signature is NOT verified:
 * that needs the issuer's JWKS over the network, which the local runtime never uses.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */
import type { AuthorizerModel } from '../terraform/model';

/** The result of a JWT check. */
export type JwtResult =
  | { readonly ok: true; readonly claims: Record<string, unknown>; readonly scopes: readonly string[] }
  | { readonly ok: false; readonly description: string };

/**
 * Checks the bearer token found in the authorizer's identity source (default `$request.header.Authorization`).
 * @param headers lower-case request headers.
 */
export function checkJwt(
  authorizer: AuthorizerModel,
  requiredScopes: readonly string[],
  headers: Readonly<Record<string, string>>,
  nowMs: number,
): JwtResult {
  const source = authorizer.identitySources[0] ?? '$request.header.Authorization';
  const headerName = /^\$request\.header\.(.+)$/.exec(source)?.[1]?.toLowerCase() ?? 'authorization';
  const raw = headers[headerName];
  if (!raw) return { ok: false, description: 'no token' };
  const token = raw.replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, description: 'the token is not a JWT' };
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, description: 'the token payload is not JSON' };
  }
  const now = nowMs / 1000;
  if (typeof claims['exp'] !== 'number' || claims['exp'] <= now)
    return { ok: false, description: 'the token has expired' };
  if (typeof claims['nbf'] === 'number' && claims['nbf'] > now)
    return { ok: false, description: 'the token is not valid yet' };
  if (authorizer.issuer !== undefined && claims['iss'] !== authorizer.issuer) {
    return { ok: false, description: 'the token issuer is not trusted' };
  }
  const aud = claims['aud'];
  const audiences = Array.isArray(aud) ? aud.map(String) : typeof aud === 'string' ? [aud] : [];
  if (typeof claims['client_id'] === 'string') audiences.push(claims['client_id']);
  if (authorizer.audience.length > 0 && !audiences.some((a) => authorizer.audience.includes(a))) {
    return { ok: false, description: 'the token audience is not allowed' };
  }
  const scopes = [
    ...(typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : []),
    ...(Array.isArray(claims['scp']) ? claims['scp'].map(String) : []),
  ].filter(Boolean);
  if (requiredScopes.length > 0 && !requiredScopes.some((s) => scopes.includes(s))) {
    return { ok: false, description: 'the token does not have a required scope' };
  }
  return { ok: true, claims, scopes };
}

/** An unsigned test token (alg none) with the given claims, for local use against JWT routes. */
export function localToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.local`;
}
