/**
 * The HTTP API's CORS configuration (`cors_configuration`), as API Gateway applies it: preflight
 * `OPTIONS` requests are answered by the gateway itself (no route, no authorizer, no integration), and
 * responses from an integration get the configured headers in place of any the backend sent. Rules and
 * their sources: docs/aws-behaviour.md, "CORS". Where AWS does not document an answer, this takes the
 * stricter side: a request the configuration does not allow gets no CORS header at all, so the browser
 * refuses it.
 */
import { block } from '../terraform/document';

/** An `aws_apigatewayv2_api`'s `cors_configuration`, names lower-cased where HTTP compares them so. */
export interface CorsModel {
  /** Exact origins (`https://app.example.com`); `*` only as Terraform would pass it through. */
  readonly allowOrigins: readonly string[];
  /** Upper-case method names, or `*`. */
  readonly allowMethods: readonly string[];
  /** Lower-case header names, or `*`. */
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAge?: number;
  readonly allowCredentials: boolean;
}

/** A response as the gateway sends it (the shape `GatewayResponse` has). */
interface Response {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Reads `cors_configuration` from the API's arguments; `undefined` when the API has none. */
export function readCors(value: unknown): CorsModel | undefined {
  const cors = block(value);
  if (!cors) return undefined;
  const list = (key: string): string[] => ((cors[key] ?? []) as unknown[]).map(String);
  const maxAge = cors['max_age'];
  return {
    allowOrigins: list('allow_origins'),
    allowMethods: list('allow_methods').map((m) => m.toUpperCase()),
    allowHeaders: list('allow_headers').map((h) => h.toLowerCase()),
    exposeHeaders: list('expose_headers').map((h) => h.toLowerCase()),
    ...(typeof maxAge === 'number' ? { maxAge } : {}),
    allowCredentials: cors['allow_credentials'] === true,
  };
}

/**
 * True for a CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`. API Gateway
 * answers these itself when the API has a CORS configuration; any other `OPTIONS` request is routed
 * as usual (and, with only `POST` routes, finds none).
 */
export function isPreflight(method: string, headers: Readonly<Record<string, string>>): boolean {
  return (
    method === 'OPTIONS' && headers['origin'] !== undefined && headers['access-control-request-method'] !== undefined
  );
}

/**
 * The gateway's answer to a preflight: `204` with the allowed origin, methods, headers and max age when
 * the origin, the method and every requested header are allowed; `204` with no CORS header otherwise
 * (stricter side: AWS does not document a refusal, and without the headers the browser refuses).
 */
export function preflightResponse(cors: CorsModel, headers: Readonly<Record<string, string>>): Response {
  const origin = headers['origin'] ?? '';
  const method = headers['access-control-request-method'] ?? '';
  const requested = (headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  const allowed =
    originAllowed(cors, origin) &&
    (cors.allowMethods.includes('*') || cors.allowMethods.includes(method)) &&
    requested.every((h) => cors.allowHeaders.includes('*') || cors.allowHeaders.includes(h));
  const out: Record<string, string> = { 'content-length': '0' };
  if (allowed) {
    out['access-control-allow-origin'] = allowOriginValue(cors, origin);
    out['access-control-allow-methods'] = cors.allowMethods.join(',');
    if (cors.allowHeaders.length > 0) out['access-control-allow-headers'] = cors.allowHeaders.join(',');
    if (cors.maxAge !== undefined) out['access-control-max-age'] = String(cors.maxAge);
    if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
  }
  return { statusCode: 204, headers: out, body: Buffer.alloc(0) };
}

/**
 * An integration's response as the browser gets it: the backend's own `access-control-*` headers are
 * dropped (API Gateway ignores them when the API has a CORS configuration), and when the request's
 * `Origin` is allowed the configured ones are added.
 */
export function withCors(cors: CorsModel, headers: Readonly<Record<string, string>>, response: Response): Response {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (!name.toLowerCase().startsWith('access-control-')) out[name] = value;
  }
  const origin = headers['origin'];
  if (origin !== undefined && originAllowed(cors, origin)) {
    out['access-control-allow-origin'] = allowOriginValue(cors, origin);
    if (cors.exposeHeaders.length > 0) out['access-control-expose-headers'] = cors.exposeHeaders.join(',');
    if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
  }
  return { ...response, headers: out };
}

// Origins are compared exactly: scheme, host and port as the browser serialises them (lower case).
function originAllowed(cors: CorsModel, origin: string): boolean {
  return cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin);
}

// With credentials a browser refuses `*`; the request's own origin is echoed instead.
function allowOriginValue(cors: CorsModel, origin: string): string {
  return cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
}
