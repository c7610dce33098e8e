/**
 * The handlers' response helpers (lambda-src/shared/http.ts): the size Lambda's 6 MB limit is checked
 * against is UTF-8 bytes of the serialised result, never characters, and every answer is uncacheable.
 */
import { jsonResponse, messageResponse, RESPONSE_MAX_BYTES, responseBytes } from '../../lambda-src/shared/http';

describe('responseBytes', () => {
  it('counts UTF-8 bytes of the JSON, with its escapes', () => {
    expect(responseBytes('€')).toBe(5); // "€": quotes + 3 bytes
    expect(responseBytes('𝒜')).toBe(6); // 4 bytes, 2 UTF-16 units
    expect(responseBytes('"\n')).toBe(6); // "\"\n" escaped
    expect(responseBytes({ a: 1 })).toBe(7);
  });

  it('holds Lambda’s limit as 6 MiB of bytes', () => {
    expect(RESPONSE_MAX_BYTES).toBe(6_291_456);
  });
});

describe('jsonResponse and messageResponse', () => {
  it('serialises the body and marks it JSON and uncacheable', () => {
    expect(jsonResponse(201, { ok: true })).toStrictEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"ok":true}',
    });
  });

  it('adds extra headers, which may override the defaults', () => {
    const { headers } = messageResponse(429, 'slow down', { 'retry-after': '1', 'cache-control': 'private' });
    expect(headers).toStrictEqual({
      'content-type': 'application/json',
      'cache-control': 'private',
      'retry-after': '1',
    });
  });

  it('wraps a message as {"message": …}', () => {
    expect(messageResponse(404, 'no such execution')).toStrictEqual({
      statusCode: 404,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"message":"no such execution"}',
    });
  });
});
