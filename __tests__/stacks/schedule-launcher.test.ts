import jsonata from 'jsonata';
import { executionNameProblem } from '../../lambda-src/shared/step-functions-arn';
import { startExecutionErrorName } from '../../local/stepfunctions/start-execution-task';
import { JobSchedules } from '../../stacks/constructs/job-schedules';
import { validateJobs } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { Naming } from '../../stacks/naming';
import { statementsOf, synthesize } from './helpers';

// The launcher: the state machine Scheduler starts, which starts a job's run named by its scheduled
// time, so a retried delivery never starts the run twice (docs/aws-behaviour.md §12.2).

const naming = new Naming('async-api', 'dev');
const MACHINES = { a: 'arn:aws:states:us-east-1:123456789012:stateMachine:async-api-dev-a' };
const synth = (schedules = [{ name: 'every-minute', expression: 'rate(1 minute)' }]) => {
  let construct: JobSchedules | undefined;
  const out = synthesize((scope) => {
    construct = new JobSchedules(scope, 'schedules', {
      naming,
      jobs: [
        { name: 'a', schedules },
        { name: 'b', schedules: [] },
      ],
      stateMachineArns: { ...MACHINES, b: 'arn:aws:states:us-east-1:123456789012:stateMachine:async-api-dev-b' },
      partition: 'aws',
      logRetentionDays: 14,
    });
  });
  return { out, construct: construct! };
};

type State = { Type: string; Output?: string; Resource?: string; Catch?: { ErrorEquals: string[] }[] };
const states = (definition: unknown) => (definition as { States: Record<string, State> }).States;

/** The launcher's own JSONata, evaluated as Step Functions would with `$states.input`. */
async function executionName(definition: unknown, schedule: string, scheduledTime: string): Promise<string> {
  const output = states(definition)['Name the run']!.Output!;
  const expression = jsonata(output.replace(/^\{%([\s\S]*)%\}$/, '$1'));
  const input = { stateMachineArn: MACHINES.a, schedule, scheduledTime, input: {} };
  return ((await expression.evaluate({}, { states: { input } })) as { executionName: string }).executionName;
}

describe('the schedule launcher', () => {
  it('is a STANDARD state machine whose role starts only the scheduled jobs, and Scheduler only it', () => {
    // Act
    const { out } = synth();

    // Assess
    const machine = out.one('aws_sfn_state_machine');
    expect(machine.name).toBe('async-api-dev-schedule-launcher');
    expect(machine.type).toBe('STANDARD');
    const launcher = statementsOf(
      out.one('aws_iam_role_policy', { name: 'async-api-dev-schedule-launcher-states' }).policy,
    );
    expect(launcher.filter((s) => s.Action.some((a) => a.startsWith('states:') || a.startsWith('lambda:')))).toEqual([
      expect.objectContaining({ Sid: 'StartScheduledJobs', Action: ['states:StartExecution'], Resource: [MACHINES.a] }),
    ]);
    const scheduler = statementsOf(out.one('aws_iam_role_policy', { name: 'async-api-dev-scheduler' }).policy);
    expect(scheduler.find((s) => s.Sid === 'StartLauncher')!.Resource).toEqual([
      expect.stringMatching(/aws_sfn_state_machine\..*launcher.*\.arn/),
    ]);
  });

  it('names the run <schedule>-<scheduled time without "-" and ":">, a name StartExecution accepts', async () => {
    // Prepare
    const { construct } = synth();
    const definition = construct.launcher!.definition;
    // The longest schedule name the registry allows for the shortest job name: 64 minus the prefix.
    const longest = 'n'.repeat(64 - 'async-api-dev-a-'.length);

    // Act
    const name = await executionName(definition, 'every-minute', '2022-03-22T18:59:43Z');
    const longName = await executionName(definition, longest, '2022-03-22T18:59:43Z');

    // Assess
    expect(name).toBe('every-minute-20220322T185943Z');
    expect(executionNameProblem(name)).toBeUndefined();
    expect(executionNameProblem(longName)).toBeUndefined();
    expect(longName.length).toBeLessThanOrEqual(80);
    // The scheduled time as Scheduler writes it would be refused.
    expect(executionNameProblem('every-minute-2022-03-22T18:59:43Z')).toMatch(/":"/);
  });

  it("calls Step Functions' optimized StartExecution and catches the name the local runtime raises", () => {
    // Act
    const { construct } = synth();
    const start = states(construct.launcher!.definition)['Start the job']!;

    // Assess
    expect(start.Resource).toBe('arn:aws:states:::states:startExecution');
    const caught = start.Catch!.flatMap((c) => c.ErrorEquals);
    expect(caught).toContain(startExecutionErrorName('ExecutionAlreadyExists'));
    expect(caught).toEqual(['StepFunctions.ExecutionAlreadyExistsException', 'StepFunctions.ExecutionAlreadyExists']);
  });

  it('is not created without a schedule, and no job may take its name', () => {
    // Act
    const { out, construct } = synth([]);
    const job = { ...JOBS[0]!, name: 'schedule-launcher' };

    // Assess
    expect(construct.launcher).toBeUndefined();
    expect(out.resources('aws_sfn_state_machine')).toEqual({});
    expect(() => validateJobs([job], naming)).toThrow(
      'job "schedule-launcher": name: its IAM role name async-api-dev-schedule-launcher-states is taken by the API',
    );
  });
});
