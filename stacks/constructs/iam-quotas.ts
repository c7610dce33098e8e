import { type PolicyStatement, policyDocument } from './service-role';

/**
 * IAM's size and count quotas for a role's permissions policies (IAM user guide, "IAM and AWS STS
 * quotas", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). Sizes are in
 * characters, whitespace not counted; a policy of exactly the quota is accepted ("cannot exceed").
 */
export const IAM_ROLE_POLICY_QUOTAS = {
  /** All inline policies of one role together. Not adjustable. */
  inlineCharsPerRole: 10_240,
  /** One customer-managed policy. Not adjustable. */
  managedPolicyChars: 6_144,
  /** Managed policies attached to one role: 10 by default, up to 20 through a quota increase. */
  managedPoliciesPerRole: 10,
} as const;

/** A customer-managed policy of a role: one group of its statements. */
export interface ManagedPolicyGroup {
  /** Appended to the role's name to name the policy, e.g. `read` → `<role>-read`. */
  readonly name: string;
  readonly description: string;
  readonly statements: readonly PolicyStatement[];
}

/** A role's permissions: one inline policy and the customer-managed policies attached to it. */
export interface RolePolicies {
  readonly inline: readonly PolicyStatement[];
  readonly managed: readonly ManagedPolicyGroup[];
}

/** What IAM counts of a policy document: its characters other than whitespace. */
export function policySize(document: string): number {
  return document.replace(/\s/g, '').length;
}

/** Every quota `policies` exceeds, each with the size or count and the quota; empty when all fit. */
export function quotaProblems(policies: RolePolicies): string[] {
  const q = IAM_ROLE_POLICY_QUOTAS;
  const problems: string[] = [];
  const inline = policySize(policyDocument(policies.inline));
  if (inline > q.inlineCharsPerRole)
    problems.push(`inline policy: ${inline} characters, over the ${q.inlineCharsPerRole} of a role's inline policies`);
  for (const group of policies.managed) {
    const size = policySize(policyDocument(group.statements));
    if (size > q.managedPolicyChars)
      problems.push(
        `managed policy ${group.name}: ${size} characters, over the ${q.managedPolicyChars} of a managed policy`,
      );
  }
  if (policies.managed.length > q.managedPoliciesPerRole)
    problems.push(
      `${policies.managed.length} managed policies, over the ${q.managedPoliciesPerRole} a role may have attached by default`,
    );
  return problems;
}
