/**
 * CreateStateMachine / DeleteStateMachine / ValidateStateMachineDefinition / TestState for
 * definitions outside the stack, and the same checks on the stack's own, on the service with a
 * scripted Lambda.
 */
import { rmSync } from 'node:fs';
import { ExecutionEngine } from '../../../local/stepfunctions/engine';
import { SfnError } from '../../../local/stepfunctions/errors';
import { create, ROLE, withOperations } from './operations-fixture';
import { ACCOUNT, DEV, FN, MACHINE, ok, releaseHungInvocations, setup, untilClosed } from './service-fixture';

describe('definitions on the local Step Functions API', () => {
  const dirs: string[] = [];
  afterAll(() => {
    releaseHungInvocations();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('creates a JSONata state machine, runs it to AWS’s output, and deletes it', async () => {
    // Prepare
    const { service, call } = await withOperations(dirs);
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
    const { call, service } = await withOperations(dirs);
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

  it('refuses a definition the runtime cannot run (a distributed Map, another service) saying it is not emulated', async () => {
    const { call } = await withOperations(dirs);
    const distributed = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'b' } },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    };
    const sqs = {
      StartAt: 'Q',
      States: {
        Q: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage',
          Parameters: { QueueUrl: 'u', MessageBody: 'm' },
          End: true,
        },
      },
    };

    await expect(call('CreateStateMachine', create('dist', distributed))).rejects.toMatchObject({
      message: expect.stringMatching(/distributed Map \(Mode DISTRIBUTED, ItemReader\) is not emulated/),
    });
    await expect(call('CreateStateMachine', create('sqs', sqs))).rejects.toMatchObject({
      message: expect.stringMatching(/sqs:sendMessage is not emulated/),
    });
  });

  it('answers ValidateStateMachineDefinition with OK, or FAIL and one diagnostic per problem', async () => {
    const { call } = await withOperations(dirs);
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

  it('refuses a definition of the wrong shape with InvalidDefinition naming the field, not a TypeError', async () => {
    const { call } = await withOperations(dirs);
    const shapes: [string, Record<string, unknown>][] = [
      ['/States/P', { P: null }],
      ['/States/P/Branches', { P: { Type: 'Parallel', Branches: 'none', End: true } }],
      ['/States/P/Catch', { P: { Type: 'Pass', Catch: [null], End: true } }],
      ['/States/P/Choices/0/And', { P: { Type: 'Choice', Choices: [{ And: {}, Next: 'P' }], Default: 'P' } }],
      [
        '/States/P/ItemProcessor/States/Q',
        { P: { Type: 'Map', ItemProcessor: { StartAt: 'Q', States: { Q: 1 } }, End: true } },
      ],
    ];

    for (const [location, states] of shapes) {
      const definition = { StartAt: 'P', States: states };
      const created = call('CreateStateMachine', create('shape', definition));
      const validated = await call('ValidateStateMachineDefinition', { definition: JSON.stringify(definition) });

      await expect(created).rejects.toMatchObject({
        code: 'InvalidDefinition',
        message: expect.stringContaining(`at ${location}`),
      });
      expect(validated).toMatchObject({
        result: 'FAIL',
        diagnostics: [{ code: 'SCHEMA_VALIDATION_FAILED', location }],
      });
    }
  });

  it('runs one state with TestState: output, next state and variables, a caught error, a retriable one', async () => {
    const { call } = await withOperations(dirs);
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
    // A Catch going where the state goes anyway: still a caught error.
    const { F: failing } = fail({}).States;
    const caughtToNext = await call('TestState', {
      definition: JSON.stringify({
        ...failing,
        End: undefined,
        Next: 'Handler',
        Catch: [{ ErrorEquals: ['E'], Next: 'Handler' }],
      }),
      input: '[1]',
    });
    const retriable = await call('TestState', {
      definition: JSON.stringify(fail({ Retry: [{ ErrorEquals: ['E'] }] })),
      input: '[1]',
    });
    const failed = await call('TestState', { definition: JSON.stringify(fail({})), input: '[1]' });
    const unknown = call('TestState', { definition: JSON.stringify(fail({})), stateName: 'X' });

    expect(ran).toMatchObject({ status: 'SUCCEEDED', output: '8', nextState: 'Later' });
    expect(JSON.parse((ran['inspectionData'] as { variables: string }).variables)).toEqual({ base: 10, total: 14 });
    expect(caught).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Handler', output: '{"Error":"E"}' });
    expect(caughtToNext).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Handler', output: '{"Error":"E"}' });
    expect(retriable).toMatchObject({ status: 'RETRIABLE', error: 'E' });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'E' });
    // X exists only inside the Map's processor: not a state TestState can run.
    await expect(unknown).rejects.toMatchObject({ code: 'ValidationException' });
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

  it('names the redriven run’s own entered event in an expression failure’s cause', async () => {
    // Prepare: a Lambda step, then a JSONata step that fails on every run
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: FN, Payload: {} },
          Next: 'Check',
        },
        Check: { Type: 'Pass', Output: '{% $states.input.Payload.missing %}', End: true },
      },
    };
    const { dir, service } = await setup(() => ok({}), { definition });
    dirs.push(dir);
    const { executionArn } = await service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'twice' });
    await untilClosed(service, executionArn);

    // Act
    await service.redriveExecution(DEV, { executionArn });
    const done = await untilClosed(service, executionArn);
    const { events } = (await service.getExecutionHistory(DEV, { executionArn })) as { events: Record<string, any>[] };

    // Assess: the cause's event id is the second Check's entered event
    const entered = events.filter((e) => e['type'] === 'PassStateEntered');
    expect(entered).toHaveLength(2);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(String(done['cause'])).toContain(`(entered at the event id #${entered[1]!['id']})`);
  });
});
