/**
 * The runtime server's HTTP API quotas at their boundaries (docs/aws-behaviour.md §2.2): 10,240
 * bytes of request line and header values, and a 10 MB body. Raw requests over a socket, so every
 * byte that counts is the test's own; the handlers only say whether the request reached them.
 */

import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createRuntimeServer, MAX_BODY_BYTES, MAX_REQUEST_LINE_AND_HEADERS_BYTES } from '../../local/server';
import { closeAfterTest } from '../servers';

const REACHED = { statusCode: 200, headers: { 'content-length': '7' }, body: Buffer.from('reached') };

async function server(): Promise<number> {
  const s = closeAfterTest(
    createRuntimeServer(() => ({ httpApi: async () => REACHED, stepFunctions: async () => REACHED })),
  );
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}

/** Sends `head` and `body` as they are and resolves to the response's status code. */
function rawStatus(port: number, head: string, body: Buffer = Buffer.alloc(0)): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      socket.end(body);
    });
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', reject);
  });
}

// Counted: `POST /x HTTP/1.1` (16 bytes) and the values `h` (Host) and the Content-Length digits.
function head(padBytes: number, contentLength = 0): string {
  return `POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: ${contentLength}\r\nX-Pad: ${'p'.repeat(padBytes)}\r\n\r\n`;
}
const counted = (padBytes: number, contentLength = 0) => 16 + 1 + String(contentLength).length + padBytes;

describe('the runtime server at the HTTP API quotas', () => {
  it('accepts exactly 10,240 bytes of request line and header values, and refuses one more with 431', async () => {
    const port = await server();
    const pad = MAX_REQUEST_LINE_AND_HEADERS_BYTES - counted(0);

    expect(counted(pad)).toBe(10_240);
    expect(await rawStatus(port, head(pad))).toBe(200);
    expect(await rawStatus(port, head(pad + 1))).toBe(431);
  });

  it('accepts a body of exactly 10 MB, and refuses one byte more with 413', async () => {
    const port = await server();

    expect(await rawStatus(port, head(0, MAX_BODY_BYTES), Buffer.alloc(MAX_BODY_BYTES, 0x20))).toBe(200);
    expect(await rawStatus(port, head(0, MAX_BODY_BYTES + 1), Buffer.alloc(MAX_BODY_BYTES + 1, 0x20))).toBe(413);
  });
});
