/**
 * Limits of what schedules and alarms create (EventBridge Scheduler, CloudWatch alarms and
 * dashboards) and of the execution input a schedule carries. These services' API models are not in
 * `aws-api-limits.json`, so each limit is the documented one, with its source. Data only;
 * `limit-rules.ts` merges it in, and `stacks/schedules.ts` checks a schedule's input against
 * {@link START_EXECUTION_INPUT}.
 */
import type { AttributeRule, Stricter } from './limit-rules';

/** StartExecution's input: the limit the start route and every schedule share. */
export const START_EXECUTION_INPUT: Stricter = {
  max: 262_144,
  source: 'Step Functions StartExecution input: at most 256 KiB (262,144 bytes) of UTF-8',
};

const NAME_64: Omit<Stricter, 'source'> = { min: 1, max: 64, pattern: '^[0-9a-zA-Z._-]+$' };

/** Documented limits of the schedule and alarm resources' request members. */
export const SCHEDULE_STRICTER: Readonly<Record<string, Stricter>> = {
  'states:StartExecution.input': START_EXECUTION_INPUT,
  'scheduler:CreateSchedule.Name': {
    ...NAME_64,
    source: 'EventBridge Scheduler CreateSchedule Name: 1-64 characters of letters, digits, ".", "-" and "_"',
  },
  'scheduler:CreateScheduleGroup.Name': {
    ...NAME_64,
    source: 'EventBridge Scheduler CreateScheduleGroup Name: 1-64 characters of letters, digits, ".", "-" and "_"',
  },
  'scheduler:CreateSchedule.ScheduleExpression': {
    min: 1,
    max: 256,
    source: 'EventBridge Scheduler CreateSchedule ScheduleExpression: 1-256 characters',
  },
  'scheduler:CreateSchedule.ScheduleExpressionTimezone': {
    min: 1,
    max: 50,
    source: 'EventBridge Scheduler CreateSchedule ScheduleExpressionTimezone: 1-50 characters',
  },
  'scheduler:CreateSchedule.Description': {
    max: 512,
    source: 'EventBridge Scheduler CreateSchedule Description: at most 512 characters',
  },
  'scheduler:RetryPolicy.MaximumRetryAttempts': {
    min: 0,
    max: 185,
    source: 'EventBridge Scheduler RetryPolicy MaximumRetryAttempts: 0-185',
  },
  'scheduler:RetryPolicy.MaximumEventAgeInSeconds': {
    min: 60,
    max: 86_400,
    source: 'EventBridge Scheduler RetryPolicy MaximumEventAgeInSeconds: 60-86,400',
  },
  'cloudwatch:PutMetricAlarm.AlarmName': {
    min: 1,
    max: 255,
    source: 'CloudWatch PutMetricAlarm AlarmName: 1-255 characters',
  },
  'cloudwatch:PutMetricAlarm.AlarmDescription': {
    max: 1024,
    source: 'CloudWatch PutMetricAlarm AlarmDescription: at most 1,024 characters',
  },
  'cloudwatch:PutMetricAlarm.EvaluationPeriods': {
    min: 1,
    source: 'CloudWatch PutMetricAlarm EvaluationPeriods: at least 1',
  },
  'cloudwatch:PutMetricAlarm.TreatMissingData': {
    enum: ['breaching', 'notBreaching', 'ignore', 'missing'],
    source: 'CloudWatch PutMetricAlarm TreatMissingData: breaching, notBreaching, ignore or missing',
  },
  'cloudwatch:PutDashboard.DashboardName': {
    min: 1,
    max: 255,
    pattern: '^[A-Za-z0-9_-]+$',
    source: 'CloudWatch PutDashboard DashboardName: 1-255 characters of letters, digits, "-" and "_"',
  },
};

/** Which member limits each attribute of the schedule and alarm resources. */
export const SCHEDULE_RULES: Readonly<Record<string, readonly AttributeRule[]>> = {
  aws_scheduler_schedule_group: [{ attribute: 'name', member: 'scheduler:CreateScheduleGroup.Name' }],
  aws_scheduler_schedule: [
    { attribute: 'name', member: 'scheduler:CreateSchedule.Name' },
    { attribute: 'schedule_expression', member: 'scheduler:CreateSchedule.ScheduleExpression' },
    { attribute: 'schedule_expression_timezone', member: 'scheduler:CreateSchedule.ScheduleExpressionTimezone' },
    { attribute: 'description', member: 'scheduler:CreateSchedule.Description' },
    { attribute: 'target.role_arn', arnOf: 'iam:role' },
    { attribute: 'target.dead_letter_config.arn', arnOf: 'sqs:queue' },
    { attribute: 'target.retry_policy.maximum_retry_attempts', member: 'scheduler:RetryPolicy.MaximumRetryAttempts' },
    {
      attribute: 'target.retry_policy.maximum_event_age_in_seconds',
      member: 'scheduler:RetryPolicy.MaximumEventAgeInSeconds',
    },
  ],
  aws_cloudwatch_metric_alarm: [
    { attribute: 'alarm_name', member: 'cloudwatch:PutMetricAlarm.AlarmName' },
    { attribute: 'alarm_description', member: 'cloudwatch:PutMetricAlarm.AlarmDescription' },
    { attribute: 'evaluation_periods', member: 'cloudwatch:PutMetricAlarm.EvaluationPeriods' },
    { attribute: 'treat_missing_data', member: 'cloudwatch:PutMetricAlarm.TreatMissingData' },
  ],
  aws_cloudwatch_dashboard: [{ attribute: 'dashboard_name', member: 'cloudwatch:PutDashboard.DashboardName' }],
};
