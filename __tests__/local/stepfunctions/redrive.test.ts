/**
 * RedriveExecution in the local runtime: an unsuccessful execution resumes from the state that did
 * not finish, under the same ARN, with its history continued; what AWS refuses is refused with
 * ExecutionNotRedrivable and changes nothing; Map states write the events AWS writes; all of it
 * survives a restart.
 */
import { rmSync } from 'node:fs';
import type { InvokeResult } from '../../../local/lambda/types';
import { REDRIVE_WINDOW_MS, redrivability, resumePoint } from '../../../local/stepfunctions/redrive';
import type { ExecutionRecord, HistoryEvent } from '../../../local/stepfunctions/store';
import { DEV, FN, hang, MACHINE, ok, releaseHungInvocations, setup, untilClosed } from './service-fixture';

/** Two Lambda steps: the second can fail; the first must not run again on a redrive. */
const TWO_STEPS = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN, 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Next: 'Cook',
    },
    Cook: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN, 'Payload.$': '$' },
      OutputPath: '$.Payload',
      End: true,
    },
  },
};

/** A Map over `$.items` whose iterations call the function. */
const MAP = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Item',
        States: {
          Item: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: FN, 'Payload.$': '$' },
            OutputPath: '$.Payload',
            End: true,
          },
        },
      },
      End: true,
    },
  },
};

type Step = { step?: string; item?: number };

const burnt: InvokeResult = {
  ...ok({ errorType: 'Burnt', errorMessage: 'too hot' }),
  functionError: 'Unhandled',
};

/** The function: fails `Cook` (or item 1) while `broken.now` is true. */
function worker(broken: { now: boolean }) {
  return (request: { payload: unknown }) => {
    const payload = request.payload as Step;
    if (broken.now && (payload.step === 'cook' || payload.item === 1)) {
      return burnt;
    }
    if (payload.step === 'prepare') return ok({ step: 'cook' });
    return ok({ done: payload.step ?? payload.item });
  };
}

const types = (events: unknown) => (events as Array<{ type: string }>).map((e) => e.type);

describe('RedriveExecution (local runtime)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    releaseHungInvocations();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('resumes a FAILED execution at the failed state, same ARN, history continued, redriveCount 1', async () => {
    // Prepare: Cook fails once.
    const broken = { now: true };
    const t = await setup(worker(broken), { definition: TWO_STEPS });
    dirs.push(t.dir);
    const changes: Array<{ status: string; redriveCount: number }> = [];
    t.service.onStatusChange((c) => changes.push({ status: c.status, redriveCount: c.redriveCount }));
    const { executionArn } = await t.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'r-1',
      input: '{"step":"prepare"}',
    });
    const failed = await untilClosed(t.service, executionArn);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Burnt', redriveCount: 0, redriveStatus: 'REDRIVABLE' });
    const callsBefore = t.lambda.calls.length;
    broken.now = false;

    // Act
    const { redriveDate } = await t.service.redriveExecution(DEV, { executionArn });
    const running = await t.service.describeExecution(DEV, { executionArn });
    const done = await untilClosed(t.service, executionArn);
    const history = (await t.service.getExecutionHistory(DEV, { executionArn }))['events'] as HistoryEvent[];

    // Assess: only Cook ran again, on its recorded input.
    expect(running).toMatchObject({ status: 'RUNNING', redriveCount: 1, redriveDate });
    expect(running).not.toHaveProperty('stopDate');
    expect(done).toMatchObject({
      executionArn,
      status: 'SUCCEEDED',
      output: '{"done":"cook"}',
      redriveCount: 1,
      redriveDate,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    expect(done).not.toHaveProperty('error');
    expect(t.lambda.calls.slice(callsBefore).map((c) => c.payload)).toEqual([{ step: 'cook' }]);
    const kinds = types(history);
    const redriven = kinds.indexOf('ExecutionRedriven');
    expect(kinds.slice(redriven - 1, redriven + 2)).toEqual([
      'ExecutionFailed',
      'ExecutionRedriven',
      'TaskStateEntered',
    ]);
    expect(history[redriven]).toMatchObject({ executionRedrivenEventDetails: { redriveCount: 1 } });
    expect(history[redriven + 1]).toMatchObject({
      stateEnteredEventDetails: { name: 'Cook', input: '{"step":"cook"}' },
    });
    expect(kinds.at(-1)).toBe('ExecutionSucceeded');
    expect(history.map((e) => e.id)).toEqual(history.map((_e, i) => i + 1));
    expect(history.map((e) => e.previousEventId)).toEqual(history.map((_e, i) => i));
    expect(changes).toEqual([
      { status: 'RUNNING', redriveCount: 0 },
      { status: 'FAILED', redriveCount: 0 },
      { status: 'RUNNING', redriveCount: 1 },
      { status: 'SUCCEEDED', redriveCount: 1 },
    ]);
    const listed = await t.service.listExecutions(DEV, { stateMachineArn: MACHINE, redriveFilter: 'REDRIVEN' });
    expect(listed['executions']).toEqual([expect.objectContaining({ executionArn, redriveCount: 1 })]);
    expect(
      (await t.service.listExecutions(DEV, { stateMachineArn: MACHINE, redriveFilter: 'NOT_REDRIVEN' }))['executions'],
    ).toEqual([]);
  });

  it('redrives a stopped (ABORTED) execution from the state that was running', async () => {
    // Prepare: Cook hangs until stopped.
    const hanging = { now: true };
    const t = await setup(
      (request) => {
        const payload = request.payload as Step;
        if (payload.step === 'prepare') return ok({ step: 'cook' });
        return hanging.now ? hang() : ok({ done: 'cook' });
      },
      { definition: TWO_STEPS },
    );
    dirs.push(t.dir);
    const { executionArn } = await t.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'stopped-1',
      input: '{"step":"prepare"}',
    });
    while (t.lambda.calls.length < 2) await new Promise((r) => setTimeout(r, 5));
    await t.service.stopExecution(DEV, { executionArn });
    hanging.now = false;

    // Act
    await t.service.redriveExecution(DEV, { executionArn });
    const done = await untilClosed(t.service, executionArn);

    // Assess
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(t.lambda.calls.map((c) => c.payload)).toEqual([{ step: 'prepare' }, { step: 'cook' }, { step: 'cook' }]);
  });

  it('refuses RUNNING and SUCCEEDED executions and bad requests, and changes nothing', async () => {
    // Prepare
    const t = await setup(
      (request) => ((request.payload as { hang?: boolean }).hang ? hang() : ok({ message: 'boiled' })),
      {},
    );
    dirs.push(t.dir);
    const running = await t.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'run',
      input: '{"hang":true}',
    });
    const succeeded = await t.service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'ok', input: '{}' });
    await untilClosed(t.service, succeeded.executionArn);
    const before = await t.service.getExecutionHistory(DEV, { executionArn: succeeded.executionArn });

    // Act / Assess
    await expect(t.service.redriveExecution(DEV, running)).rejects.toMatchObject({
      code: 'ExecutionNotRedrivable',
      message: expect.stringContaining('Execution is RUNNING and cannot be redriven'),
    });
    await expect(t.service.redriveExecution(DEV, { executionArn: succeeded.executionArn })).rejects.toMatchObject({
      code: 'ExecutionNotRedrivable',
      message: expect.stringContaining('Execution is SUCCEEDED and cannot be redriven'),
    });
    await expect(
      t.service.redriveExecution(DEV, { executionArn: `${succeeded.executionArn}-x` }),
    ).rejects.toMatchObject({ code: 'ExecutionDoesNotExist' });
    await expect(t.service.redriveExecution(DEV, { executionArn: MACHINE })).rejects.toMatchObject({
      code: 'InvalidArn',
    });
    await expect(t.service.redriveExecution(DEV, {})).rejects.toMatchObject({ code: 'ValidationException' });
    await expect(
      t.service.redriveExecution(DEV, { executionArn: succeeded.executionArn, clientToken: 'x'.repeat(65) }),
    ).rejects.toMatchObject({ code: 'ValidationException' });
    await expect(
      t.service.listExecutions(DEV, { stateMachineArn: MACHINE, redriveFilter: 'SOMETIMES' }),
    ).rejects.toMatchObject({ code: 'ValidationException' });
    expect(await t.service.getExecutionHistory(DEV, { executionArn: succeeded.executionArn })).toEqual(before);
    expect(await t.service.describeExecution(DEV, running)).toMatchObject({
      status: 'RUNNING',
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is RUNNING and cannot be redriven',
    });
  });

  it('applies the same clientToken once (a retried call does not redrive twice)', async () => {
    // Prepare
    const broken = { now: true };
    const t = await setup(worker(broken), { definition: TWO_STEPS });
    dirs.push(t.dir);
    const { executionArn } = await t.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'token',
      input: '{"step":"prepare"}',
    });
    await untilClosed(t.service, executionArn);
    broken.now = false;

    // Act
    const first = await t.service.redriveExecution(DEV, { executionArn, clientToken: 'same' });
    const again = await t.service.redriveExecution(DEV, { executionArn, clientToken: 'same' });
    await untilClosed(t.service, executionArn);

    // Assess
    expect(again).toEqual(first);
    expect(await t.service.describeExecution(DEV, { executionArn })).toMatchObject({ redriveCount: 1 });
  });

  it('writes the Map events AWS writes, and reruns a failed Map state whole', async () => {
    // Prepare: item 1 fails once.
    const broken = { now: true };
    const t = await setup(worker(broken), { definition: MAP });
    dirs.push(t.dir);
    const { executionArn } = await t.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'map-1',
      input: JSON.stringify({ items: [{ item: 0 }, { item: 1 }, { item: 2 }] }),
    });
    await untilClosed(t.service, executionArn);
    const failedHistory = (await t.service.getExecutionHistory(DEV, { executionArn }))['events'] as HistoryEvent[];
    broken.now = false;

    // Act
    await t.service.redriveExecution(DEV, { executionArn });
    const done = await untilClosed(t.service, executionArn);
    const history = (await t.service.getExecutionHistory(DEV, { executionArn }))['events'] as HistoryEvent[];

    // Assess
    expect(types(failedHistory).slice(0, 4)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
    ]);
    expect(failedHistory[2]).toMatchObject({ mapStateStartedEventDetails: { length: 3 } });
    expect(failedHistory).toContainEqual(
      expect.objectContaining({
        type: 'MapIterationFailed',
        mapIterationFailedEventDetails: { name: 'Each', index: 1 },
      }),
    );
    expect(types(failedHistory)).toContain('MapStateFailed');
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '[{"done":0},{"done":1},{"done":2}]', redriveCount: 1 });
    const after = history.slice(types(history).indexOf('ExecutionRedriven'));
    expect(after.filter((e) => e.type === 'MapIterationSucceeded')).toHaveLength(3);
    expect(types(after).slice(-3)).toEqual(['MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);
  });

  it('keeps a redriven execution, its count and its whole history across a restart', async () => {
    // Prepare
    const broken = { now: true };
    const first = await setup(worker(broken), { definition: TWO_STEPS });
    dirs.push(first.dir);
    const { executionArn } = await first.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'persist',
      input: '{"step":"prepare"}',
    });
    await untilClosed(first.service, executionArn);
    broken.now = false;
    await first.service.redriveExecution(DEV, { executionArn });
    await untilClosed(first.service, executionArn);
    const historyBefore = await first.service.getExecutionHistory(DEV, { executionArn });
    first.store.dispose();

    // Act
    const second = await setup(worker(broken), { definition: TWO_STEPS, dir: first.dir });

    // Assess
    expect(await second.service.describeExecution(DEV, { executionArn })).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
    });
    expect(await second.service.getExecutionHistory(DEV, { executionArn })).toEqual(historyBefore);
  });

  it('redrives an execution cut off by a restart from its start (its events after the start were not kept)', async () => {
    // Prepare: Cook hangs in the first "process", which dies (its database connection goes).
    const first = await setup(
      (request) => ((request.payload as Step).step === 'prepare' ? ok({ step: 'cook' }) : hang()),
      { definition: TWO_STEPS },
    );
    dirs.push(first.dir);
    const { executionArn } = await first.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'cut',
      input: '{"step":"prepare"}',
    });
    while (first.lambda.calls.length < 2) await new Promise((r) => setTimeout(r, 5));
    first.store.dispose();
    const second = await setup(worker({ now: false }), { definition: TWO_STEPS, dir: first.dir });

    // Act
    const cut = await second.service.describeExecution(DEV, { executionArn });
    await second.service.redriveExecution(DEV, { executionArn });
    const done = await untilClosed(second.service, executionArn);

    // Assess
    expect(cut).toMatchObject({ status: 'ABORTED', redriveStatus: 'REDRIVABLE' });
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"done":"cook"}', redriveCount: 1 });
    expect(second.lambda.calls.map((c) => c.payload)).toEqual([{ step: 'prepare' }, { step: 'cook' }]);
  });
});

describe('redrive rules', () => {
  const closed = (status: ExecutionRecord['status'], stopDate: number): ExecutionRecord => ({
    executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:x`,
    stateMachineArn: MACHINE,
    name: 'x',
    status,
    startDate: stopDate - 1000,
    stopDate,
    input: '{}',
  });

  it('allows FAILED, TIMED_OUT and ABORTED within 14 days of the stop, and nothing else', () => {
    // Prepare
    const now = Date.now();

    // Act / Assess
    for (const status of ['FAILED', 'TIMED_OUT', 'ABORTED'] as const) {
      // Exactly 14 days after the stop still counts, as the redrive route has it; one millisecond more does not
      expect(redrivability(closed(status, now - REDRIVE_WINDOW_MS), now, 10)).toEqual({
        redriveStatus: 'REDRIVABLE',
      });
      expect(redrivability(closed(status, now - REDRIVE_WINDOW_MS - 1), now, 10)).toEqual({
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution redrivable period exceeded',
      });
    }
    expect(redrivability(closed('FAILED', now), now, 24_999)).toMatchObject({
      redriveStatusReason: 'Execution history event limit exceeded',
    });
  });

  it('resumes at the last top-level state entered and not exited, or at the start', () => {
    // Prepare
    const event = (type: string, name: string, input = '{}'): HistoryEvent =>
      ({
        id: 0,
        previousEventId: 0,
        timestamp: 0,
        type,
        [type.endsWith('Entered') ? 'stateEnteredEventDetails' : 'stateExitedEventDetails']: { name, input },
      }) as HistoryEvent;
    const started = { id: 1, previousEventId: 0, timestamp: 0, type: 'ExecutionStarted' } as HistoryEvent;

    // Act / Assess
    expect(resumePoint([started], ['A', 'B'])).toEqual({ state: undefined });
    expect(
      resumePoint(
        [started, event('TaskStateEntered', 'A'), event('TaskStateExited', 'A'), event('TaskStateEntered', 'B', '"b"')],
        ['A', 'B'],
      ),
    ).toEqual({ state: 'B', input: '"b"' });
    // A nested state (inside a Map) is not a place to resume: its top-level Map is.
    expect(
      resumePoint([started, event('MapStateEntered', 'M', '"m"'), event('TaskStateEntered', 'Inner')], ['M']),
    ).toEqual({ state: 'M', input: '"m"' });
  });
});
