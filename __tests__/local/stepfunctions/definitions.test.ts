/**
 * CreateStateMachine / DeleteStateMachine / ValidateStateMachineDefinition for definitions outside
 * the stack, and `.waitForTaskToken` with SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat,
 * on the service with a scripted Lambda.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TaskTokens } from '../../../local/stepfunctions/callbacks';
import { DefinitionOperations } from '../../../local/stepfunctions/definitions';
import { ExecutionEngine } from '../../../local/stepfunctions/engine';
import { SfnError } from '../../../local/stepfunctions/errors';
import type { StepFunctionsService } from '../../../local/stepfunctions/service';
import { renderAslFile } from '../../../stacks/asl';
import { ACCOUNT, DEV, FN, ok, releaseHungInvocations, setup, untilClosed } from './service-fixture';

const ROLE = `arn:aws:iam::${ACCOUNT}:role/sm-role`;

describe('definitions and callbacks on the local Step Functions API', () => {
  const dirs: string[] = [];
  afterAll(() => {
    releaseHungInvocations();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  // The service of the fixture, with the definition operations wired as runtime.ts wires them.
  async function withOperations(payloads: unknown[] = []) {
    const tokens = new TaskTokens();
    const fixture = await setup(
      (request) => {
        payloads.push(request.payload);
        return ok({ sent: true });
      },
      { taskTokens: tokens },
    );
    dirs.push(fixture.dir);
    const service: StepFunctionsService = fixture.service;
    const ops = new DefinitionOperations({
      region: 'us-east-1',
      accountId: ACCOUNT,
      partition: 'aws',
      iam: fixture.iam,
      tokens,
      createEngine: (stateMachine) =>
        new ExecutionEngine({
          stateMachine,
          lambda: fixture.lambda,
          iam: fixture.iam,
          region: 'us-east-1',
          accountId: ACCOUNT,
          partition: 'aws',
          taskTokens: tokens,
        }),
      machines: {
        get: (arn) => service.machines.get(arn),
        add: (served) => void service.machines.set(served.stateMachine.arn, served),
        delete: (arn) => void service.machines.delete(arn),
      },
    });
    const call = (operation: string, request: Record<string, unknown>) =>
      ops.call(operation, DEV, request) as Promise<Record<string, unknown>>;
    return { service, call, lambda: fixture.lambda };
  }

  const create = (name: string, definition: unknown) => ({
    name,
    roleArn: ROLE,
    definition: JSON.stringify(definition),
  });

  it('creates a JSONata state machine, runs it to AWS’s output, and deletes it', async () => {
    // Prepare
    const { service, call } = await withOperations();
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Label',
      States: { Label: { Type: 'Pass', Output: { label: '{% $uppercase($states.input.name) %}' }, End: true } },
    };

    // Act
    const { stateMachineArn } = await call('CreateStateMachine', create('labels', definition));
    const { executionArn } = await service.startExecution(DEV, { stateMachineArn, input: '{"name":"miso"}' });
    const done = await untilClosed(service, executionArn);
    await call('DeleteStateMachine', { stateMachineArn });

    // Assess
    expect(stateMachineArn).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:labels`);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"label":"MISO"}' });
    await expect(service.startExecution(DEV, { stateMachineArn })).rejects.toMatchObject({
      code: 'StateMachineDoesNotExist',
    });
  });

  it('refuses what AWS refuses with InvalidDefinition naming the state and field, and creates nothing', async () => {
    const { call, service } = await withOperations();
    const cases: [unknown, RegExp][] = [
      [
        { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', InputPath: '$.a', End: true } } },
        /'InputPath' of state 'P' is JSONPath-only.* at \/States\/P\/InputPath/,
      ],
      [
        {
          QueryLanguage: 'JSONata',
          StartAt: 'P',
          States: { P: { Type: 'Pass', Output: '{% $nope(1) %}', End: true } },
        },
        /\$nope.* at \/States\/P\/Output/,
      ],
      [
        {
          StartAt: 'M',
          States: {
            M: {
              Type: 'Map',
              ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', Assign: { inner: 1 }, End: true } } },
              Next: 'After',
            },
            After: { Type: 'Pass', Assign: { 'copy.$': '$inner' }, End: true },
          },
        },
        /\$inner.* at \/States\/After\/Assign\/copy\.\$/,
      ],
    ];

    for (const [i, [definition, message]] of cases.entries()) {
      const refused = call('CreateStateMachine', create(`bad-${i}`, definition));
      await expect(refused).rejects.toBeInstanceOf(SfnError);
      await expect(refused).rejects.toMatchObject({
        code: 'InvalidDefinition',
        message: expect.stringMatching(message),
      });
    }
    expect([...service.machines.keys()].filter((arn) => arn.includes(':bad-'))).toEqual([]);
  });

  it('answers ValidateStateMachineDefinition with OK, or FAIL and one diagnostic per problem', async () => {
    const { call } = await withOperations();
    const good = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const bad = { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'Nowhere' } } };

    const ok = await call('ValidateStateMachineDefinition', { definition: JSON.stringify(good) });
    const fail = await call('ValidateStateMachineDefinition', { definition: JSON.stringify(bad) });
    const notJson = await call('ValidateStateMachineDefinition', { definition: '{' });

    expect(ok).toEqual({ result: 'OK', diagnostics: [], truncated: false });
    expect(fail).toMatchObject({
      result: 'FAIL',
      diagnostics: [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', location: '/States/P/Next' }],
    });
    expect(notJson).toMatchObject({ result: 'FAIL', diagnostics: [{ code: 'INVALID_JSON_DESCRIPTION' }] });
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
    const { service, call } = await withOperations(payloads);
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
    const { service, call } = await withOperations(payloads);
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

  it('runs one state with TestState: output, next state and variables, a caught error, a retriable one', async () => {
    const { call } = await withOperations();
    const pass = {
      QueryLanguage: 'JSONata',
      Type: 'Pass',
      Assign: { total: '{% $states.input.n + $base %}' },
      Output: '{% $states.input.n * 2 %}',
      Next: 'Later',
    };
    const fail = (extra: object) => ({
      StartAt: 'F',
      States: {
        F: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Fail', Error: 'E' } } },
          ...extra,
          End: true,
        },
        Handler: { Type: 'Pass', End: true },
      },
    });

    const ran = await call('TestState', {
      definition: JSON.stringify(pass),
      input: '{"n": 4}',
      variables: '{"base": 10}',
      inspectionLevel: 'DEBUG',
    });
    const caught = await call('TestState', {
      definition: JSON.stringify(fail({ Catch: [{ ErrorEquals: ['E'], Next: 'Handler' }] })),
      input: '[1]',
    });
    const retriable = await call('TestState', {
      definition: JSON.stringify(fail({ Retry: [{ ErrorEquals: ['E'] }] })),
      input: '[1]',
    });
    const failed = await call('TestState', { definition: JSON.stringify(fail({})), input: '[1]' });

    expect(ran).toMatchObject({ status: 'SUCCEEDED', output: '8', nextState: 'Later' });
    expect(JSON.parse((ran['inspectionData'] as { variables: string }).variables)).toEqual({ base: 10, total: 14 });
    expect(caught).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Handler', output: '{"Error":"E"}' });
    expect(retriable).toMatchObject({ status: 'RETRIABLE', error: 'E' });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'E' });
  });

  it('runs the approval example job: published when approved, not when rejected (SendTaskFailure)', async () => {
    // Prepare: the example's ASL as the stack would render it
    const payloads: unknown[] = [];
    const { service, call } = await withOperations(payloads);
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

  it('refuses at npm start a stack definition AWS would refuse, naming the state machine, state and field', async () => {
    const fixture = await setup(() => ok({}));
    dirs.push(fixture.dir);
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Envelope?',
      States: {
        'Envelope?': { Type: 'Choice', Choices: [{ Variable: '$.webhook', IsPresent: true, Next: 'Envelope?' }] },
      },
    };
    const build = () =>
      new ExecutionEngine({
        stateMachine: {
          address: 'aws_sfn_state_machine.job',
          name: 'job',
          arn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:job`,
          roleArn: ROLE,
          type: 'STANDARD',
          definition,
          definitionText: JSON.stringify(definition),
          tracingEnabled: false,
          tags: {},
        },
        lambda: fixture.lambda,
        iam: fixture.iam,
        region: 'us-east-1',
        accountId: ACCOUNT,
        partition: 'aws',
      });

    expect(build).toThrow(
      /aws_sfn_state_machine\.job.*definition.*'Variable' of state 'Envelope\?' is JSONPath-only.*\/States\/Envelope\?\/Choices\/0\/Variable/s,
    );
  });
});
