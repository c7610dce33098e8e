/**
 * Execution-level operations built from the API client and the polling core: ARN and name checks,
 * idempotent start (re-attach by name), and waiting.
 */
import { ApiError, type ApiClient, type ExecutionDescription } from './api';
import { pollExecution, type Observation, type PollOptions, type PollResult } from './poll';

/** Shape of an execution ARN, for messages. */
export const EXECUTION_ARN_FORMAT = 'arn:aws:states:<region>:<account>:execution:<state machine>:<execution name>';

const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:\s]{1,80}:[^:\s]{1,80}$/;
const STATE_MACHINE_ARN = /^(arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}):stateMachine:([^:\s]{1,80})$/;
const ARN_IN_TEXT = /arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:\s'"]{1,80}:[^:\s'"]{1,80}/;
// Step Functions names: 1-80 characters without whitespace, brackets, wildcards, these punctuation
// marks or control characters (StartExecution API reference, `name`).
const FORBIDDEN_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/** True when `value` looks like a Standard workflow execution ARN. */
export function isExecutionArn(value: string): boolean {
  return EXECUTION_ARN.test(value);
}

/**
 * Why `name` cannot be an execution name, or undefined when it can.
 * Rules from the Step Functions StartExecution reference.
 */
export function executionNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 80) return `must be 1-80 characters; got ${name.length}`;
  const bad = FORBIDDEN_NAME.exec(name);
  if (bad) return `must not contain ${JSON.stringify(bad[0])} (no whitespace, brackets, wildcards or < > { } [ ] ? * " # % \\ ^ | ~ \` $ & , ; : /)`;
  return undefined;
}

/**
 * The ARN an execution named `name` of `stateMachineArn` has:
 * `…:stateMachine:<machine>` → `…:execution:<machine>:<name>`.
 * @throws TypeError when `stateMachineArn` is not a state machine ARN.
 */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const match = STATE_MACHINE_ARN.exec(stateMachineArn);
  if (!match) {
    throw new TypeError(
      `stateMachineArn must look like arn:aws:states:<region>:<account>:stateMachine:<name>; got ${JSON.stringify(stateMachineArn)}`
    );
  }
  return `${match[1]}:execution:${match[2]}:${name}`;
}

/**
 * Turns one describe call into an {@link Observation}: 404 → not-found, retryable API errors →
 * retryable, other errors are thrown (fatal).
 */
export function observeExecution(
  client: ApiClient,
  executionArn: string
): (signal: AbortSignal) => Promise<Observation<ExecutionDescription>> {
  return async (signal) => {
    try {
      const { description, retryAfterMs } = await client.describeExecution(executionArn, signal);
      return { kind: 'status', status: description.status, detail: description, retryAfterMs };
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
export type WaitOptions = Omit<PollOptions<ExecutionDescription>, 'observe'>;

/** Polls `executionArn` until it ends; see {@link pollExecution} for outcomes. */
export function waitForExecution(
  client: ApiClient,
  executionArn: string,
  options: WaitOptions
): Promise<PollResult<ExecutionDescription>> {
  return pollExecution({ ...options, observe: observeExecution(client, executionArn) });
}

/** Result of {@link startOrAttach}. */
export interface StartOrAttachResult {
  readonly executionArn: string;
  /** True when an execution with this name already existed and no new one was started. */
  readonly attached: boolean;
  /** Epoch seconds, when the start response carried it. */
  readonly startDate?: number;
}

/**
 * Starts an execution; with a `name`, an existing execution of that name is re-used instead of
 * failing with ExecutionAlreadyExists (so `run --name X` after a crash re-attaches).
 *
 * Step Functions itself returns the existing execution for an identical, still-running start; it
 * answers ExecutionAlreadyExists when the input differs or the execution has ended. The existing
 * ARN is derived from `stateMachineArn` (`:stateMachine:` → `:execution:` + `:<name>`), else taken
 * from the error message when it quotes one.
 *
 * @throws ApiError from the start, or with code ExecutionAlreadyExists when the ARN cannot be derived.
 */
export async function startOrAttach(
  start: (request: { input: unknown; name?: string }) => Promise<{ executionArn: string; startDate: number }>,
  request: { input: unknown; name?: string; stateMachineArn?: string }
): Promise<StartOrAttachResult> {
  try {
    const started = await start({ input: request.input, name: request.name });
    return { executionArn: started.executionArn, attached: false, startDate: started.startDate };
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'ExecutionAlreadyExists' || request.name === undefined) throw err;
    const fromMachine = request.stateMachineArn ? executionArnFor(request.stateMachineArn, request.name) : undefined;
    const executionArn = fromMachine ?? ARN_IN_TEXT.exec(err.message)?.[0];
    if (executionArn === undefined) {
      throw new ApiError(
        `${err.message} — to attach to it, give the state machine ARN (--state-machine-arn, or an outputs file with state_machine_arn)`,
        { status: err.status, code: err.code, cause: err }
      );
    }
    return { executionArn, attached: true };
  }
}
