import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describeValue, isPlainObject } from './describe-value';
import { type jsonResponse, messageResponse } from './http';
import { EXECUTION_ARN_FORMAT, isExecutionOf, parseExecutionArn, type StateMachineArn } from './step-functions-arn';

/** What a route handler returns: API Gateway's payload format 2.0 structured response. */
export type RouteResponse = ReturnType<typeof jsonResponse>;

/** A route handler's result of reading its input: the value, or the 400 message saying what was wrong. */
export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** `Retry-After` (seconds) sent with a 429 when Step Functions throttled us (after the SDK's own retries). */
export const THROTTLED_RETRY_AFTER_SECONDS = 2;

const THROTTLING_NAMES: ReadonlySet<string> = new Set(['ThrottlingException', 'TooManyRequestsException']);

/**
 * Parses the request body as a JSON object. `expected` describes the accepted body in messages.
 * An empty or absent body is `{}` when `emptyIsObject` (routes whose every field is optional).
 */
export function readJsonObject(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  expected: string,
  emptyIsObject = false,
): Read<Record<string, unknown>> {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === '') {
    return emptyIsObject
      ? { ok: true, value: {} }
      : { ok: false, message: `Request body is required: send ${expected}` };
  }
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, message: `Request body is not valid JSON: send ${expected}` };
  }
  if (!isPlainObject(body))
    return { ok: false, message: `Request body must be ${expected}; got ${describeValue(body)}` };
  return { ok: true, value: body };
}

/**
 * Refuses fields the route does not know, so a typo (`maxResult`) is a 400 rather than silently
 * ignored.
 */
export function refuseUnknownFields(body: Record<string, unknown>, known: readonly string[]): string | undefined {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length === 0) return undefined;
  return `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; accepted: ${known.join(', ')}`;
}

/**
 * Reads `body.executionArn` and checks it is an execution of one of `stateMachines` (without calling
 * AWS). `expected` describes the route's body in the message for a missing ARN.
 */
export function readOwnExecutionArn(
  body: Record<string, unknown>,
  stateMachines: readonly StateMachineArn[],
  expected: string,
): Read<string> {
  const arn = body.executionArn;
  if (arn === undefined) return { ok: false, message: `executionArn is required: send ${expected}` };
  if (typeof arn !== 'string')
    return { ok: false, message: `executionArn must be a string; got ${describeValue(arn)}` };
  const parsed = parseExecutionArn(arn);
  if (!parsed)
    return { ok: false, message: `executionArn must look like ${EXECUTION_ARN_FORMAT}; got ${describeValue(arn)}` };
  // Not echoing our own ARNs: the caller learns only that this one is not ours.
  if (!stateMachines.some((machine) => isExecutionOf(parsed, machine))) {
    return { ok: false, message: "executionArn must be an execution of one of this API's state machines" };
  }
  return { ok: true, value: arn };
}

/** Reads an optional integer field within [min, max]; `undefined` when absent. */
export function readOptionalInteger(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
): Read<number | undefined> {
  const value = body[field];
  if (value === undefined) return { ok: true, value: undefined };
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return { ok: false, message: `${field} must be an integer from ${min} to ${max}; got ${describeValue(value)}` };
  }
  return { ok: true, value };
}

/** Reads an optional boolean field; `undefined` when absent. */
export function readOptionalBoolean(body: Record<string, unknown>, field: string): Read<boolean | undefined> {
  const value = body[field];
  if (value === undefined || typeof value === 'boolean') return { ok: true, value };
  return { ok: false, message: `${field} must be true or false; got ${describeValue(value)}` };
}

/** Reads an optional non-empty string of at most `maxLength` characters; `undefined` when absent. */
export function readOptionalString(
  body: Record<string, unknown>,
  field: string,
  maxLength: number,
): Read<string | undefined> {
  const value = body[field];
  if (value === undefined) return { ok: true, value: undefined };
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    return {
      ok: false,
      message: `${field} must be a string of 1 to ${maxLength} characters; got ${describeValue(value)}`,
    };
  }
  return { ok: true, value };
}

/** Per-operation answers for the Step Functions errors a route expects; anything else is a 500 or 429. */
export type ExpectedErrors = Readonly<Record<string, (err: Error) => RouteResponse>>;

/**
 * Maps an error from a Step Functions call to a response: the route's expected errors by name, then
 * throttling to 429 with `retry-after`, then a generic 500 that leaks nothing (details go to the log).
 */
export function sfnErrorResponse(
  err: unknown,
  operation: string,
  expected: ExpectedErrors,
  logger: Pick<Console, 'error' | 'warn'>,
  ids: Record<string, unknown>,
): RouteResponse {
  const name = err instanceof Error ? err.name : undefined;
  const known = name !== undefined ? expected[name] : undefined;
  if (known && err instanceof Error) return known(err);
  if ((name !== undefined && THROTTLING_NAMES.has(name)) || httpStatusOf(err) === 429) {
    logger.warn(`${operation} throttled`, { ...ids, name });
    return messageResponse(429, `Too many requests; retry after ${THROTTLED_RETRY_AFTER_SECONDS} seconds`, {
      'retry-after': String(THROTTLED_RETRY_AFTER_SECONDS),
    });
  }
  logger.error(`${operation} failed`, ids, err);
  return messageResponse(500, 'Internal server error');
}

/** The request ids worth logging with a failure. */
export function requestIds(
  event: Pick<APIGatewayProxyEventV2, 'requestContext'>,
  context: Pick<Context, 'awsRequestId'> | undefined,
): { requestId?: string; awsRequestId?: string } {
  return { requestId: event.requestContext?.requestId, awsRequestId: context?.awsRequestId };
}

function httpStatusOf(err: unknown): number | undefined {
  if (!isPlainObject(err) || !isPlainObject(err.$metadata)) return undefined;
  const status = err.$metadata.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}
