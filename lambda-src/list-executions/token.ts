/**
 * The list route's page token: opaque to callers (base64url JSON). It records the filters it was
 * issued for, the last execution returned so far (the anchor: later pages hold only executions after
 * it in the listing's order, so none is repeated and none started since the first page appears) and,
 * per job that may have more, a Step Functions `nextToken` from which to read again with the execution
 * its page must still begin at or before (a shortcut the route checks before trusting; absent: from
 * the newest). A job with no more executions is absent.
 */
import { decodeOpaqueToken, encodeOpaqueToken } from '../shared/page-token';

/** The last execution returned: where the listing continues. */
export interface Anchor {
  /** Start date, epoch milliseconds. */
  readonly startDate: number;
  /** The job's place in the registry (orders executions that started in the same millisecond). */
  readonly order: number;
  readonly executionArn: string;
}

/** An execution of the job that no execution left to list precedes in Step Functions' order. */
export interface Mark {
  /** Start date, epoch milliseconds. */
  readonly startDate: number;
  readonly executionArn: string;
}

/** Where one job's listing may be read from again. */
export interface JobCursor {
  /** Step Functions' `nextToken` of the page that held `mark`; absent: from the newest. */
  readonly token?: string;
  /** With `token`: the page is trusted only if it still begins at or before this execution. */
  readonly mark?: Mark;
}

/** What a page token holds. */
export interface PageState {
  /** The filters of the request that issued it; a token is refused with other filters. */
  readonly job: string | null;
  readonly status: string | null;
  readonly maxResults: number;
  /** Absent only for the first page. */
  readonly anchor?: Anchor;
  /** Per remaining job, by job name. */
  readonly cursors: Readonly<Record<string, JobCursor>>;
}

const VERSION = 2;
/** Step Functions' own tokens are at most 1024 characters; a few jobs' worth, base64-encoded, fits here. */
export const MAX_TOKEN_LENGTH = 65_536;

/** Encodes a page state as an opaque token. */
export function encodePageToken(state: PageState): string {
  return encodeOpaqueToken(VERSION, state);
}

/** Decodes a token; `undefined` when it is not one this route issued (forged, truncated, another version). */
export function decodePageToken(token: string, jobs: readonly string[]): PageState | undefined {
  const r = decodeOpaqueToken(token, VERSION, MAX_TOKEN_LENGTH);
  if (!r) return undefined;
  if (r.job !== null && typeof r.job !== 'string') return undefined;
  if (r.status !== null && typeof r.status !== 'string') return undefined;
  if (typeof r.maxResults !== 'number' || !Number.isInteger(r.maxResults)) return undefined;
  const anchor = readAnchor(r.anchor, jobs.length);
  if (!anchor) return undefined;
  if (typeof r.cursors !== 'object' || r.cursors === null || Array.isArray(r.cursors)) return undefined;
  const cursors: Record<string, JobCursor> = {};
  for (const [job, c] of Object.entries(r.cursors as Record<string, unknown>)) {
    if (!jobs.includes(job) || typeof c !== 'object' || c === null) return undefined;
    const { token: t, mark } = c as Record<string, unknown>;
    if (t === undefined) {
      cursors[job] = {};
      continue;
    }
    const m = readMark(mark);
    if (typeof t !== 'string' || t.length === 0 || !m) return undefined;
    cursors[job] = { token: t, mark: m };
  }
  if (Object.keys(cursors).length === 0) return undefined;
  return { job: r.job as string | null, status: r.status as string | null, maxResults: r.maxResults, anchor, cursors };
}

function readAnchor(raw: unknown, jobCount: number): Anchor | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { startDate, order, executionArn } = raw as Record<string, unknown>;
  if (typeof startDate !== 'number' || !Number.isFinite(startDate)) return undefined;
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 0 || order >= jobCount) return undefined;
  if (typeof executionArn !== 'string' || executionArn.length === 0) return undefined;
  return { startDate, order, executionArn };
}

function readMark(raw: unknown): Mark | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { startDate, executionArn } = raw as Record<string, unknown>;
  if (typeof startDate !== 'number' || !Number.isFinite(startDate)) return undefined;
  if (typeof executionArn !== 'string' || executionArn.length === 0) return undefined;
  return { startDate, executionArn };
}
