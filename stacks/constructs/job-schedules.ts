import { join } from 'node:path';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import { apiResourceNames } from '../job';
import type { Naming } from '../naming';
import {
  type ExtraSchedules,
  type JobSchedule,
  type ScheduledJob,
  scheduleResourceNames,
  schedulesOf,
} from '../schedules';
import { ServiceRole } from './service-role';
import { StateMachine, type StateMachineLogLevel } from './state-machine';

/** The launcher's hand-written ASL. */
export const LAUNCHER_DEFINITION_FILE = join(__dirname, '..', '..', 'statemachine', 'schedule-launcher.asl.json');

/**
 * What Scheduler sends the launcher for one run: the job, the schedule's name and the scheduled time
 * (`2022-03-22T18:59:43Z`), from which the launcher names the job's execution
 * `<schedule>-20220322T185943Z`, the same for every delivery of that run (docs/aws-behaviour.md §12.2).
 */
export function launcherInput(stateMachineArn: string, schedule: JobSchedule): string {
  return JSON.stringify({
    stateMachineArn,
    schedule: schedule.name,
    scheduledTime: '<aws.scheduler.scheduled-time>',
    input: schedule.input ?? {},
  });
}

/** The universal target that calls Step Functions' StartExecution (no Lambda in between). */
export const START_EXECUTION_TARGET = (partition: string) => `arn:${partition}:scheduler:::aws-sdk:sfn:startExecution`;

/**
 * Delivery retries: an error of StartExecution (throttling, a service error) is retried for up to an
 * hour; a later start would run a job well past its time, so the event goes to the dead-letter queue.
 */
export const SCHEDULE_RETRY = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 3600 } as const;

/** Props of {@link JobSchedules}. */
export interface JobSchedulesProps {
  readonly naming: Naming;
  /** The jobs (with their `schedules`), in registry order. */
  readonly jobs: readonly ScheduledJob[];
  /** Schedules the app adds, by job name (checked by `validateJobs`). */
  readonly extraSchedules?: ExtraSchedules;
  /** Each job's state machine ARN, by job name. */
  readonly stateMachineArns: Readonly<Record<string, string>>;
  readonly partition: string;
  /** The launcher's log retention, as the jobs'. */
  readonly logRetentionDays: number;
  /** The launcher's log level. Default `ERROR`. */
  readonly logLevel?: StateMachineLogLevel;
}

/** One schedule and what it became. */
export interface ScheduleResources {
  readonly job: string;
  readonly definition: JobSchedule;
  readonly schedule: SchedulerSchedule;
}

/**
 * Every job's schedules: EventBridge Scheduler schedules in one group per stage, each starting the
 * launcher state machine through the universal target (no Lambda), with a retry policy and an
 * encrypted SQS dead-letter queue; the launcher starts the job's execution named by the scheduled
 * time and takes ExecutionAlreadyExists as done, so a retried delivery never starts a run twice.
 * Scheduler's role, assumable only by Scheduler for this account's schedules in this group, may start
 * only the launcher and send to the dead-letter queue; the launcher's role may start only the
 * scheduled jobs. Nothing is created when no job has a schedule.
 *
 * Every resource it creates is a public readonly property.
 */
export class JobSchedules extends Construct {
  readonly group?: SchedulerScheduleGroup;
  readonly role?: ServiceRole;
  readonly launcher?: StateMachine;
  readonly deadLetterQueue?: SqsQueue;
  readonly schedules: readonly ScheduleResources[];

  constructor(scope: Construct, id: string, props: JobSchedulesProps) {
    super(scope, id);
    const { naming } = props;
    const wanted = props.jobs.flatMap((job) =>
      schedulesOf(job, props.extraSchedules).map((definition) => ({ job: job.name, definition })),
    );
    if (wanted.length === 0) {
      this.schedules = [];
      return;
    }
    const group = new SchedulerScheduleGroup(this, 'group', { name: naming.name('schedules') });
    const deadLetterQueue = new SqsQueue(this, 'dead-letters', {
      name: naming.name('schedule-dead-letters'),
      sqsManagedSseEnabled: true,
      // SQS's longest retention: a missed run waits two weeks for someone to look at it.
      messageRetentionSeconds: 14 * 24 * 60 * 60,
    });
    const machines = [...new Set(wanted.map((w) => props.stateMachineArns[w.job]!))];
    const names = apiResourceNames(naming);
    const account = new DataAwsCallerIdentity(this, 'account').accountId;
    const launcher = new StateMachine(this, 'launcher', {
      stateMachineName: names.launcherStateMachine,
      roleName: names.launcherRole,
      definitionFile: LAUNCHER_DEFINITION_FILE,
      partition: props.partition,
      substitutions: {},
      invokableFunctionArns: [],
      statements: [{ sid: 'StartScheduledJobs', actions: ['states:StartExecution'], resources: machines }],
      accountId: account,
      logGroupName: names.launcherLogGroup,
      logRetentionDays: props.logRetentionDays,
      logLevel: props.logLevel ?? 'ERROR',
      includeExecutionData: false,
    });
    const role = new ServiceRole(this, 'role', {
      roleName: names.schedulerRole,
      servicePrincipal: 'scheduler.amazonaws.com',
      sourceAccount: account,
      // Scheduler sends the schedule group's ARN, never a schedule's (docs/aws-behaviour.md §12.3).
      sourceArn: group.arn,
      statements: [
        { sid: 'StartLauncher', actions: ['states:StartExecution'], resources: [launcher.stateMachine.arn] },
        { sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [deadLetterQueue.arn] },
      ],
    });
    this.group = group;
    this.deadLetterQueue = deadLetterQueue;
    this.role = role;
    this.launcher = launcher;
    this.schedules = wanted.map(({ job, definition }) => ({
      job,
      definition,
      schedule: new SchedulerSchedule(this, `${job}-${definition.name}`, {
        name: scheduleResourceNames(naming, job, definition).schedule,
        groupName: group.name,
        description: `Starts job ${job} (${definition.name}).`,
        scheduleExpression: definition.expression,
        scheduleExpressionTimezone: definition.timeZone ?? 'UTC',
        state: definition.enabled === false ? 'DISABLED' : 'ENABLED',
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: START_EXECUTION_TARGET(props.partition),
          roleArn: role.role.arn,
          // No Name: each delivery starts a launcher execution; the launcher names the job's.
          input: JSON.stringify({
            StateMachineArn: launcher.stateMachine.arn,
            Input: launcherInput(props.stateMachineArns[job]!, definition),
          }),
          retryPolicy: SCHEDULE_RETRY,
          deadLetterConfig: { arn: deadLetterQueue.arn },
        },
      }),
    }));
  }
}
