/** Rules for what runs the jobs in production: schedules, alarms and the alarm topic. */
import { valueAt } from '../../local/terraform/document';
import type { Rule } from '../engine';
import { fail, pass, present } from './verdicts';

/** See `security/rules.ts`. */
export const OPERATION_RULES: readonly Rule[] = [
  // --- Schedules and alarms (EventBridge Scheduler, CloudWatch) -------------------------------
  {
    ids: ['AAPI_SCHEDULE_DLQ'],
    title: 'Schedules retry and keep what they could not deliver in a dead-letter queue',
    resourceTypes: ['aws_scheduler_schedule'],
    mirrors:
      "Own rule: an aws_scheduler_schedule's target has `dead_letter_config.arn` and a `retry_policy`, so a start that failed (throttling, a deleted machine) waits in a queue instead of vanishing with Scheduler's default of no DLQ.",
    check: (schedule) => {
      const problems: string[] = [];
      if (!present(valueAt(schedule.config, 'target.dead_letter_config.arn')))
        problems.push('target.dead_letter_config.arn is not set');
      if (!present(valueAt(schedule.config, 'target.retry_policy'))) problems.push('target.retry_policy is not set');
      return problems.length === 0 ? pass : fail(...problems);
    },
  },
  {
    ids: ['AAPI_SCHEDULE_TIME_ZONE'],
    title: 'Schedules name their time zone',
    resourceTypes: ['aws_scheduler_schedule'],
    mirrors:
      'Own rule: `schedule_expression_timezone` is set, so "02:00" in a cron means what the registry says and daylight saving is handled, not an implicit UTC.',
    check: (schedule) =>
      present(schedule.config['schedule_expression_timezone']) ? pass : fail('schedule_expression_timezone is not set'),
  },
  {
    ids: ['AAPI_ALARM_ACTIONS'],
    title: 'Alarms notify someone',
    resourceTypes: ['aws_cloudwatch_metric_alarm'],
    mirrors:
      'Own rule: `alarm_actions` names at least one SNS topic, and `actions_enabled` is not false; an alarm nobody hears is a dashboard tile, not an alarm.',
    check: (alarm) => {
      const actions = alarm.config['alarm_actions'];
      if (alarm.config['actions_enabled'] === false) return fail('actions_enabled is false');
      if (!present(actions)) return fail('alarm_actions is empty');
      const topics = (actions as unknown[]).filter((a) => typeof a === 'string' && /(:sns:|aws_sns_topic\.)/.test(a));
      return topics.length > 0 ? pass : fail('no alarm action is an SNS topic');
    },
  },
];
