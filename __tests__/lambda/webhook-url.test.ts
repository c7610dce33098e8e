/**
 * The webhook URL check at its edges (lambda-src/webhook-sender/url.ts): every forbidden range at its
 * first and last address and just outside, the length limit at and one past it, and the host rules
 * as exact or suffix matches, never a substring. Written for the mutants `npm run mutate` found alive.
 */
import { isForbiddenAddress, WEBHOOK_URL_MAX_LENGTH, webhookUrlProblem } from '../../lambda-src/webhook-sender/url';

const AWS = { allowLoopbackHttp: false } as const;
const LOCAL = { allowLoopbackHttp: true } as const;

describe('forbidden address ranges', () => {
  // [first address, last address, just below, just above] of each range (null: the range is at an end).
  it.each([
    ['0.0.0.0/8', '0.0.0.0', '0.255.255.255', null, '1.0.0.0'],
    ['10.0.0.0/8', '10.0.0.0', '10.255.255.255', '9.255.255.255', '11.0.0.0'],
    ['100.64.0.0/10', '100.64.0.0', '100.127.255.255', '100.63.255.255', '100.128.0.0'],
    ['127.0.0.0/8', '127.0.0.0', '127.255.255.255', '126.255.255.255', '128.0.0.0'],
    ['169.254.0.0/16', '169.254.0.0', '169.254.255.255', '169.253.255.255', '169.255.0.0'],
    ['172.16.0.0/12', '172.16.0.0', '172.31.255.255', '172.15.255.255', '172.32.0.0'],
    ['192.0.0.0/24', '192.0.0.0', '192.0.0.255', '191.255.255.255', '192.0.1.0'],
    ['192.0.2.0/24', '192.0.2.0', '192.0.2.255', '192.0.1.255', '192.0.3.0'],
    ['192.168.0.0/16', '192.168.0.0', '192.168.255.255', '192.167.255.255', '192.169.0.0'],
    ['198.18.0.0/15', '198.18.0.0', '198.19.255.255', '198.17.255.255', '198.20.0.0'],
    ['198.51.100.0/24', '198.51.100.0', '198.51.100.255', '198.51.99.255', '198.51.101.0'],
    ['203.0.113.0/24', '203.0.113.0', '203.0.113.255', '203.0.112.255', '203.0.114.0'],
    ['224.0.0.0/4 and 240.0.0.0/4', '224.0.0.0', '255.255.255.255', '223.255.255.255', null],
    ['::/128 and ::1/128', '::', '::1', null, '::2'],
    ['::ffff:0:0/96', '::ffff:0.0.0.0', '::ffff:255.255.255.255', '::fffe:ffff:ffff', '::1:0:0:0'],
    ['64:ff9b::/96', '64:ff9b::', '64:ff9b::ffff:ffff', '64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff', '64:ff9b::1:0:0'],
    ['100::/64', '100::', '100::ffff:ffff:ffff:ffff', 'ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '100:0:0:1::'],
    ['2001:db8::/32', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db7:ffff::', '2001:db9::'],
    [
      'fc00::/7',
      'fc00::',
      'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'fe00::',
    ],
    [
      'fe80::/10',
      'fe80::',
      'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'fec0::',
    ],
    ['ff00::/8', 'ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null],
  ])('%s: forbidden from its first to its last address, allowed just outside', (_range, first, last, below, above) => {
    expect([isForbiddenAddress(first), isForbiddenAddress(last)]).toEqual([true, true]);
    for (const outside of [below, above])
      if (outside !== null) expect([outside, isForbiddenAddress(outside)]).toEqual([outside, false]);
  });

  it('checks an IPv4 address against the IPv4 ranges only (not against ::ffff:0:0/96)', () => {
    expect(isForbiddenAddress('93.184.215.14')).toBe(false);
    expect(isForbiddenAddress('2606:4700::1')).toBe(false);
  });
});

describe('webhookUrlProblem', () => {
  const at = (length: number) => {
    const base = 'https://hooks.example.com/';
    return base + 'a'.repeat(length - base.length);
  };

  it(`accepts a URL of exactly ${WEBHOOK_URL_MAX_LENGTH} characters and refuses one more`, () => {
    expect(webhookUrlProblem(at(WEBHOOK_URL_MAX_LENGTH), AWS)).toBeNull();
    expect(webhookUrlProblem(at(WEBHOOK_URL_MAX_LENGTH + 1), AWS)).toBe(
      `webhook must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`,
    );
  });

  it.each([
    [42, 'webhook must be a string'],
    ['hooks.example.com/in', 'webhook must be an absolute URL'],
    ['https://user@hooks.example.com/', 'webhook must not contain credentials'],
    ['https://:pw@hooks.example.com/', 'webhook must not contain credentials'],
    ['ftp://hooks.example.com/', 'webhook must be an https URL'],
    ['https://[fe80::1]/', 'webhook must not point at a private, loopback or link-local address'],
    ['https://LOCALHOST/', 'webhook must name a public host'],
    ['https://api.localhost/', 'webhook must name a public host'],
    ['https://db.corp.internal/', 'webhook must name a public host'],
    ['https://intranet/', 'webhook must name a public host'],
  ])('refuses %p on AWS: %s', (url, message) => {
    expect(webhookUrlProblem(url, AWS)).toBe(message);
  });

  it.each([
    'https://[2606:4700::1]/',
    'https://localhost.example.com/', // "localhost" as a label, not the whole name or the last one
    'https://internal.example.com/',
    'https://example.internals/',
  ])('accepts %s on AWS', (url) => {
    expect(webhookUrlProblem(url, AWS)).toBeNull();
  });

  it('names the local exception in the message only where it applies', () => {
    expect(webhookUrlProblem('http://hooks.example.com/', LOCAL)).toBe(
      'webhook must be an https URL or http://127.0.0.1',
    );
    expect(webhookUrlProblem('http://hooks.example.com/', AWS)).toBe('webhook must be an https URL');
  });

  it('allows loopback only as http://127.0.0.1, exactly, and only locally', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', LOCAL)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.2/hook', LOCAL)).not.toBeNull();
    expect(webhookUrlProblem('http://[::1]/hook', LOCAL)).not.toBeNull();
    expect(webhookUrlProblem('https://127.0.0.1/hook', LOCAL)).not.toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', AWS)).toBe('webhook must be an https URL');
  });
});
