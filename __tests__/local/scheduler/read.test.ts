import { readSchedules } from '../../../local/scheduler/read';
import type { TerraformJson } from '../../../local/terraform/document';
import { ResolutionError } from '../../../local/terraform/resolver';

// The ARNs the local scheduler uses come from the stack's resources as AWS computes them: the
// group's ARN (what Scheduler sends as aws:SourceArn when it assumes the role) is the one the trust
// policy references, not one built beside it.

const identity = { accountId: '123456789012', partition: 'aws' };

function stack(schedule: Record<string, unknown>, groups: Record<string, Record<string, unknown>> = {}): TerraformJson {
  return {
    provider: { aws: [{ region: 'eu-west-1' }] },
    resource: {
      aws_scheduler_schedule_group: groups,
      aws_scheduler_schedule: {
        s: {
          name: 'nightly',
          schedule_expression: 'rate(1 day)',
          target: { arn: 'arn:aws:scheduler:::aws-sdk:sfn:startExecution', role_arn: 'arn:r', input: '{}' },
          ...schedule,
        },
      },
    },
  } as unknown as TerraformJson;
}

describe('readSchedules', () => {
  it("takes the group's ARN and the schedule's from the group resource the schedule references", () => {
    // Act
    const [schedule] = readSchedules(
      stack({ group_name: '${aws_scheduler_schedule_group.g.name}' }, { g: { name: 'app-schedules' } }),
      identity,
    );

    // Assess
    expect(schedule).toMatchObject({
      groupArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule-group/app-schedules',
      arn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/app-schedules/nightly',
    });
  });

  it("a schedule without group_name is in the account's default group, which no stack creates", () => {
    // Act
    const [schedule] = readSchedules(stack({}), identity);

    // Assess
    expect(schedule).toMatchObject({
      groupArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule-group/default',
      arn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/nightly',
    });
  });

  it('refuses a schedule in a group the stack does not create, as Scheduler refuses it', () => {
    // Prepare: a group named like the one written, but one character longer.
    const doc = stack({ group_name: 'app-schedules' }, { g: { name: 'app-schedules-' } });

    // Act
    const read = () => readSchedules(doc, identity);

    // Assess
    expect(read).toThrow(ResolutionError);
    expect(read).toThrow(/group_name.*no aws_scheduler_schedule_group named "app-schedules"/);
  });
});
