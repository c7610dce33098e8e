import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  ExecutionStatus,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ConfigError } from '../shared/config-error';
import { jsonResponse, messageResponse } from '../shared/http';
import { requireStateMachineArn } from '../shared/jobs-config';
import { readJsonObject, readOwnExecutionArn, requestIds, sfnErrorResponse } from '../shared/request';
import { EXECUTION_ARN_FORMAT, RUNNING_STATUSES } from '../shared/step-functions-arn';
import { type ExecutionProgress, PROGRESS_HISTORY_BUDGET, readProgress } from './progress';

/** `Retry-After` bounds (seconds) while an execution runs; see {@link runningRetryAfterSeconds}. */
export const RUNNING_RETRY_AFTER = { min: 1, max: 20, elapsedDivisor: 4 } as const;

export { THROTTLED_RETRY_AFTER_SECONDS } from '../shared/request';

/** Body of a 200 response: the execution's state, with JSON data parsed and absent values as `null`. */
export interface ExecutionStatusBody {
  readonly executionArn: string;
  readonly name: string | null;
  readonly status: string | null;
  /** ISO-8601. */
  readonly startDate: string | null;
  /** ISO-8601; `null` while running. */
  readonly stopDate: string | null;
  readonly input: unknown;
  readonly output: unknown;
  readonly error: string | null;
  readonly cause: string | null;
  /** Times the execution was redriven (Step Functions reports 0 until the first redrive); `null` when not reported. */
  readonly redriveCount: number | null;
  /** ISO-8601: the latest redrive; `null` when never redriven. */
  readonly redriveDate: string | null;
  /** `REDRIVABLE`, `NOT_REDRIVABLE` or `REDRIVABLE_BY_MAP_RUN`; `null` when not reported. */
  readonly redriveStatus: string | null;
  /** Why it is not redrivable, when Step Functions says. */
  readonly redriveStatusReason: string | null;
  /**
   * While RUNNING: the states running and, for a Map state, items done out of total, read from the
   * newest history events (see `readProgress`). `null` otherwise, or when reading history failed.
   */
  readonly progress: ExecutionProgress | null;
}

/** Options of {@link createHandler}. */
export interface DescribeExecutionOptions {
  /** Client used for `DescribeExecution`; create it once per container. */
  readonly client: SFNClient;
  /** Only executions of these state machines are described; others get a 400 without calling AWS. */
  readonly stateMachineArns: readonly string[];
  /** Clock for `Retry-After`. Default `() => new Date()`. */
  readonly now?: () => Date;
  /** Where unexpected failures are logged. Default `console`. */
  readonly logger?: Pick<Console, 'error' | 'warn'>;
  /**
   * History read per describe of a RUNNING execution; `calls: 0` turns progress off.
   * Default {@link PROGRESS_HISTORY_BUDGET}.
   */
  readonly progressBudget?: { readonly calls: number; readonly eventsPerCall: number };
}

/** The status Lambda's handler (API Gateway HTTP API, payload format 2.0). */
export type DescribeExecutionHandler = (
  event: APIGatewayProxyEventV2,
  context?: Pick<Context, 'awsRequestId'>,
) => Promise<ReturnType<typeof jsonResponse>>;

const EXPECTED_BODY = `a JSON object like {"executionArn": "${EXECUTION_ARN_FORMAT}"}`;

/**
 * Builds the handler behind `POST /describe-execution`. One DescribeExecution per request and, for a
 * RUNNING execution, its progress from up to `progressBudget.calls` GetExecutionHistory calls (one
 * when the history since its running states is short); a failed history read leaves `progress` null
 * rather than failing the describe (docs/aws-behaviour.md §10.3).
 *
 * Responses: 200 with {@link ExecutionStatusBody} (plus `retry-after` while the execution runs);
 * 400 for a body that is not `{"executionArn": "<execution of one of these state machines>"}` — never sent to
 * AWS — or that AWS rejects as `InvalidArn`; 404 for `ExecutionDoesNotExist`; 429 with `retry-after`
 * when throttled; 500 with a generic message for anything else (details go to the log only).
 *
 * @throws ConfigError at construction when `stateMachineArns` is empty or holds something that is not a
 *   state machine ARN.
 */
export function createHandler(options: DescribeExecutionOptions): DescribeExecutionHandler {
  const { client, now = () => new Date(), logger = console, progressBudget = PROGRESS_HISTORY_BUDGET } = options;
  if (options.stateMachineArns.length === 0)
    throw new ConfigError('stateMachineArns must name at least one state machine');
  const stateMachines = options.stateMachineArns.map((arn) => requireStateMachineArn(arn, 'stateMachineArns'));

  return async (event, context) => {
    const read = readJsonObject(event, EXPECTED_BODY);
    if (!read.ok) return messageResponse(400, read.message);
    const arn = readOwnExecutionArn(read.value, stateMachines, EXPECTED_BODY);
    if (!arn.ok) return messageResponse(400, arn.message);
    const executionArn = arn.value;
    const ids = { ...requestIds(event, context), executionArn };

    let execution: DescribeExecutionOutput;
    try {
      execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (err) {
      return sfnErrorResponse(
        err,
        'DescribeExecution',
        {
          ExecutionDoesNotExist: () => messageResponse(404, `Execution not found: ${executionArn}`),
          // Unreachable after our own check unless AWS is stricter than our pattern; the AWS text is not echoed.
          InvalidArn: () => messageResponse(400, 'executionArn is not a valid execution ARN'),
        },
        logger,
        ids,
      );
    }
    const progress =
      execution.status === ExecutionStatus.RUNNING && progressBudget.calls > 0
        ? await readProgress(client, executionArn, progressBudget).catch((err: unknown) => {
            // Progress is extra: a throttled or refused history read must not hide the status.
            logger.warn('GetExecutionHistory for progress failed', ids, err);
            return null;
          })
        : null;
    return statusResponse(execution, executionArn, now(), logger, progress);
  };
}

/**
 * `Retry-After` while an execution runs: a quarter of the time it has been running, whole seconds,
 * clamped to [1, 20]. A client that follows it notices the end at most ~25 % later than it could have.
 * Unknown or future start dates (clock skew) give the minimum.
 */
export function runningRetryAfterSeconds(startDate: Date | undefined, now: Date): number {
  const { min, max, elapsedDivisor } = RUNNING_RETRY_AFTER;
  const elapsedSeconds = startDate ? (now.getTime() - startDate.getTime()) / 1000 : NaN;
  if (!Number.isFinite(elapsedSeconds)) return min;
  return Math.min(max, Math.max(min, Math.floor(elapsedSeconds / elapsedDivisor)));
}

function statusResponse(
  execution: DescribeExecutionOutput,
  requestedArn: string,
  now: Date,
  logger: Pick<Console, 'warn'>,
  progress: ExecutionProgress | null,
): ReturnType<typeof jsonResponse> {
  const body: ExecutionStatusBody = {
    executionArn: execution.executionArn ?? requestedArn,
    name: execution.name ?? null,
    status: execution.status ?? null,
    startDate: execution.startDate?.toISOString() ?? null,
    stopDate: execution.stopDate?.toISOString() ?? null,
    input: parseData(execution.input, 'input', requestedArn, logger),
    output: parseData(execution.output, 'output', requestedArn, logger),
    error: execution.error ?? null,
    cause: execution.cause ?? null,
    redriveCount: execution.redriveCount ?? null,
    redriveDate: execution.redriveDate?.toISOString() ?? null,
    redriveStatus: execution.redriveStatus ?? null,
    redriveStatusReason: execution.redriveStatusReason ?? null,
    progress,
  };
  const headers: Record<string, string> =
    execution.status !== undefined && RUNNING_STATUSES.has(execution.status)
      ? { 'retry-after': String(runningRetryAfterSeconds(execution.startDate, now)) }
      : {};
  return jsonResponse(200, body, headers);
}

/**
 * Step Functions only stores JSON, so a parse failure means an emulator or a bug; the raw string is
 * returned then rather than hiding the execution's status behind a 500.
 */
function parseData(
  data: string | undefined,
  field: 'input' | 'output',
  executionArn: string,
  logger: Pick<Console, 'warn'>,
): unknown {
  if (data === undefined) return null;
  try {
    return JSON.parse(data);
  } catch {
    logger.warn(`DescribeExecution returned ${field} that is not JSON; passing it through as a string`, {
      executionArn,
    });
    return data;
  }
}
