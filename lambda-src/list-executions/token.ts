/**
 * The list route's page token: opaque to callers (base64url JSON), it records the filters it was
 * issued for and, per job, where that job's next page starts: a Step Functions `nextToken` (absent for
 * the first page) and how many items of that page were already returned. A job that has no more
 * executions is absent from `cursors`.
 */

/** Where one job's listing continues. */
export interface JobCursor {
  /** Step Functions' `nextToken` of the page to read; absent for the job's first page. */
  readonly token?: string;
  /** Items of that page already returned. */
  readonly skip: number;
}

/** What a page token holds. */
export interface PageState {
  /** The filters of the request that issued it; a token is refused with other filters. */
  readonly job: string | null;
  readonly status: string | null;
  readonly maxResults: number;
  /** Per remaining job, by job name. */
  readonly cursors: Readonly<Record<string, JobCursor>>;
}

const VERSION = 1;
/** Step Functions' own tokens are at most 3096 characters; a few jobs' worth, base64-encoded, fits here. */
export const MAX_TOKEN_LENGTH = 65_536;

/** Encodes a page state as an opaque token. */
export function encodePageToken(state: PageState): string {
  return Buffer.from(JSON.stringify({ v: VERSION, ...state }), 'utf8').toString('base64url');
}

/** Decodes a token; `undefined` when it is not one this route issued (forged, truncated, another version). */
export function decodePageToken(token: string, jobs: readonly string[]): PageState | undefined {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (r.v !== VERSION) return undefined;
  if (r.job !== null && typeof r.job !== 'string') return undefined;
  if (r.status !== null && typeof r.status !== 'string') return undefined;
  if (typeof r.maxResults !== 'number' || !Number.isInteger(r.maxResults)) return undefined;
  if (typeof r.cursors !== 'object' || r.cursors === null || Array.isArray(r.cursors)) return undefined;
  const cursors: Record<string, JobCursor> = {};
  for (const [job, c] of Object.entries(r.cursors as Record<string, unknown>)) {
    if (!jobs.includes(job) || typeof c !== 'object' || c === null) return undefined;
    const { token: t, skip } = c as Record<string, unknown>;
    if (t !== undefined && (typeof t !== 'string' || t.length === 0)) return undefined;
    if (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0 || skip > r.maxResults) return undefined;
    cursors[job] = t === undefined ? { skip } : { token: t, skip };
  }
  if (Object.keys(cursors).length === 0) return undefined;
  return { job: r.job as string | null, status: r.status as string | null, maxResults: r.maxResults, cursors };
}
