/**
 * `async-api listen`: a webhook receiver for trying the loop on a laptop. It verifies every request
 * with the Standard Webhooks library and the signing secret, answers 204 to a good one and 401 to a
 * forged, altered or stale one (the library refuses timestamps more than five minutes off), and hands
 * each verified event to `onEvent`. Repeats (the same `webhook-id`) are answered 204 and flagged, so a
 * receiver can see at-least-once delivery at work.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { UsageError } from './cli-io';

/** The local runtime's signing secret, relative to the repository (`npm start`'s data folder). */
export const DEFAULT_SECRET_FILE = '.local/webhooks/signing-secret';

/** Requests larger than this are refused (413) before they are verified. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** One verified delivery. */
export interface ReceivedEvent {
  readonly id: string;
  /** Whether this id was received before (a retry after a lost answer). */
  readonly repeat: boolean;
  readonly payload: unknown;
}

/** Options of {@link listen}. */
export interface ListenOptions {
  readonly port: number;
  /** Loopback by default: the receiver is for this machine. */
  readonly host?: string;
  /** The raw signing secret (its UTF-8 bytes are the key, as the sender uses it). */
  readonly secret: string;
  readonly onEvent: (event: ReceivedEvent) => void;
  readonly onRejected?: (reason: string) => void;
}

/** Starts the receiver; resolves with the server and its URL once it listens. */
export async function listen(options: ListenOptions): Promise<{ server: Server; url: string }> {
  const verifier = new Webhook(options.secret, { format: 'raw' });
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      if (size > MAX_BODY_BYTES) return void res.writeHead(413).end();
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      let payload: unknown;
      try {
        payload = verifier.verify(body, headers);
      } catch (error) {
        options.onRejected?.(error instanceof Error ? error.message : String(error));
        return void res.writeHead(401).end();
      }
      const id = headers['webhook-id']!;
      const repeat = seen.has(id);
      seen.add(id);
      res.writeHead(204).end();
      options.onEvent({ id, repeat, payload });
    });
  });
  server.listen(options.port, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${address.address}:${address.port}/` };
}

/** Reads the signing secret file, or explains which file is missing. */
export function readSecretFile(path: string): string {
  try {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length === 0) throw new UsageError(`--secret-file ${path} is empty`);
    return secret;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot read the signing secret from ${path}: run npm start once (it creates it) or pass --secret-file`,
    );
  }
}
