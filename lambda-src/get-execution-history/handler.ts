import { GetExecutionHistoryCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describeValue } from '../shared/describe-value';
import { jsonResponse, messageResponse } from '../shared/http';
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

/** Bounds of `maxResults` (events per page; Step Functions allows up to 1000) and our default. */
export const HISTORY_MAX_RESULTS = { min: 1, max: 1000, default: 100 } as const;
/** Step Functions' `nextToken` is 1 to 3096 characters (API_GetExecutionHistory). */
export const HISTORY_TOKEN_MAX_LENGTH = 3096;

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
 * (default true). The token is Step Functions' own and must come with the same `executionArn`,
 * `maxResults` and `reverseOrder`.
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
    try {
      const page = await client.send(
        new GetExecutionHistoryCommand({
          executionArn,
          maxResults: max.value ?? HISTORY_MAX_RESULTS.default,
          reverseOrder: reverse.value ?? false,
          includeExecutionData: data.value ?? true,
          ...(token.value !== undefined ? { nextToken: token.value } : {}),
        }),
      );
      return jsonResponse(200, { events: page.events ?? [], nextToken: page.nextToken ?? null });
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
