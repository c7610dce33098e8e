import { DescribeExecutionCommand, RedriveExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { jsonResponse, messageResponse } from '../shared/http';
import { jobMachines } from '../shared/jobs-config';
import {
  type RouteResponse,
  readJsonObject,
  readOwnExecutionArn,
  refuseUnknownFields,
  requestIds,
  sfnErrorResponse,
} from '../shared/request';
import { REDRIVABLE_STATUSES } from '../shared/step-functions-arn';

/** Statuses Step Functions can redrive (API_RedriveExecution); the one list is in shared/. */
export { REDRIVABLE_STATUSES };
/** How long after it stopped an execution can be redriven: 14 days (API_RedriveExecution). */
export const REDRIVE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

/** Body of a 200 response. */
export interface RedriveExecutionBody {
  readonly executionArn: string;
  /**
   * Epoch seconds, as Step Functions' API gives dates and as start and stop pass them through
   * (`startDate`, `stopDate`); null when Step Functions answers none.
   */
  readonly redriveDate: number | null;
}

/** Options of {@link createHandler}. */
export interface RedriveExecutionOptions {
  readonly client: SFNClient;
  /** The API's jobs and their state machines; only their executions are redriven. */
  readonly jobs: Readonly<Record<string, string>>;
  /** Clock for the 14-day window. Default `() => new Date()`. */
  readonly now?: () => Date;
  readonly logger?: Pick<Console, 'error' | 'warn'>;
}

/** The redrive Lambda's handler (API Gateway HTTP API, payload format 2.0). */
export type RedriveExecutionHandler = (
  event: APIGatewayProxyEventV2,
  context?: Pick<Context, 'awsRequestId'>,
) => Promise<RouteResponse>;

const EXPECTED_BODY = 'a JSON object like {"executionArn"}';

/**
 * Builds the handler behind `POST /redrive-execution`. It describes the execution first and refuses,
 * without calling RedriveExecution, one that is not FAILED, TIMED_OUT or ABORTED (409), that stopped
 * more than 14 days ago (409), or that Step Functions reports as `NOT_REDRIVABLE` (409 with its reason).
 * Step Functions checks again (`ExecutionNotRedrivable` → 409), so a race between the two calls changes
 * nothing. Redriving keeps the execution ARN; the answer is `{executionArn, redriveDate}`.
 *
 * Responses: 200 {@link RedriveExecutionBody}; 400 for a bad body or a foreign ARN; 404 for an execution
 * that does not exist; 409 as above; 429 when throttled (or `ExecutionLimitExceeded`); 500 otherwise.
 */
export function createHandler(options: RedriveExecutionOptions): RedriveExecutionHandler {
  const { client, now = () => new Date(), logger = console } = options;
  const machines = jobMachines(options.jobs, 'jobs').map((j) => j.parsed);

  return async (event, context) => {
    const read = readJsonObject(event, EXPECTED_BODY);
    if (!read.ok) return messageResponse(400, read.message);
    const unknownField = refuseUnknownFields(read.value, ['executionArn']);
    if (unknownField) return messageResponse(400, unknownField);
    const arn = readOwnExecutionArn(read.value, machines, EXPECTED_BODY);
    if (!arn.ok) return messageResponse(400, arn.message);
    const executionArn = arn.value;
    const expected = {
      ExecutionDoesNotExist: () => messageResponse(404, `Execution not found: ${executionArn}`),
      InvalidArn: () => messageResponse(400, 'executionArn is not a valid execution ARN'),
      ExecutionNotRedrivable: () =>
        messageResponse(
          409,
          'Step Functions cannot redrive this execution (not FAILED, TIMED_OUT or ABORTED, past its 14 days, or not redrivable)',
        ),
      ExecutionLimitExceeded: () =>
        messageResponse(429, 'Too many open executions in the account; retry later', { 'retry-after': '60' }),
    };
    const ids = { ...requestIds(event, context), executionArn };

    let refusal: string | undefined;
    try {
      const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
      refusal = redriveRefusal(execution, now());
    } catch (err) {
      return sfnErrorResponse(err, 'DescribeExecution', expected, logger, ids);
    }
    if (refusal) return messageResponse(409, refusal);
    try {
      const result = await client.send(new RedriveExecutionCommand({ executionArn }));
      const redriveDate = result.redriveDate ? result.redriveDate.getTime() / 1000 : null;
      const body: RedriveExecutionBody = { executionArn, redriveDate };
      return jsonResponse(200, body);
    } catch (err) {
      return sfnErrorResponse(err, 'RedriveExecution', expected, logger, ids);
    }
  };
}

/** Why an execution cannot be redriven, or `undefined` when it can (as far as we can tell before asking). */
export function redriveRefusal(
  execution: { status?: string; stopDate?: Date; redriveStatus?: string; redriveStatusReason?: string },
  now: Date,
): string | undefined {
  const status = execution.status ?? 'UNKNOWN';
  if (!(REDRIVABLE_STATUSES as readonly string[]).includes(status)) {
    return `Only ${REDRIVABLE_STATUSES.join(', ')} executions can be redriven; this one is ${status}`;
  }
  if (execution.stopDate && now.getTime() - execution.stopDate.getTime() > REDRIVE_WINDOW_MS) {
    return `The execution stopped at ${execution.stopDate.toISOString()}, more than 14 days ago; it can no longer be redriven`;
  }
  if (execution.redriveStatus === 'NOT_REDRIVABLE') {
    return `Step Functions reports the execution as not redrivable${execution.redriveStatusReason ? `: ${execution.redriveStatusReason}` : ''}`;
  }
  return undefined;
}
