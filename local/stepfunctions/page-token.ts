/**
 * Page tokens of the local Step Functions API: opaque to the caller, stable under concurrent starts,
 * and unforgeable. A token names the last item a page returned (a position in start order, an event
 * id), not an offset, so an execution started between two pages neither repeats an item nor hides
 * one. It is bound to the operation and to the request's other parameters, and signed with a key
 * of this process: a token that was altered, made up, or issued for another request is refused with
 * `InvalidToken`, as Step Functions refuses tokens it did not issue (docs/aws-behaviour.md §4.10).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SfnError } from './errors';

// One key per process: tokens survive a watch-mode reload, not a restart (AWS tokens expire too).
const KEY = randomBytes(32);

/** Step Functions' documented limit on `nextToken`. */
export const MAX_TOKEN_LENGTH = 1024;

/** Issues a token for `position` of a listing identified by `scope` (operation + parameters). */
export function issueToken(scope: string, position: number): string {
  const payload = Buffer.from(JSON.stringify({ p: position })).toString('base64url');
  return `${payload}.${sign(scope, payload)}`;
}

/**
 * Reads a token issued by {@link issueToken} for the same `scope`.
 * @throws SfnError InvalidToken for anything else.
 */
export function readToken(scope: string, token: unknown): number {
  const invalid = new SfnError('InvalidToken', `Invalid Token: '${String(token)}'`);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw invalid;
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) throw invalid;
  const expected = Buffer.from(sign(scope, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
  const position = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p?: unknown }).p;
  if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) throw invalid;
  return position;
}

function sign(scope: string, payload: string): string {
  return createHmac('sha256', KEY).update(scope).update('\0').update(payload).digest('base64url');
}
