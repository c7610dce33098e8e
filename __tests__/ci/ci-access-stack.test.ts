import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Testing } from 'cdktf';
import { appBoundaryPolicyName, CiAccessStack, ciRoleNames } from '../../stacks/ci-access-stack';
import { parseConfig } from '../../stacks/config';
import { GithubActionsRole } from '../../stacks/constructs/github-oidc';
import type { ManagedPolicyGroup } from '../../stacks/constructs/iam-quotas';
import type { PolicyStatement } from '../../stacks/constructs/service-role';
import { assumeRoleWithWebIdentity, PROVIDER_ARN } from './iam';

const REPO = 'octo-org/async-api';

interface Synth {
  readonly text: string;
  readonly json: {
    terraform: { backend: { s3: Record<string, unknown> } };
    resource: Record<string, Record<string, Record<string, unknown>>>;
    output: Record<string, { value: string }>;
  };
}

function synthCiAccess(env: Record<string, string> = {}): Synth {
  const config = parseConfig({ TF_STATE_BUCKET: 'test-state', GITHUB_REPOSITORY: REPO, ...env });
  const stack = new CiAccessStack(Testing.app(), 'ci-access', { config, ciAccess: config.ciAccess! });
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) };
}

/** The trust policy of the role named `name`, with the provider's ARN token replaced by a real ARN. */
function trustOf(synth: Synth, name: string): unknown {
  const role = Object.values(synth.json.resource.aws_iam_role!).find((r) => r.name === name);
  if (!role) throw new Error(`no role ${name}`);
  return JSON.parse(
    String(role.assume_role_policy).replace(/\$\{aws_iam_openid_connect_provider\.[^}]+\.arn\}/g, PROVIDER_ARN),
  );
}

describe('CiAccessStack', () => {
  const synth = synthCiAccess();
  const names = ciRoleNames('dev');
  const planTrust = trustOf(synth, names.plan);
  const deployTrust = trustOf(synth, names.deploy);

  it('creates the GitHub OIDC provider for the STS audience, and two roles', () => {
    expect(synth.text).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
    expect(
      Object.values(synth.json.resource.aws_iam_role!)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['gha-async-api-dev-deploy', 'gha-async-api-dev-plan']);
  });

  it('keeps its state in the application bucket under its own key, locked by S3', () => {
    expect(synth.json.terraform.backend.s3).toMatchObject({
      bucket: 'test-state',
      key: 'async-api/dev/ci-access.tfstate',
      use_lockfile: true,
    });
    expect(synth.json.terraform.backend.s3.encrypt).toBeUndefined();
  });

  it('outputs the ARNs the repository variables need', () => {
    expect(Object.keys(synth.json.output).sort()).toEqual([
      'app_permissions_boundary_arn',
      'deploy_role_arn',
      'oidc_provider_arn',
      'plan_role_arn',
    ]);
    expect(synth.json.output.app_permissions_boundary_arn!.value).toBe('${aws_iam_policy.app-boundary.arn}');
  });

  it('attaches to the deploy role, and to it only, the managed policies named after it', () => {
    const own = Object.entries(synth.json.resource.aws_iam_policy ?? {}).filter(([, p]) =>
      String(p.name).startsWith(`${names.deploy}-`),
    );
    const attachments = Object.values(synth.json.resource.aws_iam_role_policy_attachment ?? {});
    const deployRole = Object.entries(synth.json.resource.aws_iam_role!).find(([, r]) => r.name === names.deploy)![0];

    expect(own.map(([, p]) => p.name).sort()).toEqual(
      ['compute', 'operations', 'read', 'webhooks'].map((group) => `${names.deploy}-${group}`),
    );
    expect(attachments.map((a) => [a.role, a.policy_arn]).sort()).toEqual(
      own.map(([id]) => [`\${aws_iam_role.${deployRole}.name}`, `\${aws_iam_policy.${id}.arn}`]).sort(),
    );
  });

  describe("the application roles' permissions boundary", () => {
    const policies = Object.values(synth.json.resource.aws_iam_policy ?? {});
    const boundary = policies.find((p) => p.name === appBoundaryPolicyName('dev'))!;
    const statements = JSON.parse(String(boundary.policy)).Statement as {
      Sid: string;
      Action: string | string[];
      Resource: string | string[];
    }[];
    const list = (v: string | string[]) => [v].flat();
    // The account is a data-source token in the synthesized JSON.
    const prefix = (service: string) => `arn:aws:${service}:us-east-1:\${data.aws_caller_identity.account.account_id}:`;

    it("is one managed policy named outside the application's prefix, with the default path", () => {
      // The others are the deploy role's own, named after it.
      expect(policies.filter((p) => !String(p.name).startsWith(`${names.deploy}-`))).toEqual([boundary]);
      expect(boundary).toMatchObject({ name: appBoundaryPolicyName('dev') });
      expect(String(boundary.name).startsWith('async-api-dev-')).toBe(false);
      expect(boundary).not.toHaveProperty('path');
    });

    it("allows the application roles' actions, on the application's resources where AWS allows it", () => {
      const byAction = Object.fromEntries(
        statements.flatMap((st) => list(st.Action).map((a) => [a, list(st.Resource)])),
      );

      expect(byAction).toEqual({
        'logs:CreateLogStream': [`${prefix('logs')}log-group:/aws/lambda/async-api-dev-*`],
        'logs:PutLogEvents': [`${prefix('logs')}log-group:/aws/lambda/async-api-dev-*`],
        'lambda:InvokeFunction': [`${prefix('lambda')}function:async-api-dev-*`],
        'states:StartExecution': [`${prefix('states')}stateMachine:async-api-dev-*`],
        'states:StopExecution': [`${prefix('states')}execution:async-api-dev-*:*`],
        'states:DescribeExecution': [`${prefix('states')}execution:async-api-dev-*:*`],
        'secretsmanager:GetSecretValue': [`${prefix('secretsmanager')}secret:async-api-dev-*`],
        'sqs:SendMessage': [`${prefix('sqs')}async-api-dev-*`],
        'dynamodb:PutItem': [`${prefix('dynamodb')}table/async-api-dev-*`],
        'dynamodb:DeleteItem': [`${prefix('dynamodb')}table/async-api-dev-*`],
        'dynamodb:GetItem': [`${prefix('dynamodb')}table/async-api-dev-*`],
        'states:GetExecutionHistory': [`${prefix('states')}execution:async-api-dev-*:*`],
        'states:RedriveExecution': [`${prefix('states')}execution:async-api-dev-*:*`],
        'states:ListExecutions': [`${prefix('states')}stateMachine:async-api-dev-*`],
        'logs:CreateLogDelivery': ['*'],
        'logs:GetLogDelivery': ['*'],
        'logs:UpdateLogDelivery': ['*'],
        'logs:DeleteLogDelivery': ['*'],
        'logs:ListLogDeliveries': ['*'],
        'logs:PutResourcePolicy': ['*'],
        'logs:DescribeResourcePolicies': ['*'],
        'logs:DescribeLogGroups': ['*'],
        'xray:PutTraceSegments': ['*'],
        'xray:PutTelemetryRecords': ['*'],
        'xray:GetSamplingRules': ['*'],
        'xray:GetSamplingTargets': ['*'],
      });
    });

    it("is what the deploy role's role-writing statement requires, by ARN", () => {
      const deployPolicy = Object.values(synth.json.resource.aws_iam_role_policy!).find(
        (p) => p.name === names.deploy,
      )!;
      const deploy = JSON.parse(String(deployPolicy.policy)).Statement as {
        Sid: string;
        Effect: string;
        Action: string | string[];
        Condition?: unknown;
      }[];
      const expectedArn = `arn:aws:iam::\${data.aws_caller_identity.account.account_id}:policy/${String(boundary.name)}`;

      const writesRoles = deploy.filter(
        (st) =>
          st.Effect === 'Allow' && list(st.Action).some((a) => ['iam:CreateRole', 'iam:PutRolePolicy'].includes(a)),
      );

      expect(writesRoles).toHaveLength(1);
      expect(writesRoles[0]!.Condition).toEqual({ StringEquals: { 'iam:PermissionsBoundary': expectedArn } });
      expect(list(writesRoles[0]!.Action)).toEqual(
        expect.arrayContaining([
          'iam:CreateRole',
          'iam:PutRolePolicy',
          'iam:PutRolePermissionsBoundary',
          'iam:DeleteRolePolicy',
        ]),
      );
      // And the CI roles' own managed policies (`<role>-*`).
      const ownPolicies = [names.plan, names.deploy].map(
        (role) => `arn:aws:iam::\${data.aws_caller_identity.account.account_id}:policy/${role}-*`,
      );
      expect(deploy.find((st) => st.Sid === 'NeverChangeTheBoundaryOrCiPolicies')).toMatchObject({
        Effect: 'Deny',
        Resource: [expectedArn, ...ownPolicies],
      });
      expect(deploy.find((st) => st.Sid === 'NeverRemoveAPermissionsBoundary')).toMatchObject({
        Effect: 'Deny',
        Action: 'iam:DeleteRolePermissionsBoundary',
        Resource: '*',
      });
    });
  });

  describe('plan role trust', () => {
    it('lets pull requests of the repository assume it', async () => {
      expect(await assumeRoleWithWebIdentity(planTrust, { sub: `repo:${REPO}:pull_request` })).toBe('Allowed');
    });

    it.each([
      ['a pull request of another repository', 'repo:evil/fork:pull_request'],
      ['a repository whose name only starts the same', `repo:${REPO}-fork:pull_request`],
      ['a push to main', `repo:${REPO}:ref:refs/heads/main`],
      ['a push to another branch', `repo:${REPO}:ref:refs/heads/feature/x`],
      ['the deploy environment', `repo:${REPO}:environment:production`],
    ])('refuses %s', async (_what, sub) => {
      expect(await assumeRoleWithWebIdentity(planTrust, { sub })).toBe('ImplicitlyDenied');
    });

    it("refuses a token for another audience or from another account's provider", async () => {
      const sub = `repo:${REPO}:pull_request`;

      expect(await assumeRoleWithWebIdentity(planTrust, { sub, aud: 'https://github.com/octo-org' })).toBe(
        'ImplicitlyDenied',
      );
      expect(
        await assumeRoleWithWebIdentity(planTrust, {
          sub,
          providerArn: 'arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com',
        }),
      ).toBe('ImplicitlyDenied');
    });
  });

  describe('deploy role trust', () => {
    it("lets jobs in the repository's deploy environment assume it", async () => {
      expect(await assumeRoleWithWebIdentity(deployTrust, { sub: `repo:${REPO}:environment:production` })).toBe(
        'Allowed',
      );
    });

    it.each([
      ['the same environment of another repository', 'repo:evil/fork:environment:production'],
      ['a pull request of another repository', 'repo:evil/fork:pull_request'],
      ['a pull request of the repository', `repo:${REPO}:pull_request`],
      ['a push to main outside the environment', `repo:${REPO}:ref:refs/heads/main`],
      ['a push to another branch', `repo:${REPO}:ref:refs/heads/feature/x`],
      ['another environment', `repo:${REPO}:environment:staging`],
    ])('refuses %s', async (_what, sub) => {
      expect(await assumeRoleWithWebIdentity(deployTrust, { sub })).toBe('ImplicitlyDenied');
    });

    it('trusts the environment named by DEPLOY_ENVIRONMENT', async () => {
      const trust = trustOf(synthCiAccess({ DEPLOY_ENVIRONMENT: 'prod-eu' }), names.deploy);

      expect(await assumeRoleWithWebIdentity(trust, { sub: `repo:${REPO}:environment:prod-eu` })).toBe('Allowed');
      expect(await assumeRoleWithWebIdentity(trust, { sub: `repo:${REPO}:environment:production` })).toBe(
        'ImplicitlyDenied',
      );
    });
  });

  it('reuses an existing OIDC provider instead of creating a second one', () => {
    const arn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

    const reused = synthCiAccess({ OIDC_PROVIDER_ARN: arn });

    expect(reused.json.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(
      JSON.parse(String(Object.values(reused.json.resource.aws_iam_role!)[0]!.assume_role_policy)).Statement[0]
        .Principal,
    ).toEqual({
      Federated: arn,
    });
  });

  it('names its roles outside the prefix the deploy role may change', () => {
    // The deploy role may write roles named async-api-<stage>-*; a stage such as "gha" must not
    // bring the CI roles into that pattern.
    for (const stage of ['dev', 'gha', 'ci']) {
      const roles = ciRoleNames(stage);
      expect(roles.plan.startsWith(`async-api-${stage}-`)).toBe(false);
      expect(roles.deploy.startsWith(`async-api-${stage}-`)).toBe(false);
    }
    expect(synth.text).toHaveResourceWithProperties(IamRole, {
      name: 'gha-async-api-dev-plan',
      max_session_duration: 3600,
    });
  });
});

describe('GithubActionsRole', () => {
  it.each([['repo:*:pull_request'], ['repo:octo-org/*:pull_request'], ['octo-org/async-api']])(
    'refuses the subject %s',
    (subject) => {
      expect(() =>
        Testing.synthScope((scope) => {
          new GithubActionsRole(scope, 'r', {
            roleName: 'r',
            description: 'd',
            providerArn: PROVIDER_ARN,
            subject,
            statements: [{ sid: 'S', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/k'] }],
          });
        }),
      ).toThrow(/must be repo:<owner>\/<name>:<context> without wildcards/);
    },
  );

  it('refuses wildcard actions', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new GithubActionsRole(scope, 'r', {
          roleName: 'r',
          description: 'd',
          providerArn: PROVIDER_ARN,
          subject: `repo:${REPO}:pull_request`,
          statements: [{ sid: 'Wide', actions: ['iam:*'], resources: ['*'] }],
        });
      }),
    ).toThrow(/statement Wide grants a wildcard action/);
  });

  describe('managed policies', () => {
    const statement: PolicyStatement = { sid: 'S', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/k'] };
    const groups = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `g${i}`, description: 'd', statements: [statement] }));
    const synthRole = (managedPolicies: readonly ManagedPolicyGroup[]) =>
      Testing.synthScope((scope) => {
        new GithubActionsRole(scope, 'r', {
          roleName: 'r',
          description: 'd',
          providerArn: PROVIDER_ARN,
          subject: `repo:${REPO}:pull_request`,
          statements: [statement],
          managedPolicies,
        });
      });

    it('accepts as many as IAM lets a role have attached by default (10), and refuses one more', () => {
      const synthesized = JSON.parse(synthRole(groups(10))) as { resource: Record<string, object> };

      expect(Object.keys(synthesized.resource['aws_iam_role_policy_attachment'] ?? {})).toHaveLength(10);
      expect(() => synthRole(groups(11))).toThrow(/managedPolicies has 11 policies; a role may have 10 attached/);
    });

    it('refuses a name given twice, a name IAM would refuse, an empty policy and a wildcard action', () => {
      const one = groups(1)[0]!;

      expect(() => synthRole([one, one])).toThrow(/managedPolicies names "g0" twice/);
      expect(() => synthRole([{ ...one, name: 'a b' }])).toThrow(/name "a b" may hold only/);
      expect(() => synthRole([{ ...one, statements: [] }])).toThrow(/managed policy g0 needs at least one statement/);
      expect(() => synthRole([{ ...one, statements: [{ ...statement, sid: 'Wide', actions: ['s3:*'] }] }])).toThrow(
        /policy g0: statement Wide grants a wildcard action/,
      );
    });
  });
});
