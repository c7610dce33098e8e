/**
 * The app's IAM roles as the simulator needs them, and the questions the least-privilege tests ask:
 * may this role do this action on this resource, and who may assume it.
 *
 * Decisions come from @cloud-copilot/iam-simulate (AGPL-3.0: used by tests and the local runtime
 * only, never bundled into a Lambda), which evaluates identity, resource and trust policies the
 * way IAM documents it, and validates each request: an action on a resource type it does not
 * apply to is an error here, not a quiet "denied", so a test cannot pass by asking a meaningless
 * question.
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { requestKeys } from './condition-keys';
import type { RoleUnderTest } from './roles';
import { SCAN_IDENTITY, type ScanIdentity } from './terraform';

/** The outcome of one simulated request. */
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export { managedPolicyArn, type RoleUnderTest, rolesOf } from './roles';

/**
 * The boundary of `role` as the simulator takes it. A boundary whose document the app does not
 * define cannot be simulated: judging the role without it would answer for a role AWS never sees.
 */
function boundaryPolicies(role: RoleUnderTest): { name: string; policy: unknown }[] | undefined {
  const boundary = role.permissionsBoundary;
  if (!boundary) return undefined;
  if (boundary.policy === undefined) {
    throw new Error(
      `cannot simulate ${role.name}: its permissions boundary ${boundary.arn} is not a policy of the app`,
    );
  }
  return [{ name: boundary.arn, policy: boundary.policy }];
}

/**
 * The role's identity policies as the simulator takes them. A managed policy whose document the app
 * does not define cannot be simulated: judging the role without it would answer for a role AWS never sees.
 */
function identityPolicies(role: RoleUnderTest): { name: string; policy: unknown }[] {
  // `rolesOf` puts the managed policies the app defines among `policies`; these are the others.
  const unreadable = role.managedPolicyArns;
  if (unreadable.length > 0)
    throw new Error(
      `cannot simulate ${role.name}: its managed policies ${unreadable.join(', ')} are not policies of the app`,
    );
  return role.policies.map((p) => ({ name: p.name, policy: p.policy }));
}

async function decide(simulation: Simulation, what: string): Promise<Decision> {
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`cannot simulate ${what}: ${JSON.stringify(result.errors)}`);
  if (result.resultType === 'single' && (result.result.ignoredContextKeys?.length ?? 0) > 0) {
    // A context key the action does not know would be dropped and the condition judged without it.
    throw new Error(
      `cannot simulate ${what}: context keys ${result.result.ignoredContextKeys!.join(', ')} do not apply`,
    );
  }
  return result.overallResult as Decision;
}

/** What else decides a request besides the role's own policies. */
export interface PerformOptions {
  /**
   * The resource's own policy, when AWS evaluates one for the request: a KMS key policy, without
   * which no identity policy grants anything on the key.
   */
  readonly resourcePolicy?: unknown;
  readonly identity?: ScanIdentity;
}

/**
 * May `role` (a session of it) perform `action` on `resource`, by its identity policies and, when it
 * has one, its permissions boundary (the request must be allowed by both)? With a resource policy,
 * by that too, as IAM combines them.
 * @param context request context keys, e.g. `{ 'iam:PassedToService': 'lambda.amazonaws.com' }`.
 */
export function mayPerform(
  role: RoleUnderTest,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
  options: PerformOptions = {},
): Promise<Decision> {
  return decide(performing(role, action, resource, context, options), `${role.name} ${action} ${resource}`);
}

/**
 * {@link mayPerform} for a request the vendored Service Authorization Reference data cannot
 * validate: the action lists no resource type that `resource` is of (API Gateway's HTTP API writes,
 * e.g. `apigateway:POST` on `/apis/<id>/routes`). The policies are evaluated as IAM would; the caller
 * must send only keys the service documents. Refuses a request the data could validate.
 */
export async function mayPerformUnlisted(
  role: RoleUnderTest,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
  options: PerformOptions = {},
): Promise<Decision> {
  if ((await requestKeys(action, resource)).listedForAction)
    throw new Error(`${action} on ${resource} can be validated: use mayPerform`);
  return runUnsafeSimulation(performing(role, action, resource, context, options), {});
}

function performing(
  role: RoleUnderTest,
  action: string,
  resource: string,
  context: Record<string, string | string[]>,
  { resourcePolicy, identity = SCAN_IDENTITY }: PerformOptions,
): Simulation {
  return {
    request: {
      principal: `arn:${identity.partition}:sts::${identity.accountId}:assumed-role/${role.name}/security-test`,
      action,
      resource: { resource, accountId: identity.accountId },
      contextVariables: context,
    },
    identityPolicies: identityPolicies(role),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    permissionBoundaryPolicies: boundaryPolicies(role),
    ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
  };
}

/**
 * May `principal` (a service such as `states.amazonaws.com`, or an IAM ARN) assume `role` with
 * `sts:AssumeRole`, by the role's trust policy? An IAM principal is given an identity policy that
 * allows `sts:AssumeRole` on everything, so only the trust policy can stop it.
 */
export function mayAssume(
  role: RoleUnderTest,
  principal: string,
  context: Record<string, string> = {},
  identity: ScanIdentity = SCAN_IDENTITY,
): Promise<Decision> {
  const isService = principal.endsWith('.amazonaws.com');
  return decide(
    {
      request: {
        principal,
        action: 'sts:AssumeRole',
        resource: { resource: role.arn, accountId: identity.accountId },
        contextVariables: context,
      },
      identityPolicies: isService
        ? []
        : [
            {
              name: 'assume-anything',
              policy: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
              },
            },
          ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: role.trustPolicy,
    },
    `${principal} assuming ${role.name}`,
  );
}

const GITHUB_KEY_PREFIX = 'token.actions.githubusercontent.com:';
// iam-data (0.21) lists no `token.actions.githubusercontent.com:sub`/`:aud` keys for
// AssumeRoleWithWebIdentity, so iam-simulate would drop them and judge the conditions without them.
// The Cognito identity keys are the same kind (single-valued strings) and are listed; renaming the
// keys in both the policy and the request keeps every operator and value exactly as written.
const STAND_IN_PREFIX = 'cognito-identity.amazonaws.com:';

/** The web-identity token claims a GitHub Actions job presents. */
export interface GithubToken {
  /** ARN of the OIDC provider that issued the token. */
  readonly providerArn: string;
  /** e.g. `repo:octo-org/app:pull_request`. */
  readonly sub: string;
  /** e.g. `sts.amazonaws.com`. */
  readonly aud: string;
}

/** May a GitHub Actions job with `token` assume `role` (`sts:AssumeRoleWithWebIdentity`)? */
export function mayAssumeWithWebIdentity(
  role: RoleUnderTest,
  token: GithubToken,
  identity: ScanIdentity = SCAN_IDENTITY,
): Promise<Decision> {
  const text = JSON.stringify(role.trustPolicy);
  if (text.includes(STAND_IN_PREFIX))
    throw new Error(
      `${role.name}: trust policy already uses ${STAND_IN_PREFIX} keys; the key stand-in would be ambiguous`,
    );
  const trustPolicy = JSON.parse(text.split(GITHUB_KEY_PREFIX).join(STAND_IN_PREFIX)) as unknown;
  return decide(
    {
      request: {
        principal: token.providerArn,
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: { resource: role.arn, accountId: identity.accountId },
        contextVariables: { [`${STAND_IN_PREFIX}sub`]: token.sub, [`${STAND_IN_PREFIX}aud`]: token.aud },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trustPolicy,
    },
    `${token.sub} assuming ${role.name}`,
  );
}

/**
 * May `principal` do `action` on `resource` according to a resource policy (a bucket policy, a
 * function's permissions)? The principal's own identity policy allows everything, so the answer is
 * the resource policy's alone.
 */
export function resourcePolicyAllows(
  resourcePolicy: unknown,
  principal: string,
  action: string,
  resource: string,
  context: Record<string, string>,
  identity: ScanIdentity = SCAN_IDENTITY,
): Promise<Decision> {
  const isService = principal.endsWith('.amazonaws.com');
  return decide(
    {
      request: { principal, action, resource: { resource, accountId: identity.accountId }, contextVariables: context },
      identityPolicies: isService
        ? []
        : [
            {
              name: 'allow-all',
              policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
            },
          ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    },
    `${principal} ${action} ${resource}`,
  );
}
