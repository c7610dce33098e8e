/**
 * What the CI roles need for schedules, alarms and the dashboard (issue 26), kept apart from
 * `ci-policies.ts` so that file's rewrite and this addition merge cleanly: `planRoleStatements`
 * appends the reads ({@link operationsReadStatements}); the deploy role gets reads and writes as a
 * managed policy of their own ({@link operationsDeployStatements}, the `operations` group of
 * `deployRolePolicies` in `ci-deploy-policies.ts`). Resource types and the actions the Terraform AWS provider calls
 * for them (read: refresh and plan; write: apply):
 *
 * | Terraform resource type | read | write |
 * |---|---|---|
 * | `aws_scheduler_schedule_group` | scheduler:GetScheduleGroup, scheduler:ListTagsForResource | scheduler:CreateScheduleGroup, scheduler:DeleteScheduleGroup, scheduler:TagResource, scheduler:UntagResource |
 * | `aws_scheduler_schedule` | scheduler:GetSchedule | scheduler:CreateSchedule, scheduler:UpdateSchedule, scheduler:DeleteSchedule, iam:PassRole (to scheduler.amazonaws.com) |
 * | `aws_cloudwatch_metric_alarm` | cloudwatch:DescribeAlarms, cloudwatch:ListTagsForResource | cloudwatch:PutMetricAlarm, cloudwatch:DeleteAlarms, cloudwatch:TagResource, cloudwatch:UntagResource |
 * | `aws_cloudwatch_dashboard` | cloudwatch:GetDashboard | cloudwatch:PutDashboard, cloudwatch:DeleteDashboards |
 *
 * The alarm topic, its key and policy and the schedules' dead-letter queue are of types the deploy
 * role already writes (SNS topics, KMS keys, SQS queues of the stage).
 */
import type { CiPolicyScope } from './ci-policies';
import type { PolicyStatement } from './service-role';

/** The service the scheduler role is for: the deploy role may pass it to this one as well. */
export const OPERATIONS_ROLE_SERVICES = ['scheduler.amazonaws.com'] as const;

/** ARN patterns of the stage's schedules, groups, alarms and dashboards. */
export function operationsArns(s: CiPolicyScope) {
  const { partition: p, region: r, accountId: a, appPrefix: prefix } = s;
  return {
    scheduleGroups: `arn:${p}:scheduler:${r}:${a}:schedule-group/${prefix}-*`,
    schedules: `arn:${p}:scheduler:${r}:${a}:schedule/${prefix}-*/${prefix}-*`,
    alarms: `arn:${p}:cloudwatch:${r}:${a}:alarm:${prefix}-*`,
    // Dashboards are global: no region in their ARN.
    dashboards: `arn:${p}:cloudwatch::${a}:dashboard/${prefix}-*`,
  };
}

/**
 * Reads of the stage's schedules, alarms and dashboard (plan and deploy roles); one statement per
 * resource type. The plan role reads the deploy role's managed policy for them with the others
 * (`ReadCiAccessPolicies`, `policy/<deploy role>-*`).
 */
export function operationsReadStatements(s: CiPolicyScope): PolicyStatement[] {
  const arns = operationsArns(s);
  return [
    {
      sid: 'ReadScheduleGroups',
      actions: ['scheduler:GetScheduleGroup', 'scheduler:ListTagsForResource'],
      resources: [arns.scheduleGroups],
    },
    { sid: 'ReadSchedules', actions: ['scheduler:GetSchedule'], resources: [arns.schedules] },
    {
      sid: 'ReadAlarms',
      actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
      resources: [arns.alarms],
    },
    { sid: 'ReadDashboards', actions: ['cloudwatch:GetDashboard'], resources: [arns.dashboards] },
  ];
}

/** Creating, changing and deleting them (deploy role), and passing the scheduler role to Scheduler. */
export function operationsWriteStatements(s: CiPolicyScope): PolicyStatement[] {
  const arns = operationsArns(s);
  const roles = `arn:${s.partition}:iam::${s.accountId}:role/${s.appPrefix}-*`;
  return [
    {
      sid: 'WriteScheduleGroups',
      actions: [
        'scheduler:CreateScheduleGroup',
        'scheduler:DeleteScheduleGroup',
        'scheduler:TagResource',
        'scheduler:UntagResource',
      ],
      resources: [arns.scheduleGroups],
    },
    {
      sid: 'WriteSchedules',
      actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
      resources: [arns.schedules],
    },
    {
      sid: 'WriteAlarms',
      actions: [
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:TagResource',
        'cloudwatch:UntagResource',
      ],
      resources: [arns.alarms],
    },
    {
      sid: 'WriteDashboards',
      actions: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
      resources: [arns.dashboards],
    },
    {
      sid: 'PassRolesToScheduler',
      actions: ['iam:PassRole'],
      resources: [roles],
      condition: { StringEquals: { 'iam:PassedToService': [...OPERATIONS_ROLE_SERVICES] } },
    },
  ];
}

/** The deploy role's managed policy: reads and writes of the stage's schedules, alarms and dashboard. */
export function operationsDeployStatements(s: CiPolicyScope): PolicyStatement[] {
  return [...operationsReadStatements(s), ...operationsWriteStatements(s)];
}
