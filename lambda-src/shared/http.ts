import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Largest response our Lambda handlers send: Lambda's synchronous response limit, 6 MB, read as
 * 6,291,456 bytes (the runtime API accepts 100 bytes more; docs/aws-behaviour.md §10.6). A larger
 * answer would reach the caller as a 500.
 */
export const RESPONSE_MAX_BYTES = 6 * 1024 * 1024;

/** Bytes of a handler's result as Lambda serialises it (`JSON.stringify`, UTF-8). */
export function responseBytes(result: unknown): number {
  return Buffer.byteLength(JSON.stringify(result));
}

/**
 * A JSON response in API Gateway's payload format 2.0 structured shape.
 *
 * Every answer from our status API is about one moment of a changing execution, so none may be cached
 * (`cache-control: no-store`). Header names are lower-case, as HTTP/2 sends them.
 *
 * @param statusCode HTTP status code.
 * @param body Serialised with `JSON.stringify`.
 * @param extraHeaders Added to (and may override) the default headers.
 */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  extraHeaders: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string>; body: string } {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...extraHeaders },
    body: JSON.stringify(body),
  };
}

/** A `{"message": ...}` error response; see {@link jsonResponse}. */
export function messageResponse(
  statusCode: number,
  message: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): ReturnType<typeof jsonResponse> {
  return jsonResponse(statusCode, { message }, extraHeaders);
}
