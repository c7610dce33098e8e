/**
 * The runtime's one HTTP server: requests with `X-Amz-Target: AWSStepFunctions.*` go to the Step
 * Functions API, `secretsmanager.*` to the local Secrets Manager, `DynamoDB_20120810.*` to the local
 * registration table, paths under `/_dashboard/` to the dashboard, everything else to the HTTP API. It only reads requests and writes responses;
 * what a request means is decided by the handlers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { GatewayRequest, GatewayResponse } from './apigw/gateway';
import { DASHBOARD_PATH, type Dashboard } from './dashboard/server';
import { DYNAMODB_TARGET_PREFIX } from './events/registrations';
import { SECRETS_MANAGER_TARGET_PREFIX } from './events/secrets';
import { SFN_TARGET_PREFIX } from './stepfunctions/api';

/** The request handlers the server dispatches to. */
export interface Handlers {
  readonly httpApi: (req: GatewayRequest) => Promise<GatewayResponse>;
  readonly stepFunctions: (req: GatewayRequest) => Promise<GatewayResponse>;
  /** `X-Amz-Target: secretsmanager.*` (the webhook sender reads its signing secret). */
  readonly secretsManager?: (req: GatewayRequest) => Promise<GatewayResponse>;
  /** `X-Amz-Target: DynamoDB_20120810.*` (the webhook functions' registration table). */
  readonly dynamoDb?: (req: GatewayRequest) => Promise<GatewayResponse>;
}

/** HTTP API payload quota (docs/aws-behaviour.md §2.2). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** HTTP API quota on the request line plus all header values, in bytes (docs/aws-behaviour.md §2.2). */
export const MAX_REQUEST_LINE_AND_HEADERS_BYTES = 10_240;

// Node refuses header blocks over 16 KiB by default with a bare 431; a larger parser limit lets
// requests up to this size get the HTTP API's JSON answer instead.
const PARSER_MAX_HEADER_BYTES = 64 * 1024;

/**
 * Creates the server. Handlers are looked up per request through `handlers()`, so the server can
 * listen (and learn its port) before the stack model, which needs the URL, is built.
 */
export function createRuntimeServer(
  handlers: () => Handlers | undefined,
  dashboard: () => Dashboard | undefined = () => undefined,
): Server {
  const server = createServer({ maxHeaderSize: PARSER_MAX_HEADER_BYTES }, (req, res) => {
    const board = dashboard();
    // The dashboard reads its own bodies and streams events, so it gets the raw request.
    if (board && isDashboardPath(req.url ?? '/')) board.handle(req, res);
    else void serve(req, res, handlers());
  });
  // Clients such as the SDK keep connections open; a short idle timeout keeps shutdown quick.
  server.keepAliveTimeout = 5_000;
  return server;
}

function isDashboardPath(url: string): boolean {
  return (
    url === DASHBOARD_PATH.slice(0, -1) ||
    url.startsWith(DASHBOARD_PATH) ||
    url.startsWith(`${DASHBOARD_PATH.slice(0, -1)}?`)
  );
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
    if (target?.startsWith(SFN_TARGET_PREFIX)) {
      send(res, await handlers.stepFunctions(request));
      return;
    }
    if (target?.startsWith(SECRETS_MANAGER_TARGET_PREFIX) && handlers.secretsManager) {
      send(res, await handlers.secretsManager(request));
      return;
    }
    if (target?.startsWith(DYNAMODB_TARGET_PREFIX) && handlers.dynamoDb) {
      send(res, await handlers.dynamoDb(request));
      return;
    }
    if (requestLineAndHeaderBytes(req) > MAX_REQUEST_LINE_AND_HEADERS_BYTES) {
      // Status and text unverified (docs/testing.md); the text is what users of API Gateway report seeing.
      send(res, jsonError(431, `HTTP header is larger than ${MAX_REQUEST_LINE_AND_HEADERS_BYTES} bytes.`));
      return;
    }
    send(res, await handlers.httpApi(request));
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

// What the quota counts: the request line and the header values (names are not counted).
function requestLineAndHeaderBytes(req: IncomingMessage): number {
  let bytes = Buffer.byteLength(`${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`);
  for (let i = 1; i < req.rawHeaders.length; i += 2) bytes += Buffer.byteLength(req.rawHeaders[i]!);
  return bytes;
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
