import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmMetricQuery,
} from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import type { Naming } from '../naming';
import {
  type AlarmName,
  type AlarmSettings,
  type ApiAlarmName,
  JOB_ALARMS,
  type JobAlarmName,
  type ResolvedAlarm,
  resolveAlarm,
  type ScheduleAlarmName,
  type ScheduledJob,
  stageAlarmOverridesProblem,
} from '../schedules';
import { topicKey } from './topic-key';

/** What each alarm means, for its description (and docs/jobs.md, "Alarms"). */
export const ALARM_MEANINGS: Readonly<Record<AlarmName, string>> = {
  executionsFailed: 'executions failed (a state ended in an error no Catch handled)',
  executionsTimedOut: 'executions ran past their TimeoutSeconds',
  executionThrottled: 'StartExecution or state transitions were throttled',
  executionsAborted: 'executions were stopped (StopExecution, or the stop route)',
  webhookDeadLetters: 'webhooks could not be delivered and wait in the dead-letter queue',
  api5xx: 'percent of API requests answered with a 5xx',
  statusFunctionErrors: 'invocations of the status, list, history and redrive functions failed',
  launcherFailed:
    'a scheduled run was missed: the launcher could not start the job (denied, job gone, throttled past its retries)',
  launcherTimedOut: 'a scheduled run may be missed: the launcher ran past its TimeoutSeconds',
  scheduleDeadLetters:
    'a scheduled run was missed: Scheduler could not start the launcher and sent the event to the dead-letter queue',
};

/** What the missed-run alarms watch: the stage's schedule launcher and dead-letter queue (`JobSchedules`). */
export interface ScheduleAlarmTargets {
  readonly launcherStateMachineArn: string;
  readonly deadLetterQueueName: string;
}

/** Props of {@link JobAlarms}. */
export interface JobAlarmsProps {
  readonly naming: Naming;
  /** The jobs (with their `alarms` overrides), in registry order. */
  readonly jobs: readonly ScheduledJob[];
  /** Each job's state machine ARN, by job name. */
  readonly stateMachineArns: Readonly<Record<string, string>>;
  /** The webhook dead-letter queue's name. */
  readonly webhookDeadLetterQueueName: string;
  /** The HTTP API's id; its `$default` stage is measured. */
  readonly apiId: string;
  /** Names of the status, list, history and redrive functions. */
  readonly routeFunctionNames: readonly string[];
  /** Overrides of the API-wide alarms. Default: each on with {@link ALARM_DEFAULTS}. */
  readonly apiAlarms?: Readonly<Partial<Record<ApiAlarmName, AlarmSettings>>>;
  /** The schedules' launcher and dead-letter queue; absent when the stage has no schedule (no missed-run alarm). */
  readonly schedules?: ScheduleAlarmTargets;
  /** Overrides of the missed-run alarms. Default: each on with {@link ALARM_DEFAULTS}. */
  readonly scheduleAlarms?: Readonly<Partial<Record<ScheduleAlarmName, AlarmSettings>>>;
  /** `false` creates no alarm at all (the topic stays, so its ARN does not change). Default `true`. */
  readonly enabled?: boolean;
  readonly region: string;
  readonly partition: string;
}

/**
 * The stage's CloudWatch alarms and the topic they notify (KMS-encrypted like the execution-ended
 * topic; CloudWatch may use the key and publish, for this account's alarms only). Per job, one alarm
 * per execution metric (failed, timed out, throttled, aborted); for the API, the webhook dead-letter
 * queue's depth, the 5xx rate and the route functions' errors; when the stage has schedules, a missed
 * run (the launcher failed or timed out, the schedules' dead-letter queue). Each is on by default with
 * `ALARM_DEFAULTS`, overridable and switchable off (`alarms` in the registry, `apiAlarms` and
 * `scheduleAlarms` here).
 *
 * Every resource it creates is a public readonly property.
 */
export class JobAlarms extends Construct {
  readonly key: KmsKey;
  readonly topic: SnsTopic;
  readonly topicPolicy: SnsTopicPolicy;
  /** Every alarm, by `<job>.<alarm>` or `api.<alarm>`. */
  readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;

  constructor(scope: Construct, id: string, props: JobAlarmsProps) {
    super(scope, id);
    for (const field of ['apiAlarms', 'scheduleAlarms'] as const) {
      const problem = stageAlarmOverridesProblem(field, props[field]);
      if (problem) throw new Error(problem);
    }
    const { naming, partition } = props;
    const account = new DataAwsCallerIdentity(this, 'account').accountId;
    const alarmArns = `arn:${partition}:cloudwatch:${props.region}:${account}:alarm:${naming.prefix}-*`;
    this.key = topicKey(this, {
      description: 'Encrypts the alarm topic; CloudWatch may use it to publish.',
      partition,
      account,
      publisher: {
        sid: 'CloudWatchPublishes',
        service: 'cloudwatch.amazonaws.com',
        condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
    });
    this.topic = new SnsTopic(this, 'topic', { name: naming.name('alarms'), kmsMasterKeyId: this.key.arn });
    this.topicPolicy = new SnsTopicPolicy(this, 'topic-policy', {
      arn: this.topic.arn,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: this.topic.arn,
            Condition: { ArnLike: { 'aws:SourceArn': alarmArns }, StringEquals: { 'aws:SourceAccount': account } },
          },
        ],
      }),
    });
    this.alarms =
      props.enabled === false
        ? {}
        : { ...this.jobAlarms(props), ...this.apiAlarms(props), ...this.scheduleAlarms(props) };
  }

  /** A missed scheduled run: the launcher failed or timed out, or Scheduler dead-lettered the event. */
  private scheduleAlarms(props: JobAlarmsProps): Record<string, CloudwatchMetricAlarm> {
    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    const targets = props.schedules;
    if (!targets) return alarms;
    const add = (key: ScheduleAlarmName, spec: Omit<AlarmSpec, 'description'>) => {
      const settings = resolveAlarm(key, props.scheduleAlarms?.[key]);
      if (!settings.off)
        alarms[`schedules.${key}`] = this.alarm(key, kebab(key), props, key, settings, {
          ...spec,
          description: `Schedules: ${ALARM_MEANINGS[key]}.`,
        });
    };
    const launcher = { StateMachineArn: targets.launcherStateMachineArn };
    add('launcherFailed', {
      namespace: 'AWS/States',
      metricName: 'ExecutionsFailed',
      statistic: 'Sum',
      dimensions: launcher,
    });
    add('launcherTimedOut', {
      namespace: 'AWS/States',
      metricName: 'ExecutionsTimedOut',
      statistic: 'Sum',
      dimensions: launcher,
    });
    add('scheduleDeadLetters', {
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
      dimensions: { QueueName: targets.deadLetterQueueName },
    });
    return alarms;
  }

  private jobAlarms(props: JobAlarmsProps): Record<string, CloudwatchMetricAlarm> {
    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    for (const job of props.jobs) {
      for (const [key, metric] of Object.entries(JOB_ALARMS) as [JobAlarmName, string][]) {
        const settings = resolveAlarm(key, job.alarms?.[key]);
        if (settings.off) continue;
        alarms[`${job.name}.${key}`] = this.alarm(
          `${job.name}-${key}`,
          `${job.name}-${kebab(key)}`,
          props,
          key,
          settings,
          {
            namespace: 'AWS/States',
            metricName: metric,
            statistic: 'Sum',
            dimensions: { StateMachineArn: props.stateMachineArns[job.name]! },
            description: `Job ${job.name}: ${ALARM_MEANINGS[key]}.`,
          },
        );
      }
    }
    return alarms;
  }

  private apiAlarms(props: JobAlarmsProps): Record<string, CloudwatchMetricAlarm> {
    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    const add = (key: ApiAlarmName, spec: Omit<AlarmSpec, 'description'>) => {
      const settings = resolveAlarm(key, props.apiAlarms?.[key]);
      if (!settings.off)
        alarms[`api.${key}`] = this.alarm(key, kebab(key), props, key, settings, {
          ...spec,
          description: `API: ${ALARM_MEANINGS[key]}.`,
        });
    };
    add('webhookDeadLetters', {
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
      dimensions: { QueueName: props.webhookDeadLetterQueueName },
    });
    const api = { ApiId: props.apiId, Stage: '$default' };
    add('api5xx', {
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      metrics: [
        { id: 'errors', namespace: 'AWS/ApiGateway', metricName: '5xx', statistic: 'Sum', dimensions: api },
        { id: 'requests', namespace: 'AWS/ApiGateway', metricName: 'Count', statistic: 'Sum', dimensions: api },
      ],
    });
    add('statusFunctionErrors', {
      expression: `SUM([${props.routeFunctionNames.map((_, i) => `e${i}`).join(', ')}])`,
      metrics: props.routeFunctionNames.map((name, i) => ({
        id: `e${i}`,
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        statistic: 'Sum',
        dimensions: { FunctionName: name },
      })),
    });
    return alarms;
  }

  /** `id` is the construct's id; `component` names the alarm (`<prefix>-<component>`). */
  private alarm(
    id: string,
    component: string,
    props: JobAlarmsProps,
    key: AlarmName,
    settings: ResolvedAlarm,
    spec: AlarmSpec,
  ): CloudwatchMetricAlarm {
    const common = {
      alarmName: props.naming.name(component, 255),
      alarmDescription: `${spec.description} Default threshold ${settings.threshold}; docs/jobs.md "Alarms" (${key}).`,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: settings.threshold,
      evaluationPeriods: settings.evaluationPeriods,
      treatMissingData: settings.treatMissingData,
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    };
    if (spec.expression === undefined) {
      return new CloudwatchMetricAlarm(this, id, {
        ...common,
        namespace: spec.namespace,
        metricName: spec.metricName,
        statistic: spec.statistic,
        dimensions: spec.dimensions,
        period: settings.periodSeconds,
      });
    }
    const metricQuery: CloudwatchMetricAlarmMetricQuery[] = [
      { id: 'result', expression: spec.expression, label: key, returnData: true },
      ...spec.metrics!.map((m) => ({
        id: m.id,
        returnData: false,
        metric: {
          namespace: m.namespace,
          metricName: m.metricName,
          stat: m.statistic,
          period: settings.periodSeconds,
          dimensions: m.dimensions,
        },
      })),
    ];
    return new CloudwatchMetricAlarm(this, id, { ...common, metricQuery });
  }
}

/**
 * An alarm key in a resource name: `executionsFailed` becomes `executions-failed`. Only the key: a job's
 * name is kept as written, or jobs `job2` and `job-2` would both name `job-2-executions-failed`.
 */
function kebab(key: AlarmName): string {
  return key.replace(/[A-Z0-9]+/g, (m) => `-${m.toLowerCase()}`);
}

/** One metric, or a math expression over several. */
interface AlarmSpec {
  readonly description: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly statistic?: string;
  readonly dimensions?: Record<string, string>;
  readonly expression?: string;
  readonly metrics?: readonly {
    readonly id: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly statistic: string;
    readonly dimensions: Record<string, string>;
  }[];
}
