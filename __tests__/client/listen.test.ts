import { Webhook } from 'standardwebhooks';
import { listen, MAX_BODY_BYTES, type ReceivedEvent } from '../../client/listen';
import { closeAfterTest, closeServer } from '../servers';

const SECRET = 'a-local-signing-secret-for-the-listen-test';

async function receiver() {
  const events: ReceivedEvent[] = [];
  const rejected: string[] = [];
  const { server, url } = await listen({
    port: 0,
    secret: SECRET,
    onEvent: (e) => events.push(e),
    onRejected: (r) => rejected.push(r),
  });
  closeAfterTest(server);
  return { url, events, rejected, close: () => closeServer(server) };
}

function signed(id: string, body: string, secret = SECRET): Record<string, string> {
  const now = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret, { format: 'raw' }).sign(id, now, body),
  };
}

describe('async-api listen', () => {
  it('accepts a signed delivery, prints its payload, and flags a repeat of the same id', async () => {
    const r = await receiver();
    const body = JSON.stringify({ type: 'execution.succeeded', data: { status: 'SUCCEEDED' } });

    const first = await fetch(r.url, { method: 'POST', headers: signed('evt-1', body), body });
    const again = await fetch(r.url, { method: 'POST', headers: signed('evt-1', body), body });

    expect([first.status, again.status]).toEqual([204, 204]);
    expect(r.events).toEqual([
      { id: 'evt-1', repeat: false, payload: JSON.parse(body) },
      { id: 'evt-1', repeat: true, payload: JSON.parse(body) },
    ]);
    await r.close();
  });

  it('refuses an altered body and a signature made with another secret', async () => {
    const r = await receiver();
    const body = '{"type":"execution.failed"}';

    const altered = await fetch(r.url, { method: 'POST', headers: signed('evt-2', body), body: `${body} ` });
    const forged = await fetch(r.url, {
      method: 'POST',
      headers: signed('evt-3', body, 'another-secret-entirely'),
      body,
    });

    expect([altered.status, forged.status]).toEqual([401, 401]);
    expect(r.events).toEqual([]);
    expect(r.rejected).toHaveLength(2);
    await r.close();
  });

  it('takes a signed delivery of exactly 1 MiB and answers 413 to one byte more, delivering nothing', async () => {
    // Prepare: {"pad":"…"} is 10 bytes around the padding
    const r = await receiver();
    const bodyOf = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - 10) });
    const atLimit = bodyOf(MAX_BODY_BYTES);
    const over = bodyOf(MAX_BODY_BYTES + 1);
    expect(Buffer.byteLength(atLimit)).toBe(MAX_BODY_BYTES);

    // Act
    const taken = await fetch(r.url, { method: 'POST', headers: signed('evt-4', atLimit), body: atLimit });
    const refused = await fetch(r.url, { method: 'POST', headers: signed('evt-5', over), body: over });

    // Assess
    expect([taken.status, refused.status]).toEqual([204, 413]);
    expect(r.events.map((e) => e.id)).toEqual(['evt-4']);
    await r.close();
  });
});
