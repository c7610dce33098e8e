import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { IAM_ROLE_POLICY_QUOTAS, type ManagedPolicyGroup } from './iam-quotas';
import { InlinePolicyRole, type PolicyStatement, policyDocument, refuseWildcardActions } from './service-role';

/** Host of GitHub Actions' OIDC issuer; also the prefix of its IAM condition keys. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** Audience `aws-actions/configure-aws-credentials` requests by default. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/**
 * `sub` claim of a job run for a pull request (`pull_request` event) of `repository`. Every pull
 * request of the repository has this subject, whatever its branch; a fork's own workflows carry the
 * fork's name, and pull requests *from* forks get no OIDC token at all.
 */
export function pullRequestSubject(repository: string): string {
  return `repo:${repository}:pull_request`;
}

/**
 * `sub` claim of a job that runs in a GitHub environment. It names the environment, not the branch:
 * which branches may use the environment is the environment's deployment-branch rule on GitHub.
 */
export function environmentSubject(repository: string, environment: string): string {
  return `repo:${repository}:environment:${environment}`;
}

/** An IAM policy document as JSON-ready data. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

/**
 * Trust policy of a role for GitHub Actions: web identities from `providerArn` whose token has the STS
 * audience and exactly `subject` (`StringEquals`: no wildcard can widen it to other repositories).
 */
export function githubTrustPolicy(providerArn: string, subject: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActionsOidc',
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: subject,
          },
        },
      },
    ],
  };
}

/**
 * The account's IAM OIDC provider for GitHub Actions. No thumbprint is given: IAM verifies GitHub's
 * certificate against its own trusted CAs and fills the field in itself.
 */
export class GithubOidcProvider extends Construct {
  readonly provider: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.provider = new IamOpenidConnectProvider(this, 'provider', {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: [GITHUB_OIDC_AUDIENCE],
    });
  }
}

export interface GithubActionsRoleProps {
  readonly roleName: string;
  readonly description: string;
  /** ARN of the account's GitHub OIDC provider. */
  readonly providerArn: string;
  /** The one `sub` claim allowed to assume the role (see {@link pullRequestSubject}, {@link environmentSubject}). */
  readonly subject: string;
  /** The role's inline policy. */
  readonly statements: readonly PolicyStatement[];
  /**
   * Customer-managed policies attached to the role, each named `<roleName>-<name>`: room beyond the
   * 10,240 characters IAM allows a role's inline policies (`iam-quotas.ts`). Default: none.
   */
  readonly managedPolicies?: readonly ManagedPolicyGroup[];
}

/**
 * An IAM role that one GitHub Actions subject can assume through OIDC, with one inline policy and
 * any customer-managed policies of its own.
 */
export class GithubActionsRole extends InlinePolicyRole {
  /** The role's own managed policies, in the order of `managedPolicies`. */
  readonly managedPolicies: readonly IamPolicy[];
  readonly attachments: readonly IamRolePolicyAttachment[];

  constructor(scope: Construct, id: string, props: GithubActionsRoleProps) {
    // The subject is compared with StringEquals, so a wildcard would only ever match itself; refusing
    // it keeps a reader from mistaking it for a pattern.
    if (!/^repo:[^*?\s]+:[^*?\s]+$/.test(props.subject)) {
      throw new Error(
        `GithubActionsRole ${props.roleName}: subject "${props.subject}" must be repo:<owner>/<name>:<context> without wildcards`,
      );
    }
    super(scope, id, {
      roleName: props.roleName,
      description: props.description,
      trustPolicy: githubTrustPolicy(props.providerArn, props.subject),
      statements: props.statements,
      // The credentials action asks for one hour by default; nothing here needs longer.
      maxSessionDuration: 3600,
    });
    const groups = props.managedPolicies ?? [];
    checkManagedPolicies(`GithubActionsRole ${props.roleName}`, groups);
    this.managedPolicies = groups.map(
      (group) =>
        new IamPolicy(this, `policy-${group.name}`, {
          name: `${props.roleName}-${group.name}`,
          description: group.description,
          policy: policyDocument(group.statements),
        }),
    );
    this.attachments = this.managedPolicies.map(
      (policy, i) =>
        new IamRolePolicyAttachment(this, `attach-${groups[i]!.name}`, { role: this.role.name, policyArn: policy.arn }),
    );
  }
}

/** Refuses what IAM would: too many policies for a role, a duplicate name; and wildcard actions. */
function checkManagedPolicies(label: string, groups: readonly ManagedPolicyGroup[]): void {
  const most = IAM_ROLE_POLICY_QUOTAS.managedPoliciesPerRole;
  if (groups.length > most)
    throw new Error(
      `${label}: managedPolicies has ${groups.length} policies; a role may have ${most} attached by default (IAM quotas)`,
    );
  const names = groups.map((g) => g.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`${label}: managedPolicies names "${duplicate}" twice`);
  for (const group of groups) {
    if (!/^[A-Za-z0-9+=,.@_-]+$/.test(group.name))
      throw new Error(`${label}: managedPolicies name "${group.name}" may hold only letters, digits and +=,.@_-`);
    if (group.statements.length === 0)
      throw new Error(`${label}: managed policy ${group.name} needs at least one statement`);
    refuseWildcardActions(`${label} policy ${group.name}`, group.statements);
  }
}
