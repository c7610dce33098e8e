/**
 * The app's IAM roles as the simulator needs them: each `aws_iam_role` of the synthesized stacks with
 * its inline policies, managed policies and permissions boundary, joined as IAM joins them.
 */
import type { ScannedResource } from './terraform';

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

/** ARN of an `aws_iam_policy` as IAM assigns it (`arn:<partition>:iam::<account>:policy<path><name>`). */
export function managedPolicyArn(policy: ScannedResource): string {
  return arnOf(policy);
}

/** The ARN the scan computed for a resource, from the one table of what AWS computes. */
function arnOf(resource: ScannedResource): string {
  if (resource.arn === undefined) throw new Error(`${resource.address} has no computed ARN`);
  return resource.arn;
}

/** Every `aws_iam_role` of the app with its policies (joined by role name, as IAM joins them). */
export function rolesOf(resources: readonly ScannedResource[]): RoleUnderTest[] {
  // Any stack's managed policies: the boundary of the application's roles lives in `ci-access`.
  const managed = new Map(
    resources
      .filter((r) => r.type === 'aws_iam_policy')
      .map((r) => [managedPolicyArn(r), JSON.parse(String(r.config['policy'])) as unknown]),
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
        arn: arnOf(role),
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
