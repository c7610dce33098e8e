import { rmSync } from 'node:fs';
import { DEV, MACHINE, ok, releaseHungInvocations, setup, untilClosed } from './service-fixture';

// The engine's `arn:aws:states:::states:startExecution` task: it calls the runtime's own
// StartExecution as the state machine's role, and a refusal surfaces with Step Functions' name
// (docs/aws-behaviour.md §12.2). The machine starts itself: a child (input `child`) ends at once.

const PARENT = {
  StartAt: 'Child?',
  States: {
    'Child?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.child', IsPresent: true, Next: 'Done' }],
      Default: 'Start child',
    },
    'Start child': {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution',
      Parameters: { StateMachineArn: MACHINE, 'Name.$': '$.name', Input: { child: true } },
      Catch: [{ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], ResultPath: '$.caught', Next: 'Done' }],
      End: true,
    },
    Done: { Type: 'Succeed' },
  },
};
const MAY_START = [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: MACHINE }];

type Event = { type: string; [details: string]: any };

describe('the states:startExecution task', () => {
  const dirs: string[] = [];
  afterAll(() => {
    releaseHungInvocations();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const run = async (statements: unknown[], names: string[]) => {
    const t = await setup(() => ok(null), { definition: PARENT, statements });
    dirs.push(t.dir);
    const ended = [];
    for (const [i, name] of names.entries()) {
      const { executionArn } = await t.service.startExecution(DEV, {
        stateMachineArn: MACHINE,
        name: `parent-${i}`,
        input: JSON.stringify({ name }),
      });
      const described = await untilClosed(t.service, executionArn);
      // Children too, so the next parent meets closed executions only.
      const all = (await t.service.listExecutions(DEV, { stateMachineArn: MACHINE })) as {
        executions: { executionArn: string }[];
      };
      for (const e of all.executions) await untilClosed(t.service, e.executionArn);
      const history = (await t.service.getExecutionHistory(DEV, { executionArn }))['events'] as Event[];
      ended.push({ described, history });
    }
    return { ...t, ended };
  };

  it('starts the execution as the role and returns its ARN and start date', async () => {
    // Act
    const { service, ended } = await run(MAY_START, ['child-1']);

    // Assess
    const [{ described, history }] = ended as [(typeof ended)[0]];
    expect(described['status']).toBe('SUCCEEDED');
    const output = JSON.parse(String(described['output']));
    expect(output).toEqual({
      ExecutionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:child-1`,
      StartDate: expect.any(Number),
      SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }),
      SdkResponseMetadata: { RequestId: expect.any(String) },
    });
    const child = await untilClosed(service, output.ExecutionArn);
    expect(child).toMatchObject({ status: 'SUCCEEDED', input: '{"child":true}' });
    expect(history.find((e) => e.type === 'TaskScheduled')!['taskScheduledEventDetails']).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution',
    });
  });

  it('fails with StepFunctions.ExecutionAlreadyExistsException for a name taken by a closed execution, which Catch matches', async () => {
    // Act: the second parent names the child the first one started (and that has ended).
    const { ended } = await run(MAY_START, ['child-2', 'child-2']);

    // Assess
    const second = ended[1]!;
    expect(second.described['status']).toBe('SUCCEEDED');
    const failed = second.history.find((e) => e.type === 'TaskFailed')!['taskFailedEventDetails'];
    expect(failed).toMatchObject({
      error: 'StepFunctions.ExecutionAlreadyExistsException',
      cause: expect.stringMatching(/Execution Already Exists: .*Error Code: ExecutionAlreadyExists/),
    });
    expect(JSON.parse(String(second.described['output'])).caught.Error).toBe(
      'StepFunctions.ExecutionAlreadyExistsException',
    );
  });

  it('fails with StepFunctions.AWSStepFunctionsException when the role may not start the machine', async () => {
    // Act
    const { ended, service } = await run([], ['child-3']);

    // Assess
    const [{ described }] = ended as [(typeof ended)[0]];
    expect(described).toMatchObject({
      status: 'FAILED',
      error: 'StepFunctions.AWSStepFunctionsException',
      cause: expect.stringMatching(
        /not authorized to perform: states:StartExecution.*Error Code: AccessDeniedException/,
      ),
    });
    const listed = (await service.listExecutions(DEV, { stateMachineArn: MACHINE })) as {
      executions: { name: string }[];
    };
    expect(listed.executions.map((e) => e.name)).toEqual(['parent-0']);
  });
});
