/**
 * The dashboard's Host/Origin guard as a function (local/dashboard/request-guard.ts): exact matches
 * only, on the runtime's own port; `__tests__/local/dashboard/server.test.ts` drives the same guard
 * over HTTP.
 */
import { requestGuard } from '../../../local/dashboard/request-guard';

const guard = requestGuard(4010);
const get = (headers: Record<string, string>) => guard.refusal({ method: 'GET', headers });

describe('requestGuard', () => {
  it.each(['127.0.0.1:4010', 'localhost:4010'])('serves Host %s with no Origin or its own', (host) => {
    expect(get({ host })).toBeUndefined();
    expect(get({ host, origin: `http://${host}` })).toBeUndefined();
  });

  it.each([
    ['no Host', {}, 'Host "" is not this runtime\'s: the dashboard answers only 127.0.0.1:4010 and localhost:4010'],
    ['another port', { host: '127.0.0.1:4011' }, /^Host "127.0.0.1:4011" is not/],
    ['no port', { host: 'localhost' }, /^Host "localhost" is not/],
    ['a longer name', { host: 'localhost:40100' }, /^Host "localhost:40100" is not/],
    ['a rebound name', { host: 'evil.example:4010' }, /^Host "evil.example:4010" is not/],
  ])('refuses %s', (_what, headers, message) => {
    expect(get(headers)).toMatch(message);
  });

  it.each([
    'http://localhost:4010.evil.example',
    'http://127.0.0.1:40100',
    'https://127.0.0.1:4010',
    'http://127.0.0.1:4010/',
    'http://evil.example',
    'null',
    '',
  ])('refuses Origin %p with the right Host', (origin) => {
    expect(get({ host: 'localhost:4010', origin })).toBe(
      `Origin ${JSON.stringify(origin)} is not this runtime's: the dashboard is for this machine only`,
    );
  });

  it('accepts a JSON POST (with parameters) and refuses any other POST body', () => {
    const post = (headers: Record<string, string>) =>
      guard.refusal({ method: 'POST', headers: { host: '127.0.0.1:4010', ...headers } });
    expect(post({ 'content-type': 'application/json' })).toBeUndefined();
    expect(post({ 'content-type': 'application/json; charset=utf-8' })).toBeUndefined();
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'])
      expect(post(type === undefined ? {} : { 'content-type': type })).toBe('POST bodies must be application/json');
    expect(get({ host: '127.0.0.1:4010', 'content-type': 'text/plain' })).toBeUndefined();
  });
});
