import { BlockList, isIP } from 'node:net';

/** Longest webhook URL accepted, in characters (a bound on what an execution input carries). */
export const WEBHOOK_URL_MAX_LENGTH = 2048;

/**
 * Where a webhook may go: on AWS only https to public addresses; locally http://127.0.0.1 too. A policy
 * is a value: the same checks run on AWS and locally, only what they accept differs.
 */
export interface WebhookUrlPolicy {
  /**
   * Allow `http://127.0.0.1:<port>/…` URLs and connections to loopback addresses (127.0.0.0/8, ::1):
   * the local runtime only; never set on AWS.
   */
  readonly allowLoopbackHttp: boolean;
}

// Addresses a webhook must never reach on AWS: the VPC, loopback, link-local (the instance metadata
// service at 169.254.169.254 and fd00:ec2::254), carrier-grade NAT, multicast and reserved ranges.
// Two lists: Node's BlockList matches an IPv4 address against IPv4-mapped IPv6 subnets (::ffff:0:0/96,
// 64:ff9b::/96), which would make every IPv4 address look forbidden.
const FORBIDDEN_V4 = new BlockList();
const FORBIDDEN_V6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  FORBIDDEN_V4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  FORBIDDEN_V6.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address (v4 or v6 text) is private, loopback, link-local, metadata or reserved. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return family === 4 ? FORBIDDEN_V4.check(address, 'ipv4') : FORBIDDEN_V6.check(address, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether a delivery may connect to an address under a policy: public, or loopback where the policy allows it. */
export function isAllowedAddress(address: string, policy: WebhookUrlPolicy): boolean {
  if (!isForbiddenAddress(address)) return true;
  const family = isIP(address);
  return policy.allowLoopbackHttp && family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Checks a caller-given webhook URL. Returns why it is refused, or `null` when it is acceptable.
 *
 * A hostname is accepted here and its resolved addresses are checked again before each delivery
 * by the connection's own lookup (`post.ts`), so a name that resolves into the VPC is refused too.
 */
export function webhookUrlProblem(raw: unknown, policy: WebhookUrlPolicy): string | null {
  if (typeof raw !== 'string') return 'webhook must be a string';
  if (raw.length > WEBHOOK_URL_MAX_LENGTH) return `webhook must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'webhook must be an absolute URL';
  }
  if (url.username !== '' || url.password !== '') return 'webhook must not contain credentials';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (url.protocol === 'http:' && policy.allowLoopbackHttp && host === '127.0.0.1') return null;
  if (url.protocol !== 'https:') {
    return policy.allowLoopbackHttp
      ? 'webhook must be an https URL or http://127.0.0.1'
      : 'webhook must be an https URL';
  }
  if (isIP(host) !== 0)
    return isForbiddenAddress(host) ? 'webhook must not point at a private, loopback or link-local address' : null;
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost') || lower.endsWith('.internal') || !lower.includes('.')) {
    return 'webhook must name a public host';
  }
  return null;
}
