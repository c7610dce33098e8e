import {
  type ExecutionListItem,
  type ExecutionStatus,
  ListExecutionsCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
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
import { decodePageToken, encodePageToken, type JobCursor, MAX_TOKEN_LENGTH, type PageState } from './token';

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
 * Pages over several jobs: each page reads, per job with executions left, one Step Functions page of
 * `maxResults` from where that job stopped (a second one when the first was partly returned already),
 * merges them newest first and returns the first `maxResults`. The token records, per job, the Step
 * Functions token of the page it stopped in and how many of that page it returned. So a page costs at
 * most two ListExecutions calls per job, no execution is skipped or repeated while nothing new starts,
 * and an execution started after the first page is not in later pages (as with Step Functions' own
 * tokens, which page a snapshot). Ties on the start date keep registry order.
 *
 * Responses: 200 {@link ListExecutionsBody}; 400 for an unknown field, job or status, `maxResults` out of
 * range, or a token that is not ours, was issued for other filters, or that Step Functions refuses
 * (`InvalidToken`, e.g. older than 24 hours); 429 when throttled; 500 otherwise.
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
      return sfnErrorResponse(
        err,
        'ListExecutions',
        { InvalidToken: () => messageResponse(400, 'nextToken has expired or is not valid; list again without it') },
        logger,
        requestIds(event, context),
      );
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
    for (const name of filters.job === null ? jobNames : [filters.job]) first[name] = { skip: 0 };
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

interface Candidate {
  readonly job: string;
  readonly order: number;
  readonly item: ExecutionListItem;
}

async function listPage(client: SFNClient, jobs: readonly JobMachine[], state: PageState): Promise<ListExecutionsBody> {
  const size = state.maxResults;
  const perJob = await Promise.all(
    jobs
      .map((machine, order) => ({ machine, order, cursor: state.cursors[machine.job] }))
      .filter((j): j is { machine: JobMachine; order: number; cursor: JobCursor } => j.cursor !== undefined)
      .map(async ({ machine, order, cursor }) => ({
        machine,
        order,
        cursor,
        read: await readJob(client, machine, cursor, size, state.status),
      })),
  );
  const candidates: Candidate[] = perJob.flatMap(({ machine, order, read }) =>
    read.items.map((item) => ({ job: machine.job, order, item })),
  );
  candidates.sort((a, b) => time(b.item.startDate) - time(a.item.startDate) || a.order - b.order);
  const page = candidates.slice(0, size);

  const cursors: Record<string, JobCursor> = {};
  for (const { machine, read } of perJob) {
    const taken = page.filter((c) => c.job === machine.job).length;
    const next = read.cursorAfter(taken);
    if (next) cursors[machine.job] = next;
  }
  return {
    executions: page.map(({ job, item }) => ({
      executionArn: item.executionArn ?? '',
      job,
      name: item.name ?? null,
      status: item.status ?? null,
      startDate: item.startDate?.toISOString() ?? null,
      stopDate: item.stopDate?.toISOString() ?? null,
    })),
    nextToken: Object.keys(cursors).length > 0 ? encodePageToken({ ...state, cursors }) : null,
  };
}

/**
 * Reads enough of one job to fill a page: the page at its cursor minus the items already returned and,
 * when that leaves fewer than `size` and there are more, the following page. `cursorAfter(n)` is where
 * the job continues once `n` of these items are returned (undefined when nothing is left).
 */
async function readJob(client: SFNClient, machine: JobMachine, cursor: JobCursor, size: number, status: string | null) {
  const call = (nextToken: string | undefined) =>
    client.send(
      new ListExecutionsCommand({
        stateMachineArn: machine.stateMachineArn,
        maxResults: size,
        ...(nextToken !== undefined ? { nextToken } : {}),
        ...(status !== null ? { statusFilter: status as ExecutionStatus } : {}),
      }),
    );
  const first = await call(cursor.token);
  const firstItems = (first.executions ?? []).slice(cursor.skip);
  let second: { items: ExecutionListItem[]; token: string | undefined; nextToken: string | undefined } | undefined;
  if (firstItems.length < size && first.nextToken) {
    const page = await call(first.nextToken);
    second = { items: page.executions ?? [], token: first.nextToken, nextToken: page.nextToken };
  }
  const items = [...firstItems, ...(second?.items ?? [])];
  const cursorAfter = (taken: number): JobCursor | undefined => {
    if (taken < firstItems.length)
      return { ...(cursor.token !== undefined ? { token: cursor.token } : {}), skip: cursor.skip + taken };
    if (!second) return first.nextToken ? { token: first.nextToken, skip: 0 } : undefined;
    const inSecond = taken - firstItems.length;
    if (inSecond < second.items.length) return { token: second.token!, skip: inSecond };
    return second.nextToken ? { token: second.nextToken, skip: 0 } : undefined;
  };
  return { items, cursorAfter };
}

function time(date: Date | undefined): number {
  return date?.getTime() ?? 0;
}
