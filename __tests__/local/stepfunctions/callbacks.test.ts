/**
 * `.waitForTaskToken` with SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat on the service with
 * a scripted Lambda, and the approval example job (examples/approval-job/).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { renderAslFile } from '../../../stacks/asl';
import { create, withOperations } from './operations-fixture';
import { DEV, FN, releaseHungInvocations, untilClosed } from './service-fixture';

describe('task-token callbacks on the local Step Functions API', () => {
  const dirs: string[] = [];
  afterAll(() => {
    releaseHungInvocations();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const waiting = {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: FN, Payload: { 'token.$': '$$.Task.Token' } },
        HeartbeatSeconds: 1,
        End: true,
      },
    },
  };
  it('waits for SendTaskSuccess with the token the function got, and records TaskSubmitted then TaskSucceeded', async () => {
    const payloads: unknown[] = [];
    const { service, call } = await withOperations(dirs, payloads);
    const { stateMachineArn } = await call('CreateStateMachine', create('approve', waiting));
    const { executionArn } = await service.startExecution(DEV, { stateMachineArn });
    for (let i = 0; i < 200 && payloads.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const token = (payloads[0] as { token: string }).token;

    await call('SendTaskHeartbeat', { taskToken: token });
    await call('SendTaskSuccess', { taskToken: token, output: '{"approved":true}' });
    const done = await untilClosed(service, executionArn);
    const history = await service.getExecutionHistory(DEV, { executionArn });

    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
    const kinds = (history['events'] as { type: string }[]).map((e) => e.type);
    expect(kinds).toEqual(expect.arrayContaining(['TaskSubmitted', 'TaskSucceeded']));
    expect(kinds.indexOf('TaskSubmitted')).toBeLessThan(kinds.indexOf('TaskSucceeded'));
    // The token is spent: a second answer finds no task.
    await expect(call('SendTaskSuccess', { taskToken: token, output: '{}' })).rejects.toMatchObject({
      code: 'TaskDoesNotExist',
    });
  });
  it('fails the task with SendTaskFailure’s error, and with States.HeartbeatTimeout when no heartbeat comes', async () => {
    const payloads: unknown[] = [];
    const { service, call } = await withOperations(dirs, payloads);
    const { stateMachineArn } = await call('CreateStateMachine', create('approve', waiting));
    const failed = await service.startExecution(DEV, { stateMachineArn, name: 'refused' });
    for (let i = 0; i < 200 && payloads.length === 0; i++) await new Promise((r) => setTimeout(r, 5));

    await call('SendTaskFailure', {
      taskToken: (payloads[0] as { token: string }).token,
      error: 'Rejected',
      cause: 'no',
    });
    const silent = await service.startExecution(DEV, { stateMachineArn, name: 'silent' });

    expect(await untilClosed(service, failed.executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'Rejected',
      cause: 'no',
    });
    const started = Date.now();
    let timedOut: Record<string, unknown> | undefined;
    while (Date.now() - started < 3000) {
      timedOut = await service.describeExecution(DEV, { executionArn: silent.executionArn });
      if (timedOut['status'] !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(timedOut).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    await expect(call('SendTaskSuccess', { taskToken: 'not a token!', output: '{}' })).rejects.toMatchObject({
      code: 'InvalidToken',
    });
  });
  it('spends the token when the task’s TimeoutSeconds runs out: a late SendTaskSuccess finds no task', async () => {
    const payloads: unknown[] = [];
    const { service, call } = await withOperations(dirs, payloads);
    const ask = { ...waiting.States.Ask, HeartbeatSeconds: undefined, TimeoutSeconds: 1 };
    const definition = { ...waiting, States: { Ask: ask } };
    const { stateMachineArn } = await call('CreateStateMachine', create('deadline', definition));
    const { executionArn } = await service.startExecution(DEV, { stateMachineArn });
    for (let i = 0; i < 200 && payloads.length === 0; i++) await new Promise((r) => setTimeout(r, 5));

    const done = await untilClosed(service, executionArn);

    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    await expect(
      call('SendTaskSuccess', { taskToken: (payloads[0] as { token: string }).token, output: '{}' }),
    ).rejects.toMatchObject({ code: 'TaskDoesNotExist' });
  });
  it('refuses a SendTaskFailure error over 256 characters or cause over 32,768, as StopExecution does, and takes one at the limits', async () => {
    const payloads: unknown[] = [];
    const { service, call } = await withOperations(dirs, payloads);
    // No heartbeat limit: the task waits however slow the machine is.
    const patient = { ...waiting, States: { Ask: { ...waiting.States.Ask, HeartbeatSeconds: undefined } } };
    const { stateMachineArn } = await call('CreateStateMachine', create('limits', patient));
    const { executionArn } = await service.startExecution(DEV, { stateMachineArn });
    for (let i = 0; i < 200 && payloads.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const taskToken = (payloads[0] as { token: string }).token;
    const [error, cause] = ['e'.repeat(256), 'c'.repeat(32_768)];

    const longError = { taskToken, error: `${error}e`, cause };
    const longCause = { taskToken, error, cause: `${cause}c` };

    await expect(call('SendTaskFailure', longError)).rejects.toMatchObject({ code: 'ValidationException' });
    await expect(call('SendTaskFailure', longCause)).rejects.toMatchObject({ code: 'ValidationException' });
    await call('SendTaskFailure', { taskToken, error, cause });

    expect(await untilClosed(service, executionArn)).toMatchObject({ status: 'FAILED', error, cause });
  });

  it('runs the approval example job: published when approved, not when rejected (SendTaskFailure)', async () => {
    // Prepare: the example's ASL as the stack would render it
    const payloads: unknown[] = [];
    const { service, call } = await withOperations(dirs, payloads);
    const definition = renderAslFile(join(__dirname, '../../../examples/approval-job/approval.asl.json'), {
      Partition: 'aws',
      AskApprovalFunctionArn: FN,
    });
    const { stateMachineArn } = await call('CreateStateMachine', create('approval', definition));
    const ask = async (name: string) => {
      const { executionArn } = await service.startExecution(DEV, {
        stateMachineArn,
        name,
        input: '{"document":"menu.pdf"}',
      });
      for (let i = 0; i < 200 && payloads.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      return { executionArn, token: (payloads.shift() as { taskToken: string }).taskToken };
    };

    // Act
    const yes = await ask('yes');
    await call('SendTaskSuccess', { taskToken: yes.token, output: '{"approved":true,"by":"ana"}' });
    const no = await ask('no');
    await call('SendTaskFailure', { taskToken: no.token, error: 'Rejected', cause: 'typo on page 2' });

    // Assess
    expect(await untilClosed(service, yes.executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({ document: 'menu.pdf', published: true, by: 'ana' }),
    });
    expect(await untilClosed(service, no.executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({ document: 'menu.pdf', published: false, reason: 'typo on page 2' }),
    });
  });
});
