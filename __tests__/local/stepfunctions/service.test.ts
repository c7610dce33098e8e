import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IamAuthorizer } from '../../../local/iam/authorizer';
import {
  type InvokeRequest,
  type InvokeResult,
  type LambdaService,
  LambdaServiceError,
} from '../../../local/lambda/types';
import { ExecutionEngine } from '../../../local/stepfunctions/engine';
import { SfnError } from '../../../local/stepfunctions/errors';
import { type Caller, StepFunctionsService } from '../../../local/stepfunctions/service';
import { ExecutionStore } from '../../../local/stepfunctions/store';
import type { RoleModel, StackModel, StateMachineModel } from '../../../local/terraform/model';

const ACCOUNT = '123456789012';
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:worker`;
const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:machine`;
const DEV: Caller = { kind: 'developer' };

/** The shape of the project's ASL: lambda:invoke, a throttling retrier, catch-all into a Fail state with paths. */
const DEFINITION = {
  StartAt: 'Work',
  States: {
    Work: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN, 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Retry: [
        { ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 0.01, MaxAttempts: 2, BackoffRate: 1 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'Failed' }],
      End: true,
    },
    Failed: { Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' },
  },
};

// Invocations that never answer on their own; released after the tests so no task timer stays armed.
let releaseHung!: () => void;
const hungUntilTeardown = new Promise<never>((_resolve, reject) => (releaseHung = () => reject(new Error('teardown'))));
hungUntilTeardown.catch(() => undefined);
const hang = (): Promise<InvokeResult> => hungUntilTeardown;

type Behaviour = (request: InvokeRequest, call: number) => Promise<InvokeResult> | InvokeResult;

/** A scripted Lambda service: the engine's only dependency on the real one is this contract. */
function fakeLambda(behaviour: Behaviour): LambdaService & { calls: InvokeRequest[] } {
  const calls: InvokeRequest[] = [];
  return {
    calls,
    invoke: async (request) => {
      calls.push(request);
      return behaviour(request, calls.length);
    },
    close: async () => undefined,
  };
}

function ok(payload: unknown): InvokeResult {
  return { statusCode: 200, executedVersion: '$LATEST', payload, requestId: 'req-1', durationMs: 1, coldStart: false };
}

function role(statements: unknown[]): RoleModel {
  return {
    address: 'aws_iam_role.sm',
    name: 'sm-role',
    arn: `arn:aws:iam::${ACCOUNT}:role/sm-role`,
    trustPolicy: { Statement: [] },
    policies: [
      { name: 'sm', source: 'aws_iam_role_policy.sm', document: { Version: '2012-10-17', Statement: statements } },
    ],
  };
}

const INVOKE = [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [FN, `${FN}:*`] }];

async function setup(
  behaviour: Behaviour,
  options: { statements?: unknown[]; definition?: object; dir?: string } = {},
) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sfn-service-'));
  const smRole = role(options.statements ?? INVOKE);
  const stateMachine: StateMachineModel = {
    address: 'aws_sfn_state_machine.sm',
    name: 'machine',
    arn: MACHINE,
    roleArn: smRole.arn,
    type: 'STANDARD',
    definition: structuredClone(options.definition ?? DEFINITION) as Record<string, unknown>,
    definitionText: JSON.stringify(options.definition ?? DEFINITION),
    tracingEnabled: false,
    tags: { project: 'async-api', team: 'noodles' },
  };
  const model = {
    region: 'us-east-1',
    accountId: ACCOUNT,
    partition: 'aws',
    roles: [smRole],
    lambdaPermissions: [],
  } as unknown as StackModel;
  const logs: string[] = [];
  const iam = await IamAuthorizer.create(model, (l) => logs.push(l));
  const lambda = fakeLambda(behaviour);
  const engine = new ExecutionEngine({
    stateMachine,
    lambda,
    iam,
    region: 'us-east-1',
    accountId: ACCOUNT,
    partition: 'aws',
  });
  const { store, aborted } = ExecutionStore.open(dir, {
    error: 'Restarted',
    cause: 'the runtime restarted',
    now: Date.now(),
  });
  const service = new StepFunctionsService({ machines: [{ stateMachine, engine }], store, iam, createdAt: 0 });
  return { dir, service, store, lambda, logs, aborted };
}

async function untilClosed(service: StepFunctionsService, executionArn: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 500; i++) {
    const d = await service.describeExecution(DEV, { executionArn });
    if (d['status'] !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('still running');
}

describe('StepFunctionsService with the engine', () => {
  const dirs: string[] = [];
  afterAll(() => {
    releaseHung();
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

  it('keeps finished executions across a restart and closes interrupted ones as ABORTED', async () => {
    // Prepare: one finished, one still running when the "process dies" (store not disposed, service dropped)
    const first = await setup((r) => ((r.payload as { hang?: boolean }).hang ? hang() : ok({ message: 'boiled' })));
    dirs.push(first.dir);
    const done = await first.service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'done-1', input: '{}' });
    await untilClosed(first.service, done.executionArn);
    const cut = await first.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'cut-1',
      input: '{"hang":true}',
    });

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
