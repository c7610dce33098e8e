import { getEventListeners } from 'node:events';
import { ended } from '../../../local/scheduler/launcher';
import type { ExecutionStatusChange } from '../../../local/stepfunctions/events';
import type { StepFunctionsService } from '../../../local/stepfunctions/service';

// `ended` waits on a signal that lives as long as the scheduler: whichever way it settles, it must
// leave no abort listener and no status subscription behind, or they pile up one per firing.

const ARN = 'arn:aws:states:us-east-1:000000000000:execution:launcher:run';

/** A service whose describeExecution is `described`; counts live subscriptions. */
function fakeSfn(described: () => Promise<unknown>) {
  const listeners = new Set<(change: ExecutionStatusChange) => void>();
  const sfn = {
    onStatusChange: (listener: (change: ExecutionStatusChange) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    describeExecution: described,
  } as unknown as StepFunctionsService;
  return { sfn, listeners };
}

describe('ended', () => {
  test('an execution already over when described leaves no listener behind', async () => {
    const { sfn, listeners } = fakeSfn(async () => ({ status: 'SUCCEEDED', output: '{}' }));
    const stopping = new AbortController();
    await expect(ended(sfn, ARN, stopping.signal)).resolves.toMatchObject({ status: 'SUCCEEDED', output: '{}' });
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
    expect(listeners.size).toBe(0);
  });

  test('a describe that fails rejects and leaves no listener behind', async () => {
    const { sfn, listeners } = fakeSfn(async () => {
      throw new Error('gone');
    });
    const stopping = new AbortController();
    await expect(ended(sfn, ARN, stopping.signal)).rejects.toThrow('gone');
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
    expect(listeners.size).toBe(0);
  });

  test('an end reported by the status change, or the runtime stopping, leaves no listener behind', async () => {
    const { sfn, listeners } = fakeSfn(async () => ({ status: 'RUNNING' }));
    const stopping = new AbortController();
    const first = ended(sfn, ARN, stopping.signal);
    const second = ended(sfn, `${ARN}-2`, stopping.signal);
    await Promise.resolve();
    for (const listener of [...listeners])
      listener({ executionArn: ARN, status: 'FAILED', output: null, error: 'E', cause: 'c' } as ExecutionStatusChange);
    await expect(first).resolves.toMatchObject({ status: 'FAILED', error: 'E' });
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(1);
    stopping.abort();
    await expect(second).resolves.toMatchObject({ status: 'RUNNING' });
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
    expect(listeners.size).toBe(0);
  });
});
