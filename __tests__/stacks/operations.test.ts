import { type App, Testing } from 'cdktf';
import { AsyncApiStack } from '../../stacks/async-api-stack';
import { SCHEDULE_RETRY } from '../../stacks/constructs/job-schedules';
import { DASHBOARD_ROWS } from '../../stacks/constructs/jobs-dashboard';
import type { JobDefinition } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { JOB_ALARMS, SCHEDULE_ALARMS } from '../../stacks/schedules';
import { parse, statementsOf, tempBuildDir, testConfig } from './helpers';

// Schedules, alarms, the alarm topic and the dashboard, as `npm run synth` emits them.
function synthStack(
  jobs: readonly JobDefinition[] = JOBS,
  extra: Partial<ConstructorParameters<typeof AsyncApiStack>[2]> = {},
) {
  const app = Testing.app() as App;
  const stack = new AsyncApiStack(app, 'ops-test', {
    config: testConfig({}),
    buildDir: tempBuildDir(),
    jobs,
    ...extra,
  });
  const text = Testing.synth(stack);
  return { ...parse(text), json: JSON.parse(text) as Record<string, any> };
}

const [first, ...rest] = JOBS;
const scheduled: JobDefinition[] = [
  {
    ...first!,
    schedules: [
      { name: 'every-minute', expression: 'rate(1 minute)', input: { seconds: 1 } },
      { name: 'nightly', expression: 'cron(0 2 * * ? *)', timeZone: 'Europe/Berlin', enabled: false },
    ],
    alarms: {
      executionsAborted: { off: true },
      executionsFailed: { threshold: 3, periodSeconds: 600, treatMissingData: 'missing' },
    },
  },
  ...rest,
];

// The two stacks most tests read, synthesized once for the file: the tests only read them, and each
// synthesis of the whole stack is a tenth of a second or more.
let scheduledStack: ReturnType<typeof synthStack> | undefined;
let unscheduledStack: ReturnType<typeof synthStack> | undefined;
const withSchedules = () => (scheduledStack ??= synthStack(scheduled));
const withoutSchedules = () => (unscheduledStack ??= synthStack(JOBS.map(({ schedules: _s, ...job }) => job)));

describe('schedules', () => {
  const out = withSchedules();
  const schedules = Object.values(out.resources('aws_scheduler_schedule'));

  it('starts the launcher through the universal target, in the stage group, with retries and a DLQ', () => {
    expect(schedules).toHaveLength(2);
    const group = out.one('aws_scheduler_schedule_group');
    expect(group.name).toBe('async-api-dev-schedules');
    const minute = out.one('aws_scheduler_schedule', { name: `async-api-dev-${first!.name}-every-minute` });
    expect(minute.schedule_expression).toBe('rate(1 minute)');
    expect(minute.schedule_expression_timezone).toBe('UTC');
    expect(minute.state).toBe('ENABLED');
    const target = minute.target as Record<string, any>;
    expect(target.arn).toBe('arn:aws:scheduler:::aws-sdk:sfn:startExecution');
    expect(target.retry_policy).toEqual({
      maximum_retry_attempts: SCHEDULE_RETRY.maximumRetryAttempts,
      maximum_event_age_in_seconds: SCHEDULE_RETRY.maximumEventAgeInSeconds,
    });
    expect(target.dead_letter_config.arn).toMatch(/aws_sqs_queue\..*schedules_dead-letters.*\.arn/);
    // No Name: each delivery starts a launcher; the launcher names the job's execution.
    const request = JSON.parse(target.input);
    expect(Object.keys(request).sort()).toEqual(['Input', 'StateMachineArn']);
    expect(request.StateMachineArn).toMatch(/aws_sfn_state_machine\..*launcher.*\.arn/);
    expect(JSON.parse(request.Input)).toEqual({
      stateMachineArn: expect.stringMatching(new RegExp(`aws_sfn_state_machine\\..*${first!.name}.*\\.arn`)),
      schedule: 'every-minute',
      scheduledTime: '<aws.scheduler.scheduled-time>',
      input: { seconds: 1 },
    });
    const nightly = out.one('aws_scheduler_schedule', { name: `async-api-dev-${first!.name}-nightly` });
    expect(nightly.state).toBe('DISABLED');
    expect(nightly.schedule_expression_timezone).toBe('Europe/Berlin');
    expect(JSON.parse(JSON.parse((nightly.target as any).input).Input).input).toEqual({});
  });

  it("the role is assumable by Scheduler for this account's schedule group only, and starts only the launcher", () => {
    const role = out.one('aws_iam_role', { name: 'async-api-dev-scheduler' });
    const trust = JSON.parse(String(role.assume_role_policy));
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': expect.stringContaining('data.aws_caller_identity') },
          // The group's own ARN attribute (never a schedule's, nor one built by hand): what Scheduler sends.
          ArnEquals: { 'aws:SourceArn': expect.stringMatching(/^\$\{aws_scheduler_schedule_group\.[^.}]+\.arn\}$/) },
        },
      }),
    ]);
    const policy = out.one('aws_iam_role_policy', { name: 'async-api-dev-scheduler' });
    const statements = statementsOf(policy.policy);
    expect(statements.map((s) => [s.Sid, s.Action])).toEqual([
      ['StartLauncher', ['states:StartExecution']],
      ['DeadLetter', ['sqs:SendMessage']],
    ]);
    expect(statements[0]!.Resource).toEqual([expect.stringMatching(/aws_sfn_state_machine\..*launcher.*\.arn/)]);
    expect(out.one('aws_sqs_queue', { name: 'async-api-dev-schedule-dead-letters' }).sqs_managed_sse_enabled).toBe(
      true,
    );
  });

  it('lists the schedules in the outputs', () => {
    expect(out.json.output.schedules.value).toEqual([
      expect.objectContaining({
        job: first!.name,
        name: 'every-minute',
        expression: 'rate(1 minute)',
        time_zone: 'UTC',
        enabled: true,
      }),
      expect.objectContaining({ job: first!.name, name: 'nightly', time_zone: 'Europe/Berlin', enabled: false }),
    ]);
  });

  it('creates no group, role or queue when no job has a schedule', () => {
    const none = withoutSchedules();
    expect(none.resources('aws_scheduler_schedule_group')).toEqual({});
    expect(none.resources('aws_scheduler_schedule')).toEqual({});
    expect(Object.values(none.resources('aws_iam_role')).map((r) => r.name)).not.toContain('async-api-dev-scheduler');
  });

  it('adds extra schedules by job name, and refuses one on a job that does not exist', () => {
    const extra = synthStack(scheduled, {
      extraSchedules: { [rest[0]!.name]: [{ name: 'hourly', expression: 'rate(1 hour)' }] },
    });
    expect(Object.values(extra.resources('aws_scheduler_schedule'))).toHaveLength(3);
    expect(() =>
      synthStack(scheduled, { extraSchedules: { nope: [{ name: 'hourly', expression: 'rate(1 hour)' }] } }),
    ).toThrow('job "nope": schedules: no job "nope" in the registry');
  });
});

describe('alarms', () => {
  const out = withSchedules();
  const alarms = Object.values(out.resources('aws_cloudwatch_metric_alarm'));
  const named = (suffix: string) => alarms.filter((a) => String(a.alarm_name).endsWith(suffix));

  it('per job: one alarm per execution metric, on by default, overridable and switchable off', () => {
    for (const job of JOBS) {
      const own = alarms.filter(
        (a) =>
          JSON.stringify(a.dimensions ?? {}).includes('StateMachineArn') && String(a.alarm_name).includes(job.name),
      );
      const expected = Object.values(JOB_ALARMS).filter(
        (m) => !(job.name === first!.name && m === 'ExecutionsAborted'),
      );
      expect(own.map((a) => a.metric_name).sort()).toEqual([...expected].sort());
    }
    const failed = named(`${first!.name}-executions-failed`)[0]!;
    expect(failed).toMatchObject({
      threshold: 3,
      period: 600,
      treat_missing_data: 'missing',
      namespace: 'AWS/States',
      statistic: 'Sum',
    });
    const timedOut = named(`${first!.name}-executions-timed-out`)[0]!;
    expect(timedOut).toMatchObject({ threshold: 1, period: 300, treat_missing_data: 'notBreaching' });
  });

  it('API: webhook dead letters, 5xx rate and the route functions errors, all to the alarm topic', () => {
    expect(named('-dev-webhook-dead-letters')[0]).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
    });
    const fivexx = named('-dev-api-5xx')[0]!;
    expect(JSON.stringify(fivexx.metric_query)).toContain('5xx');
    const errors = named('-dev-status-function-errors')[0]!;
    expect((errors.metric_query as unknown[]).length).toBe(5);
    for (const alarm of alarms) {
      expect(alarm.alarm_actions).toEqual([expect.stringMatching(/aws_sns_topic\..*alarms_topic.*\.arn/)]);
    }
  });

  it('the alarm topic is KMS-encrypted, CloudWatch may use the key and publish for this account only', () => {
    const topic = out.one('aws_sns_topic', { name: 'async-api-dev-alarms' });
    expect(String(topic.kms_master_key_id)).toMatch(/aws_kms_key\..*alarms_key.*\.arn/);
    const policy = statementsOf(
      Object.values(out.resources('aws_sns_topic_policy')).find((p) => String(p.arn).includes('alarms_topic'))!.policy,
    );
    expect(policy).toEqual([
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['sns:Publish'] }),
    ]);
    expect(JSON.stringify(policy[0]!.Condition)).toContain('aws:SourceArn');
    expect(out.json.output.alarm_topic_arn.value).toMatch(/alarms_topic.*\.arn/);
  });

  it("a job's alarms keep its name as written, so jobs job2 and job-2 do not share an alarm name", () => {
    const twins = [
      { ...first!, name: 'job2' },
      { ...rest[0]!, name: 'job-2' },
    ];
    const names = Object.values(synthStack(twins).resources('aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(['async-api-dev-job2-executions-failed', 'async-api-dev-job-2-executions-failed']),
    );
  });

  it('API alarms can be tuned and switched off', () => {
    const tuned = synthStack(scheduled, {
      apiAlarms: { api5xx: { off: true }, webhookDeadLetters: { threshold: 10 } },
    });
    const all = Object.values(tuned.resources('aws_cloudwatch_metric_alarm'));
    expect(all.some((a) => String(a.alarm_name).endsWith('api-5xx'))).toBe(false);
    expect(all.find((a) => String(a.alarm_name).endsWith('webhook-dead-letters'))!.threshold).toBe(10);
  });
});

describe("a stage's alarm overrides", () => {
  it.each([
    [
      { apiAlarms: { api5XX: { off: true } } },
      /^apiAlarms\.api5XX is not an alarm; use webhookDeadLetters, api5xx, statusFunctionErrors$/,
    ],
    [
      { apiAlarms: { api5xx: { periodSeconds: 90 } } },
      /^apiAlarms\.api5xx\.periodSeconds 90 must be a multiple of 60 seconds$/,
    ],
    [
      { scheduleAlarms: { launcherFailed: { threshold: -1 } } },
      /^scheduleAlarms\.launcherFailed\.threshold -1 must be a number >= 0$/,
    ],
    [
      { scheduleAlarms: { launcherFailed: { evaluationPeriods: 289 } } },
      /^scheduleAlarms\.launcherFailed\.evaluationPeriods periods of 300 s x 289/,
    ],
  ])('%j fails synth with one line naming the field', (overrides, message) => {
    expect(() => synthStack(scheduled, overrides as never)).toThrow(message);
  });

  it('accepts the largest span CloudWatch evaluates (one day)', () => {
    const out = synthStack(scheduled, { scheduleAlarms: { launcherFailed: { evaluationPeriods: 288 } } });
    const alarm = Object.values(out.resources('aws_cloudwatch_metric_alarm')).find((a) =>
      String(a.alarm_description).includes('(launcherFailed)'),
    );
    expect(alarm!.evaluation_periods).toBe(288);
  });
});

describe('missed-run alarms', () => {
  const missedRun = (out: ReturnType<typeof synthStack>) =>
    Object.values(out.resources('aws_cloudwatch_metric_alarm')).filter((a) =>
      SCHEDULE_ALARMS.some((name) => String(a.alarm_description).includes(`(${name})`)),
    );

  it("with a schedule: the launcher's failed and timed-out executions and the schedules' dead letters, to the alarm topic", () => {
    const out = withSchedules();
    const byName = Object.fromEntries(missedRun(out).map((a) => [a.alarm_name, a]));
    expect(Object.keys(byName).sort()).toEqual([
      'async-api-dev-launcher-failed',
      'async-api-dev-launcher-timed-out',
      'async-api-dev-schedule-dead-letters',
    ]);
    const launcher = /^\$\{aws_sfn_state_machine\..*schedules_launcher.*\.arn\}$/;
    expect(byName['async-api-dev-launcher-failed']).toMatchObject({
      namespace: 'AWS/States',
      metric_name: 'ExecutionsFailed',
      statistic: 'Sum',
      dimensions: { StateMachineArn: expect.stringMatching(launcher) },
      threshold: 1,
      period: 300,
      treat_missing_data: 'notBreaching',
      alarm_actions: [expect.stringMatching(/aws_sns_topic\..*alarms_topic.*\.arn/)],
    });
    expect(byName['async-api-dev-launcher-timed-out']).toMatchObject({
      metric_name: 'ExecutionsTimedOut',
      dimensions: { StateMachineArn: expect.stringMatching(launcher) },
    });
    expect(byName['async-api-dev-schedule-dead-letters']).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
      dimensions: { QueueName: expect.stringMatching(/aws_sqs_queue\..*schedules_dead-letters.*\.name/) },
    });
    // The jobs' own alarms do not watch the launcher.
    const jobAlarms = Object.values(out.resources('aws_cloudwatch_metric_alarm')).filter(
      (a) => !missedRun(out).includes(a) && a.namespace === 'AWS/States',
    );
    for (const a of jobAlarms) expect(JSON.stringify(a.dimensions)).not.toMatch(/launcher/);
  });

  it('can be tuned and switched off one by one', () => {
    const tuned = synthStack(scheduled, {
      scheduleAlarms: { launcherTimedOut: { off: true }, scheduleDeadLetters: { threshold: 2, evaluationPeriods: 3 } },
    });
    const names = missedRun(tuned).map((a) => a.alarm_name);
    expect(names.sort()).toEqual(['async-api-dev-launcher-failed', 'async-api-dev-schedule-dead-letters']);
    expect(missedRun(tuned).find((a) => a.alarm_name === 'async-api-dev-schedule-dead-letters')).toMatchObject({
      threshold: 2,
      evaluation_periods: 3,
    });
  });

  it('none without a schedule (no launcher, no queue), and none with CLOUDWATCH_ALARMS=false', () => {
    expect(missedRun(withoutSchedules())).toEqual([]);
    const app = Testing.app() as App;
    const off = new AsyncApiStack(app, 'off-test', {
      config: testConfig({ CLOUDWATCH_ALARMS: 'false' }),
      buildDir: tempBuildDir(),
      jobs: scheduled,
    });
    const offOut = parse(Testing.synth(off));
    expect(Object.keys(offOut.resources('aws_sfn_state_machine')).some((k) => k.includes('launcher'))).toBe(true);
    expect(offOut.resources('aws_cloudwatch_metric_alarm')).toEqual({});
  });
});

describe('dashboard', () => {
  it('one per stage, the jobs side by side, a widget per metric and job', () => {
    const out = synthStack();
    const dashboard = out.one('aws_cloudwatch_dashboard');
    expect(dashboard.dashboard_name).toBe('async-api-dev-jobs');
    const body = JSON.parse(String(dashboard.dashboard_body));
    expect(body.widgets).toHaveLength(JOBS.length * DASHBOARD_ROWS.length);
    const titles = body.widgets.map((w: any) => w.properties.title);
    for (const job of JOBS) expect(titles).toContain(`${job.name}: Duration (ms)`);
    const duration = body.widgets.find((w: any) => w.properties.title.endsWith('Duration (ms)'));
    expect(duration.properties.metrics.map((m: any) => m.at(-1).stat)).toEqual(['p50', 'p99']);
    // Side by side: the first row's widgets do not overlap.
    const firstRow = body.widgets.filter((w: any) => w.y === 0).map((w: any) => w.x);
    expect(new Set(firstRow).size).toBe(firstRow.length);
  });
});

describe('switching the CloudWatch resources off per stage', () => {
  it('CLOUDWATCH_ALARMS=false leaves out every alarm, CLOUDWATCH_DASHBOARD=false the dashboard', () => {
    const app = Testing.app() as App;
    const stack = new AsyncApiStack(app, 'off-test', {
      config: testConfig({ CLOUDWATCH_ALARMS: 'false', CLOUDWATCH_DASHBOARD: 'false' }),
      buildDir: tempBuildDir(),
    });
    const out = parse(Testing.synth(stack));
    expect(out.resources('aws_cloudwatch_metric_alarm')).toEqual({});
    expect(out.resources('aws_cloudwatch_dashboard')).toEqual({});
    expect(Object.keys(out.resources('aws_sns_topic'))).toHaveLength(2);
    expect(() => testConfig({ CLOUDWATCH_DASHBOARD: 'off' })).toThrow(/CLOUDWATCH_DASHBOARD/);
  });
});
