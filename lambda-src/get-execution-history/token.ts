/**
 * The history route's page token: opaque to callers (base64url JSON). It holds Step Functions' own
 * token of the page to read (absent for the first page) and, when the previous answer stopped inside
 * that page to stay under Lambda's response limit, the id of the last event returned, so the next
 * answer re-reads the page and continues after it. It records the request it was issued for.
 */
import { decodeOpaqueToken, encodeOpaqueToken } from '../shared/page-token';

/** What a history page token holds. */
export interface HistoryCursor {
  readonly executionArn: string;
  readonly maxResults: number;
  readonly reverseOrder: boolean;
  readonly includeExecutionData: boolean;
  /** Step Functions' `nextToken` of the page to read; absent for the first page. */
  readonly token?: string;
  /** Id of the last event already returned from that page (the page was cut). */
  readonly after?: number;
}

const VERSION = 1;
/** Step Functions' token (at most 3096 characters) and an execution ARN, encoded, fit well under this. */
export const HISTORY_TOKEN_MAX_LENGTH = 8192;

/** Encodes a cursor as an opaque token. */
export function encodeHistoryToken(cursor: HistoryCursor): string {
  return encodeOpaqueToken(VERSION, cursor);
}

/** Decodes a token; `undefined` when it is not one this route issued (forged, truncated, another version). */
export function decodeHistoryToken(token: string): HistoryCursor | undefined {
  const r = decodeOpaqueToken(token, VERSION, HISTORY_TOKEN_MAX_LENGTH);
  if (!r || typeof r.executionArn !== 'string' || !Number.isInteger(r.maxResults)) return undefined;
  if (typeof r.reverseOrder !== 'boolean' || typeof r.includeExecutionData !== 'boolean') return undefined;
  if (r.token !== undefined && (typeof r.token !== 'string' || r.token.length === 0)) return undefined;
  if (r.after !== undefined && (!Number.isInteger(r.after) || (r.after as number) < 0)) return undefined;
  return {
    executionArn: r.executionArn,
    maxResults: r.maxResults as number,
    reverseOrder: r.reverseOrder,
    includeExecutionData: r.includeExecutionData,
    ...(r.token !== undefined ? { token: r.token as string } : {}),
    ...(r.after !== undefined ? { after: r.after as number } : {}),
  };
}
