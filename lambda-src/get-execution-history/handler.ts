import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describeValue } from '../shared/describe-value';
import { jsonResponse, messageResponse, RESPONSE_MAX_BYTES } from '../shared/http';
import { jobMachines } from '../shared/jobs-config';
import {
  type RouteResponse,
  readJsonObject,
  readOptionalBoolean,
  readOptionalInteger,
  readOptionalString,
  readOwnExecutionArn,
  refuseUnknownFields,
  requestIds,
  sfnErrorResponse,
} from '../shared/request';
import { fitEvents } from './bound';
import { decodeHistoryToken, encodeHistoryToken, HISTORY_TOKEN_MAX_LENGTH, type HistoryCursor } from './token';

/** Bounds of `maxResults` (events per page; Step Functions allows up to 1000) and our default. */
export const HISTORY_MAX_RESULTS = { min: 1, max: 1000, default: 100 } as const;
export { HISTORY_TOKEN_MAX_LENGTH } from './token';

/** Options of {@link createHandler}. */
export interface GetExecutionHistoryOptions {
  readonly client: SFNClient;
  /** The API's jobs and their state machines; only their executions are read. */
  readonly jobs: Readonly<Record<string, string>>;
  readonly logger?: Pick<Console, 'error' | 'warn'>;
}

/** The history Lambda's handler (API Gateway HTTP API, payload format 2.0). */
export type GetExecutionHistoryHandler = (
  event: APIGatewayProxyEventV2,
  context?: Pick<Context, 'awsRequestId'>,
) => Promise<RouteResponse>;

const FIELDS = ['executionArn', 'maxResults', 'nextToken', 'reverseOrder', 'includeExecutionData'] as const;
const EXPECTED_BODY =
  'a JSON object like {"executionArn", "maxResults"?, "nextToken"?, "reverseOrder"?, "includeExecutionData"?}';

/**
 * Builds the handler behind `POST /get-execution-history`: one page of an execution's events in the
 * shape Step Functions' GetExecutionHistory returns (`{events, nextToken}`; timestamps as ISO-8601
 * strings, as the SDK's dates serialise). Oldest first unless `reverseOrder`; `maxResults` 1–1000,
 * default 100 (never Step Functions' "0 means default"); `includeExecutionData` as in Step Functions
 * (default true). The token is ours (it wraps Step Functions' own) and must come with the same
 * `executionArn`, `maxResults`, `reverseOrder` and `includeExecutionData`.
 *
 * The answer never exceeds Lambda's response limit ({@link RESPONSE_MAX_BYTES}): a page that would is
 * cut after the last event that fits, and its token continues after that event, so nothing is lost.
 * Only an event too large to be sent alone is sent without its data (`executionDataOmitted: true`).
 *
 * Responses: 200; 400 for an unknown field, a malformed or foreign ARN, out-of-range `maxResults`, a
 * token that is not a string, or one Step Functions refuses (`InvalidToken`); 404 for
 * `ExecutionDoesNotExist`; 429 when throttled; 500 otherwise.
 */
export function createHandler(options: GetExecutionHistoryOptions): GetExecutionHistoryHandler {
  const { client, logger = console } = options;
  const machines = jobMachines(options.jobs, 'jobs').map((j) => j.parsed);

  return async (event, context) => {
    const read = readJsonObject(event, EXPECTED_BODY);
    if (!read.ok) return messageResponse(400, read.message);
    const body = read.value;
    const unknownField = refuseUnknownFields(body, FIELDS);
    if (unknownField) return messageResponse(400, unknownField);
    const arn = readOwnExecutionArn(body, machines, EXPECTED_BODY);
    if (!arn.ok) return messageResponse(400, arn.message);
    const max = readOptionalInteger(body, 'maxResults', HISTORY_MAX_RESULTS.min, HISTORY_MAX_RESULTS.max);
    if (!max.ok) return messageResponse(400, max.message);
    const token = readOptionalString(body, 'nextToken', HISTORY_TOKEN_MAX_LENGTH);
    if (!token.ok) return messageResponse(400, token.message);
    const reverse = readOptionalBoolean(body, 'reverseOrder');
    if (!reverse.ok) return messageResponse(400, reverse.message);
    const data = readOptionalBoolean(body, 'includeExecutionData');
    if (!data.ok) return messageResponse(400, data.message);

    const executionArn = arn.value;
    const request: HistoryCursor = {
      executionArn,
      maxResults: max.value ?? HISTORY_MAX_RESULTS.default,
      reverseOrder: reverse.value ?? false,
      includeExecutionData: data.value ?? true,
    };
    const cursor = token.value === undefined ? request : decodeHistoryToken(token.value);
    if (!cursor) return messageResponse(400, 'nextToken is not a token this API issued');
    if (!sameRequest(cursor, request)) {
      return messageResponse(
        400,
        'nextToken was issued for another executionArn, maxResults, reverseOrder or includeExecutionData; send the same ones',
      );
    }
    try {
      const page = await readPage(client, cursor);
      const next = (n: number): string | null => {
        if (n < page.events.length) {
          const after = n === 0 ? cursor.after : page.events[n - 1]!.id;
          return encodeHistoryToken({ ...request, ...page.at, ...(after !== undefined ? { after } : {}) });
        }
        return page.nextToken ? encodeHistoryToken({ ...request, token: page.nextToken }) : null;
      };
      const { body } = fitEvents(page.events, (n) => ({ nextToken: next(n) }), RESPONSE_MAX_BYTES);
      return jsonResponse(200, body);
    } catch (err) {
      return sfnErrorResponse(
        err,
        'GetExecutionHistory',
        {
          ExecutionDoesNotExist: () => messageResponse(404, `Execution not found: ${executionArn}`),
          InvalidArn: () => messageResponse(400, 'executionArn is not a valid execution ARN'),
          InvalidToken: () =>
            messageResponse(
              400,
              `nextToken has expired or does not belong to this request; got ${describeValue(token.value)}`,
            ),
        },
        logger,
        { ...requestIds(event, context), executionArn },
      );
    }
  };
}

function sameRequest(a: HistoryCursor, b: HistoryCursor): boolean {
  return (
    a.executionArn === b.executionArn &&
    a.maxResults === b.maxResults &&
    a.reverseOrder === b.reverseOrder &&
    a.includeExecutionData === b.includeExecutionData
  );
}

/**
 * The events of the page at the cursor not yet returned (after `cursor.after` in the page's order),
 * with the Step Functions token that page was read with (`at`) and the one that follows it. A page
 * whose events were all returned already is passed over for the next one.
 */
async function readPage(client: SFNClient, cursor: HistoryCursor) {
  let at: { token?: string } = cursor.token !== undefined ? { token: cursor.token } : {};
  let after = cursor.after;
  for (;;) {
    const page = await client.send(
      new GetExecutionHistoryCommand({
        executionArn: cursor.executionArn,
        maxResults: cursor.maxResults,
        reverseOrder: cursor.reverseOrder,
        includeExecutionData: cursor.includeExecutionData,
        ...(at.token !== undefined ? { nextToken: at.token } : {}),
      }),
    );
    const events: HistoryEvent[] = (page.events ?? []).filter(
      (e) => after === undefined || (cursor.reverseOrder ? (e.id ?? 0) < after : (e.id ?? 0) > after),
    );
    if (events.length > 0 || !page.nextToken) return { events, at, nextToken: page.nextToken };
    at = { token: page.nextToken };
    after = undefined;
  }
}
