/**
 * The runtime's one HTTP server: requests with `X-Amz-Target: AWSStepFunctions.*` go to the Step
 * Functions API, everything else to the HTTP API. It only reads requests and writes responses;
 * what a request means is decided by the handlers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { GatewayRequest, GatewayResponse } from './apigw/gateway';
import { SFN_TARGET_PREFIX } from './stepfunctions/api';

/** The two request handlers the server dispatches to. */
export interface Handlers {
  readonly httpApi: (req: GatewayRequest) => Promise<GatewayResponse>;
  readonly stepFunctions: (req: GatewayRequest) => Promise<GatewayResponse>;
}

/** HTTP API payload quota (docs/aws-behaviour.md §2.2). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Creates the server. Handlers are looked up per request through `handlers()`, so the server can
 * listen (and learn its port) before the stack model, which needs the URL, is built.
 */
export function createRuntimeServer(handlers: () => Handlers | undefined): Server {
  const server = createServer((req, res) => {
    void serve(req, res, handlers());
  });
  // Clients such as the SDK keep connections open; a short idle timeout keeps shutdown quick.
  server.keepAliveTimeout = 5_000;
  return server;
}

async function serve(req: IncomingMessage, res: ServerResponse, handlers: Handlers | undefined): Promise<void> {
  const receivedAt = Date.now();
  try {
    const body = await readBody(req);
    if (body === 'too-large') {
      send(res, jsonError(413, 'Request Entity Too Large'));
      return;
    }
    if (!handlers) {
      send(res, jsonError(503, 'Service Unavailable'));
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const request: GatewayRequest = {
      method: req.method ?? 'GET',
      rawPath: q < 0 ? url : url.slice(0, q),
      rawQuery: q < 0 ? '' : url.slice(q + 1),
      headers,
      body,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      protocol: `HTTP/${req.httpVersion}`,
      receivedAt,
    };
    const target = headers['x-amz-target'];
    const response = target?.startsWith(SFN_TARGET_PREFIX) ? await handlers.stepFunctions(request) : await handlers.httpApi(request);
    send(res, response);
  } catch (err) {
    if (!res.headersSent) send(res, jsonError(500, 'Internal Server Error'));
    else res.destroy(err as Error);
  }
}

function send(res: ServerResponse, response: GatewayResponse): void {
  res.writeHead(response.statusCode, response.headers);
  res.end(response.body);
}

function jsonError(statusCode: number, message: string): GatewayResponse {
  const body = Buffer.from(JSON.stringify({ message }));
  return { statusCode, headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body };
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
