import { decodeOpaqueToken, encodeOpaqueToken } from '../../lambda-src/shared/page-token';

describe('the page token envelope', () => {
  const token = encodeOpaqueToken(2, { anchor: 'x'.repeat(100) });

  it('decodes its own token, version included', () => {
    expect(decodeOpaqueToken(token, 2, token.length)).toEqual({ v: 2, anchor: 'x'.repeat(100) });
  });

  it('accepts a token of exactly maxLength characters and refuses one a character longer than allowed', () => {
    expect(decodeOpaqueToken(token, 2, token.length)).toBeDefined();
    expect(decodeOpaqueToken(token, 2, token.length - 1)).toBeUndefined();
  });

  it.each([
    ['of another version', encodeOpaqueToken(1, { anchor: 'a' })],
    ['not base64url (standard base64 padding)', `${Buffer.from('{"v":2}').toString('base64')}=`],
    ['not base64url (a dot)', `${token.slice(0, 10)}.${token.slice(11)}`],
    ['JSON but not an object', Buffer.from('"v"').toString('base64url')],
    ['not JSON', Buffer.from('{v:2').toString('base64url')],
    ['empty', ''],
  ])('refuses a token %s', (_case, bad) => {
    expect(decodeOpaqueToken(bad, 2, 1000)).toBeUndefined();
  });
});
