import { rmSync } from 'node:fs';
import { LambdaServiceError } from '../../../local/lambda/types';
import { SfnError } from '../../../local/stepfunctions/errors';
import type { Caller } from '../../../local/stepfunctions/service';
import { ACCOUNT, DEV, FN, hang, MACHINE, ok, releaseHungInvocations, setup, untilClosed } from './service-fixture';

describe('StepFunctionsService with the engine', () => {
  const dirs: string[] = [];
  afterAll(() => {
    releaseHungInvocations();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('runs lambda:invoke with the AWS envelope, keeps the Payload as output and records the history in order', async () => {
    // Prepare
    const { dir, service, lambda } = await setup(() => ok({ message: 'boiled' }));
    dirs.push(dir);

    // Act
    const { executionArn } = await service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'ok-1',
      input: '{"seconds":0}',
    });
    const described = await untilClosed(service, executionArn);
    const history = await service.getExecutionHistory(DEV, { executionArn });

    // Assess
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"message":"boiled"}', input: '{"seconds":0}' });
    expect(lambda.calls[0]).toMatchObject({ functionName: FN, payload: { seconds: 0 } });
    const events = history['events'] as Array<Record<string, any>>;
    expect(events.map((e) => e['type'])).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(JSON.parse(events[4]!['taskSucceededEventDetails'].output)).toMatchObject({
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
      Payload: { message: 'boiled' },
    });
    expect(events.map((e) => e['id'])).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('fails with the function errorType as error and the payload JSON as cause, through Catch and a Fail state', async () => {
    // Prepare
    const payload = { errorType: 'RamenTimer.InvalidInput', errorMessage: 'seconds must be >= 0', trace: [] };
    const { dir, service } = await setup(() => ({ ...ok(payload), functionError: 'Unhandled' }));
    dirs.push(dir);

    // Act
    const { executionArn } = await service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'bad-1',
      input: '{"seconds":-1}',
    });
    const described = await untilClosed(service, executionArn);

    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'RamenTimer.InvalidInput' });
    expect(JSON.parse(described['cause'] as string)).toEqual(payload);
    expect(described).not.toHaveProperty('output');
    // As Step Functions writes it: the task fails and is exited, the Fail state is entered, and only
    // then does the execution fail (the dashboard draws the Fail state as reached from this).
    const history = await service.getExecutionHistory(DEV, { executionArn });
    expect((history['events'] as Array<{ type: string }>).map((e) => e.type).slice(-4)).toEqual([
      'TaskFailed',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
  });

  it('retries Lambda.TooManyRequestsException as the ASL says, then succeeds', async () => {
    // Prepare
    const { dir, service, lambda } = await setup((_r, call) => {
      if (call === 1)
        throw new LambdaServiceError(
          'TooManyRequestsException',
          'Rate Exceeded.',
          429,
          'ReservedFunctionConcurrentInvocationLimitExceeded',
        );
      return ok({ message: 'boiled' });
    });
    dirs.push(dir);

    // Act
    const { executionArn } = await service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'retry-1' });
    const described = await untilClosed(service, executionArn);
    const events = (await service.getExecutionHistory(DEV, { executionArn }))['events'] as Array<Record<string, any>>;

    // Assess
    expect(described['status']).toBe('SUCCEEDED');
    expect(lambda.calls).toHaveLength(2);
    const failed = events.find((e) => e['type'] === 'TaskFailed')!;
    expect(failed['taskFailedEventDetails']).toMatchObject({ error: 'Lambda.TooManyRequestsException' });
  });

  it('fails the task with Lambda.AWSLambdaException when the role may not invoke the function, and logs the denial', async () => {
    // Prepare
    const { dir, service, lambda, logs } = await setup(() => ok({}), {
      statements: [{ Effect: 'Allow', Action: 'lambda:GetFunction', Resource: FN }],
    });
    dirs.push(dir);

    // Act
    const { executionArn } = await service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'denied-1' });
    const described = await untilClosed(service, executionArn);

    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'Lambda.AWSLambdaException' });
    expect(described['cause']).toMatch(
      /assumed-role\/sm-role\/local-runtime is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:worker .*Status Code: 403; Error Code: AccessDeniedException/,
    );
    expect(lambda.calls).toHaveLength(0);
    expect(logs.some((l) => l.includes('action lambda:InvokeFunction') && l.includes('sm-role'))).toBe(true);
  });

  it('is idempotent for the same name and input while running, and refuses other reuse', async () => {
    // Prepare
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { dir, service } = await setup(async () => {
      await gate;
      return ok({ message: 'boiled' });
    });
    dirs.push(dir);
    const start = { stateMachineArn: MACHINE, name: 'same-1', input: '{"seconds":1}' };

    // Act
    const first = await service.startExecution(DEV, start);
    const again = await service.startExecution(DEV, start);
    const otherInput = service.startExecution(DEV, { ...start, input: '{"seconds":2}' });
    await expect(otherInput).rejects.toMatchObject({
      code: 'ExecutionAlreadyExists',
      message: `Execution Already Exists: '${first.executionArn}'`,
    });
    release();
    await untilClosed(service, first.executionArn);
    const afterClose = service.startExecution(DEV, start);

    // Assess
    expect(again).toEqual(first);
    await expect(afterClose).rejects.toBeInstanceOf(SfnError);
  });

  it('stops a running execution as ABORTED with error and cause, and leaves a closed one alone', async () => {
    // Prepare
    const { dir, service } = await setup(() => hang());
    dirs.push(dir);
    const { executionArn } = await service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'stop-1' });

    // Act
    const stopped = await service.stopExecution(DEV, {
      executionArn,
      error: 'User.Cancelled',
      cause: 'changed my mind',
    });
    const described = await service.describeExecution(DEV, { executionArn });
    const second = await service.stopExecution(DEV, { executionArn, error: 'Other' });
    const events = (await service.getExecutionHistory(DEV, { executionArn, reverseOrder: true }))['events'] as Array<
      Record<string, any>
    >;

    // Assess
    expect(described).toMatchObject({
      status: 'ABORTED',
      error: 'User.Cancelled',
      cause: 'changed my mind',
      stopDate: stopped.stopDate,
    });
    expect(second.stopDate).toBe(stopped.stopDate);
    expect(events[0]).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'User.Cancelled', cause: 'changed my mind' },
    });
  });

  it('refuses bad requests before an execution exists', async () => {
    // Prepare
    const { dir, service, store } = await setup(() => ok({}));
    dirs.push(dir);

    // Act / Assess
    await expect(service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'bad name' })).rejects.toMatchObject({
      code: 'InvalidName',
    });
    await expect(service.startExecution(DEV, { stateMachineArn: MACHINE, input: '{' })).rejects.toMatchObject({
      code: 'InvalidExecutionInput',
    });
    await expect(service.startExecution(DEV, { stateMachineArn: `${MACHINE}x` })).rejects.toMatchObject({
      code: 'StateMachineDoesNotExist',
    });
    await expect(service.startExecution(DEV, {})).rejects.toMatchObject({ code: 'ValidationException' });
    await expect(
      service.describeExecution(DEV, { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:machine:none' }),
    ).rejects.toMatchObject({
      code: 'ExecutionDoesNotExist',
    });
    expect(store.size).toBe(0);
  });

  it('refuses listing and history requests AWS refuses, naming the member and the bound', async () => {
    // Prepare
    const { dir, service } = await setup(() => ok({}));
    dirs.push(dir);
    const { executionArn } = await service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'l', input: '{}' });

    // Act / Assess
    for (const [maxResults, bound] of [
      [1001, 'less than or equal to 1000'],
      [-1, 'greater than or equal to 0'],
    ] as const) {
      await expect(service.listExecutions(DEV, { stateMachineArn: MACHINE, maxResults })).rejects.toMatchObject({
        code: 'ValidationException',
        message: expect.stringContaining(
          `Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value ${bound}`,
        ),
      });
      await expect(service.getExecutionHistory(DEV, { executionArn, maxResults })).rejects.toMatchObject({
        code: 'ValidationException',
      });
    }
    await expect(service.listExecutions(DEV, { stateMachineArn: MACHINE, statusFilter: 'DONE' })).rejects.toMatchObject(
      {
        code: 'ValidationException',
        message: expect.stringContaining("Value 'DONE' at 'statusFilter'"),
      },
    );
    await expect(
      service.listExecutions(DEV, { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:execution:machine:x' }),
    ).rejects.toMatchObject({
      code: 'InvalidArn',
    });
    await expect(service.getExecutionHistory(DEV, { executionArn, nextToken: 'forged' })).rejects.toMatchObject({
      code: 'InvalidToken',
    });
    // maxResults 0 means the default page (AWS: "0 ... uses the default").
    await expect(service.listExecutions(DEV, { stateMachineArn: MACHINE, maxResults: 0 })).resolves.toMatchObject({
      executions: [expect.objectContaining({ executionArn })],
    });
  });

  it('checks role callers against their policies', async () => {
    // Prepare
    const { dir, service } = await setup(() => ok({}));
    dirs.push(dir);
    const caller: Caller = { kind: 'role', roleArn: `arn:aws:iam::${ACCOUNT}:role/sm-role` };

    // Act / Assess
    await expect(service.startExecution(caller, { stateMachineArn: MACHINE })).rejects.toMatchObject({
      code: 'AccessDeniedException',
      message: expect.stringContaining(`is not authorized to perform: states:StartExecution on resource: ${MACHINE}`),
    });
  });

  const EXECUTION = `${MACHINE.replace(':stateMachine:', ':execution:')}:someone-elses`;
  it.each([
    ['StopExecution', 'stopExecution', { executionArn: EXECUTION }, EXECUTION],
    ['DescribeExecution', 'describeExecution', { executionArn: EXECUTION }, EXECUTION],
    ['RedriveExecution', 'redriveExecution', { executionArn: EXECUTION }, EXECUTION],
    ['GetExecutionHistory', 'getExecutionHistory', { executionArn: EXECUTION }, EXECUTION],
    ['DescribeStateMachineForExecution', 'describeStateMachineForExecution', { executionArn: EXECUTION }, EXECUTION],
    ['ListExecutions', 'listExecutions', { stateMachineArn: MACHINE }, MACHINE],
    ['DescribeStateMachine', 'describeStateMachine', { stateMachineArn: MACHINE }, MACHINE],
    ['ListTagsForResource', 'listTagsForResource', { resourceArn: MACHINE }, MACHINE],
    ['ListStateMachines', 'listStateMachines', {}, '\\*'],
  ] as const)(
    'refuses %s to a role its policies do not allow, and lets the developer through',
    async (action, method, request, resource) => {
      // Prepare: the execution exists, so only IAM stands in the way
      const { dir, service } = await setup(() => ok({}));
      dirs.push(dir);
      const started = await service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'someone-elses' });
      await untilClosed(service, started.executionArn);
      const caller: Caller = { kind: 'role', roleArn: `arn:aws:iam::${ACCOUNT}:role/sm-role` };
      const call = (service as unknown as Record<string, (c: Caller, r: object) => Promise<unknown>>)[method]!.bind(
        service,
      );

      // Act / Assess
      await expect(call(caller, request)).rejects.toMatchObject({
        code: 'AccessDeniedException',
        message: expect.stringMatching(
          new RegExp(`is not authorized to perform: states:${action} on resource: ${resource}`),
        ),
      });
      const asDeveloper = await call(DEV, request).catch((err: unknown) => err);
      expect(asDeveloper).not.toMatchObject({ code: 'AccessDeniedException' });
    },
  );

  it('keeps finished executions across a restart and closes interrupted ones as ABORTED', async () => {
    // Prepare: one finished, one still running when the "process dies" (its database connection goes, the service is dropped)
    const first = await setup((r) => ((r.payload as { hang?: boolean }).hang ? hang() : ok({ message: 'boiled' })));
    dirs.push(first.dir);
    const done = await first.service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'done-1', input: '{}' });
    await untilClosed(first.service, done.executionArn);
    const cut = await first.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'cut-1',
      input: '{"hang":true}',
    });
    first.store.dispose();

    // Act
    const second = await setup(() => ok({}), { dir: first.dir });
    const finished = await second.service.describeExecution(DEV, { executionArn: done.executionArn });
    const interrupted = await second.service.describeExecution(DEV, { executionArn: cut.executionArn });
    const history = (await second.service.getExecutionHistory(DEV, { executionArn: done.executionArn }))[
      'events'
    ] as unknown[];
    const listed = await second.service.listExecutions(DEV, { stateMachineArn: MACHINE });

    // Assess
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: '{"message":"boiled"}' });
    expect(history).toHaveLength(7);
    expect(interrupted).toMatchObject({ status: 'ABORTED', error: 'Restarted', cause: 'the runtime restarted' });
    expect(second.aborted.map((r) => r.executionArn)).toEqual([cut.executionArn]);
    expect((listed['executions'] as Array<{ name: string }>).map((e) => e.name)).toEqual(['cut-1', 'done-1']);
  });

  it('refuses a definition with a Task resource it does not emulate, naming the state', () => {
    // Prepare
    const definition = {
      StartAt: 'Q',
      States: { Q: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } },
    };

    // Act / Assess
    return expect(setup(() => ok({}), { definition })).rejects.toThrow(
      /aws_sfn_state_machine\.sm \(attribute "definition\.States\.Q\.Resource"\)/,
    );
  });
});
