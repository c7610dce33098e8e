/**
 * The `arn:aws:states:::states:startExecution` integration (request-response), run against the
 * runtime's own Step Functions service as the calling state machine's role.
 *
 * What Step Functions does, and so what this does (docs/aws-behaviour.md §12.2):
 * - `Arguments`/`Parameters` are `{StateMachineArn, Name?, Input?}`; an object `Input` is sent as its
 *   JSON text;
 * - the call is authorized as the state machine's role (`states:StartExecution` on the target);
 * - success gives `{ExecutionArn, StartDate, SdkHttpMetadata, SdkResponseMetadata}`;
 * - a refusal fails the task with `StepFunctions.<Code>Exception` (the Java SDK's exception name, e.g.
 *   `StepFunctions.ExecutionAlreadyExistsException`), an IAM denial with
 *   `StepFunctions.AWSStepFunctionsException`, and the cause in the SDK's "(Service: ...)" form.
 */
import { randomUUID } from 'node:crypto';
import { SfnError } from './errors';
import { TaskFailure } from './lambda-task';
import type { Caller } from './service';

/** The integration's resource. */
export const STATES_START_EXECUTION = 'arn:aws:states:::states:startExecution';

/** The runtime's StartExecution, as the service exposes it. */
export type StartExecutionCall = (
  caller: Caller,
  request: { stateMachineArn: string; name?: string; input?: string },
) => Promise<{ executionArn: string; startDate: number }>;

/** What the task needs from the runtime. */
export interface StartExecutionTaskContext {
  /** The calling state machine's role: the principal of the call. */
  readonly roleArn: string;
  readonly region: string;
  /** Undefined when the runtime serves no Step Functions API to call (engine tests). */
  readonly startExecution?: StartExecutionCall;
}

/** The Step Functions error name a refused StartExecution surfaces as in the task. */
export function startExecutionErrorName(code: string): string {
  if (code === 'AccessDeniedException') return 'StepFunctions.AWSStepFunctionsException';
  return `StepFunctions.${code.endsWith('Exception') ? code : `${code}Exception`}`;
}

/**
 * Runs one StartExecution task.
 * @param record receives TaskScheduled/Started/Succeeded/Failed.
 * @throws TaskFailure with the error name and cause Step Functions would report.
 */
export async function runStartExecutionTask(
  ctx: StartExecutionTaskContext,
  input: unknown,
  timeoutSeconds: number | undefined,
  record: (event: { readonly type: string; readonly [details: string]: unknown }) => void,
): Promise<unknown> {
  const params = (input ?? {}) as Record<string, unknown>;
  const { StateMachineArn: machine, Name: name, Input: body } = params;
  // Step Functions validates the parameters before calling the API.
  if (typeof machine !== 'string')
    throw new TaskFailure('States.Runtime', 'The states:startExecution integration requires a StateMachineArn string');
  if (name !== undefined && typeof name !== 'string')
    throw new TaskFailure('States.Runtime', 'The states:startExecution integration requires Name to be a string');
  const resourceFields = { resourceType: 'states', resource: 'startExecution' };
  record({
    type: 'TaskScheduled',
    taskScheduledEventDetails: {
      ...resourceFields,
      region: ctx.region,
      parameters: JSON.stringify(input),
      ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
    },
  });
  record({ type: 'TaskStarted', taskStartedEventDetails: resourceFields });
  const fail = (error: string, cause: string): never => {
    record({ type: 'TaskFailed', taskFailedEventDetails: { ...resourceFields, error, cause } });
    throw new TaskFailure(error, cause);
  };
  if (!ctx.startExecution) return fail('States.Runtime', 'this runtime serves no Step Functions API to call');
  const requestId = randomUUID();
  let started;
  try {
    started = await ctx.startExecution(
      { kind: 'role', roleArn: ctx.roleArn },
      {
        stateMachineArn: machine,
        ...(name !== undefined ? { name } : {}),
        ...(body !== undefined ? { input: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      },
    );
  } catch (err) {
    if (!(err instanceof SfnError)) throw err;
    return fail(
      startExecutionErrorName(err.code),
      `${err.message} (Service: AWSStepFunctions; Status Code: ${err.status}; Error Code: ${err.code}; Request ID: ${requestId}; Proxy: null)`,
    );
  }
  const output = {
    ExecutionArn: started.executionArn,
    // The Java SDK's Date, as Step Functions writes it: epoch milliseconds.
    StartDate: Math.round(started.startDate * 1000),
    SdkHttpMetadata: {
      HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
  record({
    type: 'TaskSucceeded',
    taskSucceededEventDetails: {
      ...resourceFields,
      output: JSON.stringify(output),
      outputDetails: { truncated: false },
    },
  });
  return output;
}
