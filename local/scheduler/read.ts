/**
 * The schedules and alarms of a synthesized stack, as the local runtime serves them: read from the
 * same `aws_scheduler_schedule` and `aws_cloudwatch_metric_alarm` resources AWS would create, with
 * their references resolved (the target's request holds the state machine's ARN).
 */

import { DEFAULT_SCHEDULE_GROUP, scheduleGroupArn } from '../terraform/computed';
import type { TerraformJson } from '../terraform/document';
import { resourcesOfType } from '../terraform/document';
import { type LocalIdentity, ResolutionError, TerraformResolver } from '../terraform/resolver';

/** One schedule. */
export interface ScheduleModel {
  readonly address: string;
  /** The schedule's own name (`<project>-<stage>-<job>-<schedule>`). */
  readonly name: string;
  readonly arn: string;
  /** Its group's ARN: what Scheduler sends as `aws:SourceArn` when it assumes the role. */
  readonly groupArn: string;
  readonly expression: string;
  readonly timeZone: string;
  readonly enabled: boolean;
  /** The universal target's ARN, e.g. `arn:aws:scheduler:::aws-sdk:sfn:startExecution`. */
  readonly targetArn: string;
  readonly roleArn: string;
  /** The target's request, with Scheduler's `<aws.scheduler.*>` attributes still in it. */
  readonly input: string;
  /** How long Scheduler keeps retrying a delivery (seconds). */
  readonly maximumEventAgeSeconds: number;
}

/** One alarm on a Step Functions execution metric (the ones the runtime can measure). */
export interface ExecutionAlarmModel {
  readonly name: string;
  readonly metricName: string;
  readonly stateMachineArn: string;
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
}

/** Scheduler's default event age (24 hours), when a schedule sets no retry policy. */
const DEFAULT_EVENT_AGE_SECONDS = 86_400;

/** The stack's schedules. @throws ResolutionError for a value that cannot be evaluated. */
export function readSchedules(doc: TerraformJson, identity: LocalIdentity): ScheduleModel[] {
  const resolver = new TerraformResolver(doc, identity);
  return resourcesOfType(doc, 'aws_scheduler_schedule').map((b) => {
    const r = resolver.resource(b.address);
    const input = r.arg('target.input');
    if (typeof input !== 'string')
      throw new ResolutionError({ address: b.address, attribute: 'target.input' }, 'the target has no request');
    return {
      address: b.address,
      name: r.stringArg('name'),
      arn: String(resolver.attribute(b.address, 'arn', { address: b.address, attribute: 'arn' })),
      groupArn: groupArnOf(doc, resolver, b.address),
      expression: r.stringArg('schedule_expression'),
      timeZone: (r.arg('schedule_expression_timezone') as string | undefined) ?? 'UTC',
      enabled: r.arg('state') !== 'DISABLED',
      targetArn: r.stringArg('target.arn'),
      roleArn: r.stringArg('target.role_arn'),
      input,
      maximumEventAgeSeconds: Number(
        r.arg('target.retry_policy.maximum_event_age_in_seconds') ?? DEFAULT_EVENT_AGE_SECONDS,
      ),
    };
  });
}

/**
 * The ARN of the group a schedule is in, as the stack's `aws_scheduler_schedule_group` resolves it
 * (or the account's `default` group). A group the stack does not create is refused: Scheduler
 * refuses to create a schedule in a group that does not exist.
 */
function groupArnOf(doc: TerraformJson, resolver: TerraformResolver, address: string): string {
  const location = { address, attribute: 'group_name' };
  const group = (resolver.resource(address).arg('group_name') as string | undefined) ?? DEFAULT_SCHEDULE_GROUP;
  if (group === DEFAULT_SCHEDULE_GROUP) return scheduleGroupArn(resolver, group);
  const found = resourcesOfType(doc, 'aws_scheduler_schedule_group').find(
    (g) => resolver.resource(g.address).arg('name') === group,
  );
  if (!found)
    throw new ResolutionError(
      location,
      `the stack creates no aws_scheduler_schedule_group named ${JSON.stringify(group)}, and Scheduler refuses a schedule in a group that does not exist`,
    );
  return String(resolver.attribute(found.address, 'arn', location));
}

/** The stack's alarms on `AWS/States` metrics of one state machine; other alarms are AWS's only. */
export function readExecutionAlarms(doc: TerraformJson, identity: LocalIdentity): ExecutionAlarmModel[] {
  const resolver = new TerraformResolver(doc, identity);
  return resourcesOfType(doc, 'aws_cloudwatch_metric_alarm').flatMap((b) => {
    const r = resolver.resource(b.address);
    const machine = r.arg('dimensions.StateMachineArn');
    if (r.arg('namespace') !== 'AWS/States' || typeof machine !== 'string') return [];
    return [
      {
        name: r.stringArg('alarm_name'),
        metricName: r.stringArg('metric_name'),
        stateMachineArn: machine,
        threshold: Number(r.arg('threshold')),
        periodSeconds: Number(r.arg('period')),
        evaluationPeriods: Number(r.arg('evaluation_periods') ?? 1),
      },
    ];
  });
}
