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
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { SCAN_IDENTITY, type ScanIdentity, type ScannedResource } from './terraform';

/** A role with everything that decides what it may do. */
export interface RoleUnderTest {
  readonly address: string;
  /** Construct path of the `aws_iam_role`, e.g. `async-api-dev/state-machine/role/role`. */
  readonly path: string;
  readonly name: string;
  readonly arn: string;
  readonly trustPolicy: unknown;
  /** Inline policies (aws_iam_role_policy and `inline_policy` blocks) and attached managed policies the app defines. */
  readonly policies: readonly { readonly name: string; readonly policy: unknown }[];
  /** Managed policies attached in any way that the app does not define: the simulation cannot see inside them. */
  readonly managedPolicyArns: readonly string[];
  /**
   * The role's permissions boundary: its ARN, and its document when the app itself defines that
   * policy (an `aws_iam_policy`). Absent: the role has no boundary.
   */
  readonly permissionsBoundary?: { readonly arn: string; readonly policy?: unknown };
}

/** The outcome of one simulated request. */
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** ARN of an `aws_iam_policy`, as IAM assigns it: `arn:<partition>:iam::<account>:policy<path><name>`. */
export function managedPolicyArn(policy: ScannedResource, identity: ScanIdentity = SCAN_IDENTITY): string {
  return `arn:${identity.partition}:iam::${identity.accountId}:policy${String(policy.config['path'] ?? '/')}${String(policy.config['name'])}`;
}

/** Every `aws_iam_role` of the app with its policies (joined by role name, as IAM joins them). */
export function rolesOf(
  resources: readonly ScannedResource[],
  identity: ScanIdentity = SCAN_IDENTITY,
): RoleUnderTest[] {
  // Any stack's managed policies: the boundary of the application's roles lives in `ci-access`.
  const managed = new Map(
    resources
      .filter((r) => r.type === 'aws_iam_policy')
      .map((r) => [managedPolicyArn(r, identity), JSON.parse(String(r.config['policy'])) as unknown]),
  );
  return resources
    .filter((r) => r.type === 'aws_iam_role')
    .map((role) => {
      const name = String(role.config['name']);
      const sameRole = (r: ScannedResource) => r.stack === role.stack && r.config['role'] === name;
      const inline = role.config['inline_policy'];
      const inlineBlocks = (Array.isArray(inline) ? inline : inline ? [inline] : []) as Record<string, unknown>[];
      const boundaryArn = role.config['permissions_boundary'];
      const attached = [
        ...((role.config['managed_policy_arns'] as string[] | undefined) ?? []),
        ...resources
          .filter(
            (r) =>
              (r.type === 'aws_iam_role_policy_attachment' || r.type === 'aws_iam_policy_attachment') && sameRole(r),
          )
          .map((r) => String(r.config['policy_arn'])),
      ];
      return {
        address: role.address,
        path: role.path,
        name,
        arn: `arn:${identity.partition}:iam::${identity.accountId}:role${String(role.config['path'] ?? '/')}${name}`,
        trustPolicy: JSON.parse(String(role.config['assume_role_policy'])),
        policies: [
          ...resources
            .filter((r) => r.type === 'aws_iam_role_policy' && sameRole(r))
            .map((r) => ({ name: String(r.config['name'] ?? r.name), policy: JSON.parse(String(r.config['policy'])) })),
          ...inlineBlocks.map((b, i) => ({
            name: String(b['name'] ?? `inline-${i}`),
            policy: JSON.parse(String(b['policy'])),
          })),
          // Managed policies the app itself defines: their documents are known.
          ...attached.filter((arn) => managed.has(arn)).map((arn) => ({ name: arn, policy: managed.get(arn) })),
        ],
        managedPolicyArns: attached.filter((arn) => !managed.has(arn)),
        ...(typeof boundaryArn === 'string' && boundaryArn !== ''
          ? {
              permissionsBoundary: {
                arn: boundaryArn,
                ...(managed.has(boundaryArn) ? { policy: managed.get(boundaryArn) } : {}),
              },
            }
          : {}),
      };
    });
}

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

/**
 * May `role` (a session of it) perform `action` on `resource`, by its identity policies and, when it
 * has one, its permissions boundary (the request must be allowed by both)?
 * @param context request context keys, e.g. `{ 'iam:PassedToService': 'lambda.amazonaws.com' }`.
 */
export function mayPerform(
  role: RoleUnderTest,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
  identity: ScanIdentity = SCAN_IDENTITY,
): Promise<Decision> {
  return decide(
    {
      request: {
        principal: `arn:${identity.partition}:sts::${identity.accountId}:assumed-role/${role.name}/security-test`,
        action,
        resource: { resource, accountId: identity.accountId },
        contextVariables: context,
      },
      identityPolicies: role.policies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: boundaryPolicies(role),
    },
    `${role.name} ${action} ${resource}`,
  );
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
