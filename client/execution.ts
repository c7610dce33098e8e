/**
 * Execution-level operations built from the API client and the polling core: ARN and name checks,
 * idempotent start (always named, so it can be retried; re-attach by name), and waiting.
 */
import { randomUUID } from 'node:crypto';
import {
  executionArnOf,
  executionNameProblem,
  parseExecutionArn,
  parseStateMachineArn,
} from '../lambda-src/shared/step-functions-arn';
import { type ApiClient, ApiError, type ExecutionDescription } from './api';
import { type Observation, type PollOptions, type PollResult, pollExecution } from './poll';

/** Shape of an execution ARN, for messages. */
export const EXECUTION_ARN_FORMAT = 'arn:aws:states:<region>:<account>:execution:<state machine>:<execution name>';

const ARN_IN_TEXT = /arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:\s'"]{1,80}:[^:\s'"]{1,80}/;

export { executionNameProblem };

/** True when `value` looks like a Standard workflow execution ARN. */
export function isExecutionArn(value: string): boolean {
  return parseExecutionArn(value) !== undefined;
}

/**
 * The ARN an execution named `name` of `stateMachineArn` has:
 * `…:stateMachine:<machine>` → `…:execution:<machine>:<name>`.
 * @throws TypeError when `stateMachineArn` is not a state machine ARN.
 */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const machine = parseStateMachineArn(stateMachineArn);
  if (!machine) {
    throw new TypeError(
      `stateMachineArn must look like arn:aws:states:<region>:<account>:stateMachine:<name>; got ${JSON.stringify(stateMachineArn)}`,
    );
  }
  return executionArnOf(machine, name);
}

/**
 * Turns one describe call into an {@link Observation}: 404 → not-found, retryable API errors →
 * retryable, other errors are thrown (fatal). The observation's `ageMs` is `wallClock()` minus the
 * execution's `startDate`, so a wait on an execution that started earlier counts the time it has
 * already run (server and client clocks are assumed to agree; see docs/client.md).
 *
 * @param wallClock epoch milliseconds, comparable with the server's dates. Default `Date.now`.
 */
export function observeExecution(
  client: ApiClient,
  executionArn: string,
  wallClock: () => number = Date.now,
): (signal: AbortSignal) => Promise<Observation<ExecutionDescription>> {
  return async (signal) => {
    try {
      const { description, retryAfterMs } = await client.describeExecution(executionArn, signal);
      const startedAt = description.startDate === null ? NaN : Date.parse(description.startDate);
      const ageMs = Number.isFinite(startedAt) ? wallClock() - startedAt : undefined;
      // A 200 without a status is a malformed answer: ask again rather than guess.
      if (description.status === null)
        return { kind: 'retryable', message: 'describe-execution answered without a status', retryAfterMs };
      return { kind: 'status', status: description.status, detail: description, retryAfterMs, ageMs };
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return { kind: 'not-found', message: err.message };
      if (err instanceof ApiError && err.retryable) {
        const status = err.status === undefined ? '' : `HTTP ${err.status}: `;
        return { kind: 'retryable', message: `${status}${err.message}`, retryAfterMs: err.retryAfterMs };
      }
      throw err;
    }
  };
}

/** Options of {@link waitForExecution}: everything of the polling core except `observe`. */
export interface WaitOptions extends Omit<PollOptions<ExecutionDescription>, 'observe'> {
  /** Epoch clock compared with the execution's `startDate` (see {@link observeExecution}). Default `Date.now`. */
  readonly wallClock?: () => number;
}

/**
 * Polls `executionArn` until it ends; see {@link pollExecution} for outcomes. Without
 * `startedAtMs`, the schedule counts from the execution's `startDate` as the first describe reports it.
 */
export function waitForExecution(
  client: ApiClient,
  executionArn: string,
  options: WaitOptions,
): Promise<PollResult<ExecutionDescription>> {
  const { wallClock, ...pollOptions } = options;
  return pollExecution({ ...pollOptions, observe: observeExecution(client, executionArn, wallClock) });
}

/**
 * When a just-started execution began, on the `now` clock: its `startDate` (epoch seconds, server
 * clock) moved onto that clock, but kept between when the start request was sent and when its answer
 * arrived — it cannot have begun outside that window, whatever the skew between the two clocks.
 * Without a usable `startDate`, the answer's arrival (the latest it can have begun).
 *
 * @param startDateSeconds `startDate` of the start response.
 * @param sentAtMs `now` before the first attempt of the start.
 * @param arrivedAtMs `now` when the answer arrived.
 * @param wallAtArrivalMs epoch milliseconds when the answer arrived.
 */
export function executionStartOnClock(
  startDateSeconds: number | undefined,
  sentAtMs: number,
  arrivedAtMs: number,
  wallAtArrivalMs: number,
): number {
  if (startDateSeconds === undefined || !Number.isFinite(startDateSeconds)) return arrivedAtMs;
  const moved = arrivedAtMs - (wallAtArrivalMs - startDateSeconds * 1000);
  return Math.min(arrivedAtMs, Math.max(sentAtMs, moved));
}

/** When a start was sent and answered; see {@link waitAfterStart}. */
export interface StartTimes {
  /** `now` (the polling clock) before the first attempt. */
  readonly sentAtMs: number;
  /** `now` when the answer arrived. */
  readonly arrivedAtMs: number;
  /** Epoch milliseconds when the answer arrived. */
  readonly wallAtArrivalMs: number;
}

/**
 * How to wait for what {@link startOrAttach} returned, as `run` does. An execution this client has
 * just started is first looked at after the minimum interval (a look at once could only say
 * RUNNING) and the schedule counts from its start. An existing one is looked at at once, and the
 * schedule counts from the startDate that look reports.
 */
export function waitAfterStart(
  started: StartOrAttachResult,
  times: StartTimes,
  minIntervalMs: number,
): Pick<WaitOptions, 'startedAtMs' | 'firstPollAfterMs'> {
  if (started.attached) return {};
  return {
    startedAtMs: executionStartOnClock(started.startDate, times.sentAtMs, times.arrivedAtMs, times.wallAtArrivalMs),
    firstPollAfterMs: minIntervalMs,
  };
}

/** Result of {@link startOrAttach}. */
export interface StartOrAttachResult {
  readonly executionArn: string;
  /** The execution's name: the one asked for, or the one generated. */
  readonly name: string;
  /** True when the name was generated here (none was asked for). */
  readonly nameGenerated: boolean;
  /**
   * True when the start answered ExecutionAlreadyExists and the existing execution of that name is
   * used instead. With a generated name that can only be this start's own earlier attempt.
   */
  readonly attached: boolean;
  /** Epoch seconds, when the start response carried it. */
  readonly startDate?: number;
}

/** Request of {@link startOrAttach}. */
export interface StartOrAttachRequest {
  readonly input: unknown;
  /** Execution name; generated with `newName` when absent. */
  readonly name?: string;
  /** Lets the ARN of an existing execution be derived from its name. */
  readonly stateMachineArn?: string;
  /** Name generator. Default `crypto.randomUUID`. */
  readonly newName?: () => string;
}

/**
 * Starts an execution that always has a name (a random UUID unless one is given), so the start
 * never depends on what API Gateway sends for an absent `$request.body.name` (undocumented) and
 * `start` may retry a request whose answer was lost: Step Functions returns the same execution for
 * the same name and input while it runs. When the start answers ExecutionAlreadyExists (the name
 * was used before, or a retried start's first attempt created it and it has ended since), the
 * existing execution is used instead (so `run --name X` after a crash re-attaches).
 *
 * The existing ARN is derived from `stateMachineArn` (`:stateMachine:` → `:execution:` + `:<name>`),
 * else taken from the error message when it quotes one.
 *
 * @param start one start call, typically with retries; it receives the same request every time.
 * @throws ApiError from the start, or with code ExecutionAlreadyExists when the ARN cannot be derived.
 */
export async function startOrAttach(
  start: (request: { input: unknown; name: string }) => Promise<{ executionArn: string; startDate: number }>,
  request: StartOrAttachRequest,
): Promise<StartOrAttachResult> {
  const nameGenerated = request.name === undefined;
  const name = request.name ?? (request.newName ?? randomUUID)();
  try {
    const started = await start({ input: request.input, name });
    return { executionArn: started.executionArn, name, nameGenerated, attached: false, startDate: started.startDate };
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'ExecutionAlreadyExists') throw err;
    const fromMachine = request.stateMachineArn ? executionArnFor(request.stateMachineArn, name) : undefined;
    // A quoted ARN counts only when it names this execution.
    const quoted = ARN_IN_TEXT.exec(err.message)?.[0];
    const executionArn = fromMachine ?? (quoted?.endsWith(`:${name}`) ? quoted : undefined);
    if (executionArn === undefined) {
      throw new ApiError(
        `${err.message} — to attach to execution ${name}, give the state machine ARN (--state-machine-arn, or an outputs file with state_machine_arn)`,
        { status: err.status, code: err.code, cause: err },
      );
    }
    return { executionArn, name, nameGenerated, attached: true };
  }
}
