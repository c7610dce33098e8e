/**
 * The routes' page tokens: opaque to callers, a versioned JSON object in base64url. Each route owns
 * what its token holds and checks the fields; this module owns the envelope (the encoding, the
 * length and alphabet check, the version).
 */

/** Encodes `fields` with version `v` as an opaque token. */
export function encodeOpaqueToken(version: number, fields: object): string {
  return Buffer.from(JSON.stringify({ v: version, ...fields }), 'utf8').toString('base64url');
}

/**
 * Decodes a token into its fields (`v` among them); `undefined` when it is longer than `maxLength`,
 * not base64url, not a JSON object, or of another version.
 */
export function decodeOpaqueToken(
  token: string,
  version: number,
  maxLength: number,
): Record<string, unknown> | undefined {
  if (token.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  return r.v === version ? r : undefined;
}
