/**
 * The schedules, alarms and dashboard (issue 26) of the application stack: what the provider calls
 * for each. Same conventions as `application.ts`.
 */
import { arg, call, PROVIDER_SOURCE, passRole, type Target, type TypeActions, tagged } from './types';

const src = (files: string, docs = '') => `${PROVIDER_SOURCE}/${files}${docs ? `; ${docs}` : ''}`;

const scheduler = (t: Target) => `arn:${t.partition}:scheduler:${t.region}:${t.accountId}`;
const groupArn = (t: Target) => `${scheduler(t)}:schedule-group/${arg(t, 'name')}`;
const scheduleArn = (t: Target) => `${scheduler(t)}:schedule/${arg(t, 'group_name')}/${arg(t, 'name')}`;
const alarmArn = (t: Target) =>
  `arn:${t.partition}:cloudwatch:${t.region}:${t.accountId}:alarm:${arg(t, 'alarm_name')}`;
// Dashboards are global: no region in their ARN.
const dashboardArn = (t: Target) =>
  `arn:${t.partition}:cloudwatch::${t.accountId}:dashboard/${arg(t, 'dashboard_name')}`;

export const OPERATIONS_ACTIONS: Readonly<Record<string, TypeActions>> = {
  aws_scheduler_schedule_group: {
    source: src('scheduler/schedule_group.go'),
    read: [
      call('scheduler:GetScheduleGroup', { on: groupArn }),
      call('scheduler:ListTagsForResource', { on: groupArn }),
    ],
    apply: [
      tagged('scheduler:CreateScheduleGroup', { on: groupArn }),
      tagged('scheduler:TagResource', { on: groupArn }),
      call('scheduler:UntagResource', { on: groupArn }),
    ],
    // The provider waits for the deletion by reading the group until it is gone.
    destroy: [
      call('scheduler:DeleteScheduleGroup', { on: groupArn }),
      call('scheduler:GetScheduleGroup', { on: groupArn }),
    ],
  },
  aws_scheduler_schedule: {
    // Schedules take no tags.
    source: src('scheduler/schedule.go', 'EventBridge Scheduler user guide, "Set up the execution role"'),
    read: [call('scheduler:GetSchedule', { on: scheduleArn, tags: 'none' })],
    apply: [
      call('scheduler:CreateSchedule', { on: scheduleArn, tags: 'none' }),
      call('scheduler:UpdateSchedule', { on: scheduleArn, tags: 'none' }),
      {
        ...passRole('target', 'scheduler.amazonaws.com'),
        on: (t) => String((t.config['target'] as { role_arn: string }).role_arn),
        when: () => true,
      },
    ],
    destroy: [call('scheduler:DeleteSchedule', { on: scheduleArn, tags: 'none' })],
  },
  aws_cloudwatch_metric_alarm: {
    source: src('cloudwatch/metric_alarm.go'),
    read: [
      call('cloudwatch:DescribeAlarms', { on: alarmArn }),
      call('cloudwatch:ListTagsForResource', { on: alarmArn }),
    ],
    apply: [
      tagged('cloudwatch:PutMetricAlarm', { on: alarmArn }),
      tagged('cloudwatch:TagResource', { on: alarmArn }),
      call('cloudwatch:UntagResource', { on: alarmArn }),
    ],
    destroy: [call('cloudwatch:DeleteAlarms', { on: alarmArn })],
  },
  aws_cloudwatch_dashboard: {
    // Dashboards take no tags.
    source: src('cloudwatch/dashboard.go'),
    read: [call('cloudwatch:GetDashboard', { on: dashboardArn, tags: 'none' })],
    apply: [call('cloudwatch:PutDashboard', { on: dashboardArn, tags: 'none' })],
    destroy: [call('cloudwatch:DeleteDashboards', { on: dashboardArn, tags: 'none' })],
  },
};
