import { join } from 'node:path';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { renderStateMachineDefinition, StateMachine } from '../../stacks/constructs/state-machine';
import { statementsOf, synthesize } from './helpers';

const DEFINITION = join(__dirname, 'fixtures', 'one-task.asl.json');
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:worker';

function build(overrides: Partial<ConstructorParameters<typeof StateMachine>[2]> = {}) {
  return synthesize((scope) => {
    new StateMachine(scope, 'sm', {
      stateMachineName: 'async-api-test-worker',
      roleName: 'async-api-test-worker-states',
      definitionFile: DEFINITION,
      partition: 'aws',
      substitutions: { WorkerFunctionArn: FN, TaskTimeoutSeconds: 60 },
      invokableFunctionArns: [FN],
      accountId: '123456789012',
      logGroupName: '/aws/vendedlogs/async-api-test-states',
      logRetentionDays: 30,
      logLevel: 'ERROR',
      includeExecutionData: false,
      ...overrides,
    });
  });
}

describe('StateMachine', () => {
  const out = build();

  it('is a STANDARD machine with logging (no execution data) and X-Ray tracing', () => {
    expect(out.text).toHaveResourceWithProperties(SfnStateMachine, {
      name: 'async-api-test-worker',
      type: 'STANDARD',
      logging_configuration: {
        include_execution_data: false,
        level: 'ERROR',
        log_destination: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}:\*$/),
      },
      tracing_configuration: { enabled: true },
    });
  });

  it('receives the rendered definition', () => {
    const definition = JSON.parse(String(out.one('aws_sfn_state_machine').definition));

    expect(definition.States.Work.Parameters.FunctionName).toBe(FN);
    // Computed from the retrier: 3 attempts of 60 s, 1 + 2 s of waits, 60 s of slack.
    expect(definition.TimeoutSeconds).toBe(3 * 60 + 3 + 60);
  });

  it('may invoke only the worker and its versions; "*" only where AWS requires it', () => {
    const statements = statementsOf(out.one('aws_iam_role_policy').policy);

    const invoke = statements.find((s) => s.Action.includes('lambda:InvokeFunction'))!;
    expect(invoke.Action).toEqual(['lambda:InvokeFunction']);
    expect(invoke.Resource).toEqual([FN, `${FN}:*`]);
    const starred = statements.filter((s) => s.Resource.includes('*')).map((s) => s.Sid);
    expect(starred).toEqual(['LogDeliveryNoResourceLevelPermissions', 'XRayWriteNoResourceLevelPermissions']);
  });

  it('fails synth when the substitutions do not match the ASL file', () => {
    expect(() => build({ substitutions: { WorkerFunctionArn: FN } })).toThrow(
      /no value for placeholder \$\{TaskTimeoutSeconds\}/,
    );
  });

  it('fails synth on a definition AWS would refuse, naming the state and field (JSONPath fields in JSONata)', () => {
    // Prepare: the webhook-envelope shape issue 23 reported, a Choice with Variable under a JSONata top level
    const template = JSON.stringify({
      QueryLanguage: 'JSONata',
      TimeoutSeconds: 60,
      StartAt: 'Envelope?',
      States: {
        'Envelope?': {
          Type: 'Choice',
          Choices: [{ Variable: '$.webhook', IsPresent: true, Next: 'Done' }],
          Default: 'Done',
        },
        Done: { Type: 'Pass', Output: '{% $unknownFn(1) %}', End: true },
      },
    });
    const render = () =>
      renderStateMachineDefinition(template, { source: 'inline', name: 'job', substitutions: {}, partition: 'aws' });

    // Act / Assess: both problems, each with its JSON pointer
    expect(render).toThrow(/^StateMachine job: a definition AWS would refuse: /);
    expect(render).toThrow(/JSONPath-only.* at \/States\/Envelope\?\/Choices\/0\/Variable/);
    expect(render).toThrow(/\$unknownFn.* at \/States\/Done\/Output/);
  });
});
