/**
 * How the engine runs a Task state: the resources the local runtime emulates (Lambda invoke,
 * request-response and `.waitForTaskToken`; Step Functions' own StartExecution, request-response),
 * their history events, TimeoutSeconds and HeartbeatSeconds.
 */
import type { TaskTokens } from './callbacks';
import { linkedAbort, StatesError } from './interpreter/errors';
import type { Runtime, TaskCall } from './interpreter/types';
import { type LambdaTaskContext, type LambdaTaskKind, runLambdaTask, TaskFailure } from './lambda-task';
import { runStartExecutionTask, STATES_START_EXECUTION, type StartExecutionTaskContext } from './start-execution-task';

/** What a Task state may call. */
export type TaskContext = LambdaTaskContext & StartExecutionTaskContext;

// Why a task's own controller aborts: the task is over. A shared reason spares the DOMException (and
// its stack) that `abort()` without one creates.
const TASK_ENDED = new Error('the task ended');

/** The Lambda invoke integration's resource. */
export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
/** The suffix of a callback resource. */
export const WAIT_FOR_TOKEN = '.waitForTaskToken';

/**
 * Runs a Task state's call: a Lambda invoke (request-response, or `.waitForTaskToken`, which then
 * waits for SendTaskSuccess/SendTaskFailure and enforces HeartbeatSeconds), within its
 * TimeoutSeconds (`States.Timeout`).
 * @throws StatesError as the task failed.
 */
export async function runTaskCall(ctx: TaskContext, tokens: TaskTokens, call: TaskCall, rt: Runtime): Promise<unknown> {
  const waits = call.resource.endsWith(WAIT_FOR_TOKEN);
  const base = waits ? call.resource.slice(0, -WAIT_FOR_TOKEN.length) : call.resource;
  const startsExecution = base === STATES_START_EXECUTION;
  const kind: LambdaTaskKind = base === LAMBDA_INVOKE || startsExecution ? 'integration' : 'direct';
  // What a Task* event names as its resource (a function-ARN Resource records LambdaFunction* events).
  const resourceFields = startsExecution
    ? { resourceType: 'states', resource: 'startExecution' }
    : { resourceType: 'lambda', resource: 'invoke' };
  let open = true;
  let submitted = false;
  // Ends the token's wait when the task ends otherwise (TimeoutSeconds): the token is spent then. Only
  // a callback task waits on it: a controller linked per task was a share of every execution's cost.
  const task = waits ? linkedAbort(call.signal) : undefined;
  // After a timeout, what the task still reports is dropped, as AWS ignores a late result.
  const record = (event: { readonly type: string; readonly [k: string]: unknown }): void => {
    if (!open) return;
    const { type, ...details } = event;
    if (waits && !submitted && type === 'TaskSucceeded') {
      rt.record('TaskSubmitted', { taskSubmittedEventDetails: details['taskSucceededEventDetails'] });
    } else rt.record(type, details);
  };
  const work = (async () => {
    const invoked = await (startsExecution
      ? runStartExecutionTask(ctx, call.input, call.timeoutSeconds, record)
      : runLambdaTask(ctx, kind, base, call.input, call.timeoutSeconds, record)
    ).catch((err: unknown) => {
      throw err instanceof TaskFailure ? new StatesError(err.name, err.message) : err;
    });
    if (!waits) return invoked;
    submitted = true;
    const { output } = await tokens
      .wait(call.taskToken as string, call.heartbeatSeconds, task!.controller.signal)
      .catch((err: unknown) => {
        if (err instanceof StatesError) recordTimeoutOrFailure(record, kind, resourceFields, err);
        throw err;
      });
    record({
      type: 'TaskSucceeded',
      taskSucceededEventDetails: {
        resourceType: 'lambda',
        resource: `invoke${WAIT_FOR_TOKEN}`,
        output,
        outputDetails: { truncated: false },
      },
    });
    return JSON.parse(output);
  })();
  const { timeoutSeconds } = call;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    if (timeoutSeconds === undefined) return;
    timer = setTimeout(() => {
      const err = new StatesError('States.Timeout', undefined);
      recordTimeoutOrFailure(record, kind, resourceFields, err);
      open = false;
      reject(err);
    }, timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
    open = false;
    if (task) {
      task.controller.abort(TASK_ENDED);
      task.unlink();
    }
  }
}

function recordTimeoutOrFailure(
  record: (event: { readonly type: string; readonly [k: string]: unknown }) => void,
  kind: LambdaTaskKind,
  resourceFields: { readonly resourceType: string; readonly resource: string },
  err: StatesError,
): void {
  const timedOut = err.error === 'States.Timeout' || err.error === 'States.HeartbeatTimeout';
  const prefix = kind === 'integration' ? 'task' : 'lambdaFunction';
  const suffix = timedOut ? 'TimedOut' : 'Failed';
  const resource = kind === 'integration' ? resourceFields : {};
  record({
    type: `${kind === 'integration' ? 'Task' : 'LambdaFunction'}${suffix}`,
    [`${prefix}${suffix}EventDetails`]: {
      ...resource,
      ...(err.error !== undefined ? { error: err.error } : {}),
      ...(err.cause !== undefined ? { cause: err.cause } : {}),
    },
  });
}
