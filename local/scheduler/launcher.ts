/**
 * What the local scheduler reads of a schedule's request and of the launcher it starts: the
 * universal target's StartExecution request, the launcher's input (written by `launcherInput` in
 * stacks/constructs/job-schedules.ts), and how the launcher's execution ended.
 */
import type { ExecutionStatusChange } from '../stepfunctions/events';
import type { StepFunctionsService } from '../stepfunctions/service';

/** The universal target's StartExecution request. */
export type StartRequest = { StateMachineArn?: string; Name?: string; Input?: string };

/** The universal target's StartExecution request, or undefined when the text is not an object. */
export function requestOf(text: string): StartRequest | undefined {
  const parsed = objectOf(text);
  return parsed as StartRequest | undefined;
}

function objectOf(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The launcher's input (`launcherInput` in stacks/constructs/job-schedules.ts) when the request starts the launcher. */
export function launcherInputOf(request: StartRequest | undefined): { stateMachineArn: string } | undefined {
  const input = objectOf(request?.Input);
  return typeof input?.['stateMachineArn'] === 'string' && typeof input['scheduledTime'] === 'string'
    ? { stateMachineArn: input['stateMachineArn'] }
    : undefined;
}

/** The job a schedule starts: through the launcher, or directly. */
export function scheduledMachineOf(request: StartRequest | undefined): string | undefined {
  return launcherInputOf(request)?.stateMachineArn ?? request?.StateMachineArn;
}

/** How an execution ended. */
export type Ended = Pick<ExecutionStatusChange, 'executionArn' | 'status' | 'output' | 'error' | 'cause'>;

/**
 * Resolves when the execution has ended (at once if it has), or with status RUNNING when `signal`
 * aborts first (the runtime is stopping: a launcher retrying a denied start must not hold it up).
 */
export function ended(sfn: StepFunctionsService, executionArn: string, signal: AbortSignal): Promise<Ended> {
  return new Promise((resolve, reject) => {
    // Every way out drops both the subscription and the abort listener: the signal lives as long
    // as the scheduler, so a listener left behind per firing would pile up.
    const finish = (settle: () => void) => {
      unsubscribe();
      signal.removeEventListener('abort', stop);
      settle();
    };
    const stop = () =>
      finish(() => resolve({ executionArn, status: 'RUNNING', output: null, error: null, cause: null }));
    const unsubscribe = sfn.onStatusChange((change) => {
      if (change.executionArn !== executionArn || change.status === 'RUNNING') return;
      finish(() => resolve(change));
    });
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    sfn
      .describeExecution({ kind: 'developer' }, { executionArn })
      .then((d) => {
        const now = d as Partial<Ended>;
        if (now.status === 'RUNNING') return;
        finish(() =>
          resolve({
            executionArn,
            status: now.status!,
            output: now.output ?? null,
            error: now.error ?? null,
            cause: now.cause ?? null,
          }),
        );
      })
      .catch((err: unknown) => finish(() => reject(err as Error)));
  });
}
