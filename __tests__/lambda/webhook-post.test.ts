/**
 * The webhook sender's connection (`createPost`) as AWS runs it: Node's real `http.request` with the
 * real guarded lookup, `autoSelectFamily` on (Node's default since 20), so `net.connect` asks the
 * lookup for `{ all: true }`. The local runtime runs this same path with loopback allowed by policy.
 */

import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, getDefaultAutoSelectFamily, type Socket } from 'node:net';
import { createPost, ForbiddenAddressError, guardedLookup } from '../../lambda-src/webhook-sender/post';
import { isAllowedAddress } from '../../lambda-src/webhook-sender/url';

const AWS = { allowLoopbackHttp: false } as const;
const LOCAL = { allowLoopbackHttp: true } as const;

let server: Server | undefined;
let got: { headers: IncomingHttpHeaders; body: string }[] = [];

/** A receiver on 127.0.0.1 answering 202; closed in afterEach whatever the test did. */
async function receiver(): Promise<number> {
  got = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(202).end('ignored');
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server!.once('listening', r));
  return (server.address() as AddressInfo).port;
}

/** Ends what a test left open: drip timers, raw sockets, the receiver. */
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  const s = server;
  server = undefined;
  if (s) await new Promise((r) => s.close(r));
});

/** A receiver that answers one header line every 20 ms for 2 s: never idle, never done in time. */
/** A header line every DRIP_MS for 100 lines: never idle for long, and done long after the deadline below. */
const DRIP_MS = 5;

async function drippingReceiver(): Promise<number> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const tcp = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write('HTTP/1.1 200 OK\r\n');
    let lines = 0;
    const timer = setInterval(() => {
      if (++lines > 100) {
        clearInterval(timer);
        socket.end('content-length: 0\r\n\r\n');
      } else socket.write(`x-drip-${lines}: 1\r\n`);
    }, DRIP_MS);
    timers.add(timer);
  });
  cleanups.push(() => {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    tcp.close();
  });
  tcp.listen(0, '127.0.0.1');
  await new Promise((r) => tcp.once('listening', r));
  return (tcp.address() as AddressInfo).port;
}

/** Calls a lookup function with the given options and returns what its callback got. */
function callLookup(
  lookup: ReturnType<typeof guardedLookup>,
  options: Parameters<ReturnType<typeof guardedLookup>>[1],
) {
  return new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
    lookup('hooks.example.com', options, (err, address, family) => resolve({ err, address, family })),
  );
}

describe('createPost through the real http.request and the real lookup', () => {
  it('delivers to a name whose addresses the policy allows, asked with { all: true }', async () => {
    // Prepare: the real resolver, recorded; "localhost" resolves to loopback addresses only.
    expect(getDefaultAutoSelectFamily()).toBe(true);
    const port = await receiver();
    const asked: string[] = [];
    const post = createPost({
      ...LOCAL,
      resolve: (host) => {
        asked.push(host);
        return dnsLookup(host, { all: true });
      },
    });

    // Act
    const status = await post(new URL(`http://localhost:${port}/hook`), {
      headers: { 'webhook-id': 'e1' },
      body: '{"a":1}',
      timeoutMs: 5000,
    });

    // Assess: the connection itself resolved the name (nothing skipped the lookup).
    expect(status).toBe(202);
    expect(asked).toEqual(['localhost']);
    expect(got).toEqual([{ headers: expect.objectContaining({ 'webhook-id': 'e1' }), body: '{"a":1}' }]);
  });

  it('refuses, through the same path, a name that resolves to an address the policy forbids', async () => {
    // Prepare: on AWS loopback is forbidden; the receiver is there, so only the policy can refuse.
    const port = await receiver();
    const post = createPost({ ...AWS, resolve: (host) => dnsLookup(host, { all: true }) });

    // Act
    const sent = post(new URL(`http://localhost:${port}/hook`), { headers: {}, body: '{}', timeoutMs: 5000 });

    // Assess
    await expect(sent).rejects.toThrow(ForbiddenAddressError);
    expect(got).toHaveLength(0);
  });

  it('refuses a rebinding answer (one public, one metadata address) with one lookup, made by the connection', async () => {
    // Prepare
    const resolve = jest.fn(
      async (): Promise<LookupAddress[]> => [
        { address: '93.184.215.14', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    );
    const post = createPost({ ...AWS, resolve });

    // Act
    const sent = post(new URL('https://rebind.example.com/'), { headers: {}, body: '{}', timeoutMs: 1000 });

    // Assess
    await expect(sent).rejects.toThrow(ForbiddenAddressError);
    expect(resolve).toHaveBeenCalledTimes(1);
  });

  it('posts to an IP literal the policy allows (the local runtime), and refuses one it forbids', async () => {
    // Prepare: Node connects to a literal without a lookup, so the literal is checked by createPost.
    const port = await receiver();
    const resolve = jest.fn(async (): Promise<LookupAddress[]> => []);
    const url = new URL(`http://127.0.0.1:${port}/hook`);

    // Act
    const local = await createPost({ ...LOCAL, resolve })(url, { headers: {}, body: '{}', timeoutMs: 5000 });
    const onAws = createPost({ ...AWS, resolve })(url, { headers: {}, body: '{}', timeoutMs: 5000 });

    // Assess
    expect(local).toBe(202);
    await expect(onAws).rejects.toThrow(ForbiddenAddressError);
    expect(got).toHaveLength(1);
  });
});

describe("createPost's deadline", () => {
  it('ends an attempt whose answer keeps trickling in past timeoutMs, though the socket is never idle', async () => {
    const port = await drippingReceiver();
    const post = createPost({ ...LOCAL, resolve: async () => [] });

    // Ten drips before the deadline: a timeout that restarts with each byte would never fire.
    const sent = post(new URL(`http://127.0.0.1:${port}/hook`), { headers: {}, body: '{}', timeoutMs: 10 * DRIP_MS });

    await expect(sent).rejects.toThrow(`no answer within ${10 * DRIP_MS} ms`);
  });
});

describe('guardedLookup honours the lookup contract', () => {
  const answers: LookupAddress[] = [
    { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    { address: '93.184.215.14', family: 4 },
  ];
  const lookup = guardedLookup({ ...AWS, resolve: async () => answers });

  it('answers an array with { all: true }, and one address and its family without', async () => {
    await expect(callLookup(lookup, { all: true })).resolves.toEqual({
      err: null,
      address: answers,
      family: undefined,
    });
    await expect(callLookup(lookup, {})).resolves.toEqual({ err: null, address: answers[0]!.address, family: 6 });
  });

  it('keeps only the family asked for, and says ENOTFOUND when none is left', async () => {
    await expect(callLookup(lookup, { all: true, family: 4 })).resolves.toMatchObject({ address: [answers[1]] });
    await expect(callLookup(lookup, { family: 'IPv4' })).resolves.toMatchObject({
      address: '93.184.215.14',
      family: 4,
    });
    const v4only = guardedLookup({ ...AWS, resolve: async () => [answers[1]!] });
    const none = await callLookup(v4only, { all: true, family: 6 });
    expect(none.err?.code).toBe('ENOTFOUND');
  });

  it('passes a resolver error on', async () => {
    const failing = guardedLookup({
      ...AWS,
      resolve: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'EAI_AGAIN' })),
    });
    await expect(callLookup(failing, { all: true })).resolves.toMatchObject({ err: { code: 'EAI_AGAIN' } });
  });
});

describe('address policy', () => {
  it.each([
    ['127.0.0.1', false, true],
    ['127.255.255.254', false, true],
    ['::1', false, true],
    ['10.0.0.1', false, false],
    ['169.254.169.254', false, false],
    ['fd00:ec2::254', false, false],
    ['128.0.0.1', true, true],
    ['not-an-ip', false, false],
  ])('%s: allowed on AWS %s, locally %s', (address, onAws, locally) => {
    expect(isAllowedAddress(address, AWS)).toBe(onAws);
    expect(isAllowedAddress(address, LOCAL)).toBe(locally);
  });
});
