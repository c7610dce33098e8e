/**
 * The CI tests' questions to the IAM simulation, as thin adapters over `security/least-privilege.ts`
 * (the one wrapper around iam-simulate): a bare policy or trust policy is turned into the role those
 * functions take.
 */
import {
  type Decision,
  mayAssumeWithWebIdentity,
  mayPerform,
  type RoleUnderTest,
} from '../../security/least-privilege';
import { SCAN_IDENTITY } from '../../security/terraform';
import { appBoundaryPolicyName, ciRoleNames } from '../../stacks/ci-access-stack';
import type { CiPolicyScope } from '../../stacks/constructs/ci-policies';

export type { Decision } from '../../security/least-privilege';

/** The account every simulated ARN lives in. */
export const ACCOUNT = SCAN_IDENTITY.accountId;
export const REGION = 'us-east-1';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

/** The dev stage's CI role names. */
export const DEV_ROLES = ciRoleNames('dev');
/** The scope the CI role policies are rendered for in the tests: the dev stage in {@link ACCOUNT}. */
export const DEV_SCOPE: CiPolicyScope = {
  partition: 'aws',
  region: REGION,
  accountId: ACCOUNT,
  appPrefix: 'async-api-dev',
  appTags: { project: 'async-api', stage: 'dev' },
  stateBucket: 'test-state',
  appStateKey: 'async-api/dev/terraform.tfstate',
  ciAccessStateKey: 'async-api/dev/ci-access.tfstate',
  ciRoleNames: [DEV_ROLES.plan, DEV_ROLES.deploy],
  oidcProviderArn: PROVIDER_ARN,
  appBoundaryPolicyName: appBoundaryPolicyName('dev'),
};

/** What GitHub's OIDC token says about the job asking for credentials. */
export interface WebIdentity {
  readonly sub: string;
  /** Default `sts.amazonaws.com`. */
  readonly aud?: string;
  /** The IAM OIDC provider the token is presented through; default {@link PROVIDER_ARN}. */
  readonly providerArn?: string;
}

function roleWith(fields: Partial<RoleUnderTest>): RoleUnderTest {
  const name = 'gha-async-api-dev-deploy';
  return {
    address: `test:aws_iam_role.${name}`,
    path: `test/${name}`,
    name,
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    trustPolicy: {},
    policies: [],
    managedPolicyArns: [],
    ...fields,
  };
}

/** May a GitHub Actions job with `identity` assume a role with `trustPolicy`? */
export function assumeRoleWithWebIdentity(trustPolicy: unknown, identity: WebIdentity): Promise<Decision> {
  return mayAssumeWithWebIdentity(roleWith({ trustPolicy }), {
    providerArn: identity.providerArn ?? PROVIDER_ARN,
    sub: identity.sub,
    aud: identity.aud ?? 'sts.amazonaws.com',
  });
}

/**
 * Evaluates an identity policy for one request. The simulation is validated: an unknown action, a
 * resource of the wrong type or a context key the action does not have fails the test instead of
 * reading as "denied".
 */
export function decide(
  policy: unknown,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
  /** The resource's own policy, e.g. a KMS key policy (without one, no identity policy grants anything on a key). */
  resourcePolicy?: unknown,
): Promise<Decision> {
  return mayPerform(
    roleWith({ policies: [{ name: 'inline', policy }] }),
    action,
    resource,
    context,
    resourcePolicy === undefined ? {} : { resourcePolicy },
  );
}
