import type { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describeValue } from '../shared/describe-value';
import { jsonResponse, messageResponse } from '../shared/http';
import { type JobMachine, jobMachines } from '../shared/jobs-config';
import {
  type RouteResponse,
  readJsonObject,
  readOptionalInteger,
  refuseUnknownFields,
  requestIds,
  sfnErrorResponse,
} from '../shared/request';
import { EXECUTION_STATUSES } from '../shared/step-functions-arn';
import { anchorOf, compare, readJob, type Seen } from './pages';
import {
  type Anchor,
  decodePageToken,
  encodePageToken,
  type JobCursor,
  MAX_TOKEN_LENGTH,
  type PageState,
} from './token';

/** Bounds of `maxResults` (items per page) and its default. */
export const LIST_MAX_RESULTS = { min: 1, max: 100, default: 20 } as const;

/** Statuses a caller may filter on: every execution status, in alphabetical order as the SDK's enum lists them. */
export const LIST_STATUSES: readonly string[] = [...EXECUTION_STATUSES].sort();

/** One execution in a page. */
export interface ListedExecution {
  readonly executionArn: string;
  readonly job: string;
  readonly name: string | null;
  readonly status: string | null;
  /** ISO-8601. */
  readonly startDate: string | null;
  /** ISO-8601; `null` while running. */
  readonly stopDate: string | null;
}

/** Body of a 200 response. */
export interface ListExecutionsBody {
  readonly executions: readonly ListedExecution[];
  /** Present when there may be more; send it back with the same filters for the next page. */
  readonly nextToken: string | null;
}

/** Options of {@link createHandler}. */
export interface ListExecutionsOptions {
  readonly client: SFNClient;
  /** The API's jobs and their state machines, in registry order. */
  readonly jobs: Readonly<Record<string, string>>;
  readonly logger?: Pick<Console, 'error' | 'warn'>;
}

/** The list Lambda's handler (API Gateway HTTP API, payload format 2.0). */
export type ListExecutionsHandler = (
  event: APIGatewayProxyEventV2,
  context?: Pick<Context, 'awsRequestId'>,
) => Promise<RouteResponse>;

const FIELDS = ['job', 'status', 'maxResults', 'nextToken'] as const;
const EXPECTED_BODY = 'a JSON object like {"job"?, "status"?, "maxResults"?, "nextToken"?}';

/**
 * Builds the handler behind `POST /list-executions`: the API's executions, newest first (by start date),
 * of one job or of all jobs merged.
 *
 * Pages are stable while executions start, end or change status between requests: the token holds
 * the last execution returned (the anchor) and each page holds only executions after it in the
 * listing's order (newest start first, then registry order, then ARN), so none is returned twice and
 * none started after the first page appears. Each job is read from a Step Functions token kept in our
 * token, but only when its page still begins at or before the job's first execution left to list;
 * otherwise (executions left the status filter and the listing moved, or the token expired) the job
 * is read again from the newest, so none is skipped (`pages.ts`). An execution that changes into or
 * out of the status filter between pages appears in a later page when it matches then, at most once.
 *
 * Responses: 200 {@link ListExecutionsBody}; 400 for an unknown field, job or status, `maxResults` out of
 * range, or a token that is not ours or was issued for other filters; 429 when throttled; 500 otherwise.
 */
export function createHandler(options: ListExecutionsOptions): ListExecutionsHandler {
  const { client, logger = console } = options;
  const jobs = jobMachines(options.jobs, 'jobs');
  const jobNames = jobs.map((j) => j.job);

  return async (event, context) => {
    const request = readRequest(event, jobNames);
    if (!request.ok) return messageResponse(400, request.message);
    const state = request.value;
    try {
      return jsonResponse(200, await listPage(client, jobs, state));
    } catch (err) {
      return sfnErrorResponse(err, 'ListExecutions', {}, logger, requestIds(event, context));
    }
  };
}

function readRequest(
  event: APIGatewayProxyEventV2,
  jobNames: readonly string[],
): { ok: true; value: PageState } | { ok: false; message: string } {
  const read = readJsonObject(event, EXPECTED_BODY, true);
  if (!read.ok) return read;
  const body = read.value;
  const unknownField = refuseUnknownFields(body, FIELDS);
  if (unknownField) return { ok: false, message: unknownField };
  const { job, status, nextToken } = body;
  if (job !== undefined && (typeof job !== 'string' || !jobNames.includes(job))) {
    return { ok: false, message: `job must be one of ${jobNames.join(', ')}; got ${describeValue(job)}` };
  }
  if (status !== undefined && (typeof status !== 'string' || !LIST_STATUSES.includes(status))) {
    return { ok: false, message: `status must be one of ${LIST_STATUSES.join(', ')}; got ${describeValue(status)}` };
  }
  const max = readOptionalInteger(body, 'maxResults', LIST_MAX_RESULTS.min, LIST_MAX_RESULTS.max);
  if (!max.ok) return max;
  const filters = {
    job: (job as string | undefined) ?? null,
    status: (status as string | undefined) ?? null,
    maxResults: max.value ?? LIST_MAX_RESULTS.default,
  };
  if (nextToken === undefined) {
    const first: Record<string, JobCursor> = {};
    for (const name of filters.job === null ? jobNames : [filters.job]) first[name] = {};
    return { ok: true, value: { ...filters, cursors: first } };
  }
  if (typeof nextToken !== 'string' || nextToken.length === 0 || nextToken.length > MAX_TOKEN_LENGTH) {
    return { ok: false, message: `nextToken must be a token from a previous answer; got ${describeValue(nextToken)}` };
  }
  const decoded = decodePageToken(nextToken, jobNames);
  if (!decoded) return { ok: false, message: 'nextToken is not a token this API issued' };
  if (decoded.job !== filters.job || decoded.status !== filters.status || decoded.maxResults !== filters.maxResults) {
    return {
      ok: false,
      message: 'nextToken was issued for other job, status or maxResults; send the same ones as with the first page',
    };
  }
  return { ok: true, value: decoded };
}

async function listPage(client: SFNClient, jobs: readonly JobMachine[], state: PageState): Promise<ListExecutionsBody> {
  const size = state.maxResults;
  const perJob = await Promise.all(
    jobs
      .map((machine, order) => ({ machine: { ...machine, order }, cursor: state.cursors[machine.job] }))
      .filter((j): j is { machine: JobMachine & { order: number }; cursor: JobCursor } => j.cursor !== undefined)
      .map(async ({ machine, cursor }) => ({ machine, read: await readJob(client, machine, cursor, state, size) })),
  );
  const after = (s: Seen, anchor: Anchor | undefined) => anchor === undefined || compare(anchorOf(s), anchor) > 0;
  const page = perJob
    .flatMap(({ read }) => read.seen.filter((s) => after(s, state.anchor)))
    .sort((a, b) => compare(anchorOf(a), anchorOf(b)))
    .slice(0, size);
  const last = page.at(-1);
  const cursors: Record<string, JobCursor> = {};
  if (last) {
    const anchor = anchorOf(last);
    for (const { machine, read } of perJob) {
      // Next time, read from the page of the first execution left (or of the last one read): every
      // execution left comes at or after it in Step Functions' order.
      const left = read.seen.find((s) => after(s, anchor));
      if (!left && !read.more) continue;
      const mark = left ?? read.seen.at(-1);
      cursors[machine.job] =
        mark?.page === undefined
          ? {}
          : {
              token: mark.page,
              mark: { startDate: anchorOf(mark).startDate, executionArn: anchorOf(mark).executionArn },
            };
    }
  }
  return {
    executions: page.map(({ item, order }) => ({
      executionArn: item.executionArn ?? '',
      job: jobs[order]!.job,
      name: item.name ?? null,
      status: item.status ?? null,
      startDate: item.startDate?.toISOString() ?? null,
      stopDate: item.stopDate?.toISOString() ?? null,
    })),
    nextToken:
      last && Object.keys(cursors).length > 0 ? encodePageToken({ ...state, anchor: anchorOf(last), cursors }) : null,
  };
}
