/** Rules for IAM policies and roles, with the policy readers they share. */
import type { Rule } from '../engine';
import {
  actionInfo,
  expandActions,
  type NormalizedStatement,
  principalValues,
  statementsOf,
  wildcardRegExp,
} from '../iam-policy';
import type { ScannedResource } from '../terraform';
import { pass } from './verdicts';

const POLICY_TYPES = ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_user_policy', 'aws_iam_group_policy'] as const;

/**
 * cloudsplaining's classification of one statement (checkov CKV_AWS_289/290/355 ask it):
 * `has_resource_wildcard` = some Resource is exactly "*"; restrictable actions = the expanded
 * actions that are not wildcard-only; a statement with a Condition is never flagged.
 */
async function unconstrainedActions(
  statement: NormalizedStatement,
): Promise<{ action: string; accessLevel: string }[] | 'not-action'> {
  if (statement.effect !== 'Allow' || statement.hasCondition) return [];
  if (!statement.resources.includes('*')) return [];
  if (statement.notActions.length > 0) return 'not-action';
  const out: { action: string; accessLevel: string }[] = [];
  for (const action of await expandActions(statement.actions)) {
    if (action === '*') {
      out.push({ action, accessLevel: 'Permissions management, Write' });
      continue;
    }
    const info = await actionInfo(action);
    // An action iam-data does not know cannot be shown to be wildcard-only: flag it.
    if (!info) out.push({ action, accessLevel: 'unknown' });
    else if (!info.wildcardOnly) out.push({ action: info.name, accessLevel: info.accessLevel });
  }
  return out;
}

/** Runs `select` over every statement of an identity policy resource. */
function policyRule(
  ids: readonly string[],
  title: string,
  mirrors: string,
  select: (found: { action: string; accessLevel: string }[]) => string[],
  subtractDenies: boolean,
): Rule {
  return {
    ids,
    title,
    resourceTypes: POLICY_TYPES,
    mirrors,
    check: async (resource) => {
      const statements = statementsOf(resource.config['policy']);
      const problems: string[] = [];
      let found: { action: string; accessLevel: string; sid?: string }[] = [];
      for (const s of statements) {
        const actions = await unconstrainedActions(s);
        if (actions === 'not-action') problems.push(`statement ${s.sid ?? '?'} uses NotAction with Resource "*"`);
        else found.push(...actions.map((a) => ({ ...a, ...(s.sid ? { sid: s.sid } : {}) })));
      }
      if (subtractDenies) {
        const denied = (
          await Promise.all(statements.filter((s) => s.effect === 'Deny').map((s) => expandActions(s.actions)))
        ).flat();
        const deniedLower = new Set(denied.map((a) => a.toLowerCase()));
        found = found.filter((f) => !deniedLower.has(f.action.toLowerCase()));
      }
      for (const action of select(found))
        problems.push(`${action} is allowed on Resource "*" though it supports resource-level permissions`);
      return problems;
    },
  };
}

/** Trust-policy statements that allow something (Deny statements never widen who may assume). */
function trustStatements(role: ScannedResource): NormalizedStatement[] {
  return statementsOf(role.config['assume_role_policy']).filter((s) => s.effect !== 'Deny');
}

// checkov/common/util/oidc_utils.py
const GH_SUB_CONDITION = /^token\.actions\.githubusercontent\.com(?:\/[a-zA-Z0-9_-]+)?:sub$/;
const GH_REPO = /^(\$\{)?[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*(\})?\/[^/]+/;
const GH_ABUSABLE_CLAIMS = ['workflow', 'environment', 'ref', 'context', 'head_ref', 'base_ref'];

/** Problems of one `sub` value, as checkov's CKV_AWS_358 judges it. */
function githubSubjectProblems(value: string): string[] {
  if (value === '*') return ['sub is "*"'];
  const claims = value.split(':');
  if (claims.length === 1) return [`sub "${value}" names a claim without a value`];
  if (claims[1] === '*') return [`sub "${value}" allows any value of ${claims[0]}`];
  if (GH_ABUSABLE_CLAIMS.some((c) => claims[0]!.startsWith(c)))
    return [`sub "${value}" starts with the abusable claim ${claims[0]}`];
  if (claims[0] === 'repo' && !GH_REPO.test(claims[1]!)) return [`sub "${value}" does not name one owner/repository`];
  // Stricter than checkov, which passes `repo:org/*` with a warning: one repository, no pattern.
  if (claims[0] === 'repo' && /[*?]/.test(claims[1]!)) return [`sub "${value}" matches more than one repository`];
  return [];
}

/** See `security/rules.ts`. */
export const IAM_RULES: readonly Rule[] = [
  // --- IAM ------------------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_62'],
    title: 'No IAM policy allows "*" actions on "*" resources',
    resourceTypes: POLICY_TYPES,
    mirrors:
      'checkov: an Allow statement with "*" among its Actions and "*" among its Resources fails (IAMAdminPolicyDocument.py). Same here, on every statement.',
    check: (policy) =>
      statementsOf(policy.config['policy'])
        .filter((s) => s.effect === 'Allow' && s.actions.includes('*') && s.resources.includes('*'))
        .map((s) => `statement ${s.sid ?? '?'} allows "*" on "*"`),
  },
  {
    ids: ['CKV_AWS_63'],
    title: 'No IAM policy allows "*" as an action',
    resourceTypes: POLICY_TYPES,
    mirrors:
      'checkov: an Allow statement with "*" among its Actions fails, whatever the resource (IAMStarActionPolicyDocument.py). Same here.',
    check: (policy) =>
      statementsOf(policy.config['policy'])
        .filter((s) => s.effect === 'Allow' && s.actions.includes('*'))
        .map((s) => `statement ${s.sid ?? '?'} allows action "*"`),
  },
  policyRule(
    ['CKV_AWS_355'],
    'No IAM policy grants restrictable actions on Resource "*"',
    'checkov asks cloudsplaining for `all_allowed_unrestricted_actions`: actions of Allow statements without a Condition whose Resource includes "*", expanded from wildcards, minus those with no resource-level permissions (policy_sentry), minus actions of any Deny statement. We do the same with iam-data\'s `isWildcardOnly`; NotAction with "*" and actions iam-data does not know fail too.',
    (found) => [...new Set(found.map((f) => f.action))],
    true,
  ),
  policyRule(
    ['CKV_AWS_290'],
    'No IAM policy grants write actions without resource constraints',
    'checkov asks cloudsplaining for `write_actions_without_constraints`: the restrictable actions (as in CKV_AWS_355) of Allow statements without a Condition whose Resource includes "*", keeping those of access level Write. Same here (access level from iam-data).',
    (found) => [
      ...new Set(
        found.filter((f) => f.accessLevel === 'unknown' || f.accessLevel.includes('Write')).map((f) => f.action),
      ),
    ],
    false,
  ),
  policyRule(
    ['CKV_AWS_289'],
    'No IAM policy grants permissions-management actions without resource constraints',
    'checkov asks cloudsplaining for `permissions_management_actions_without_constraints`: as CKV_AWS_290 but for access level "Permissions management". Same here.',
    (found) => [
      ...new Set(
        found
          .filter((f) => f.accessLevel === 'unknown' || f.accessLevel.includes('Permissions management'))
          .map((f) => f.action),
      ),
    ],
    false,
  ),
  {
    ids: ['AWS-0342'],
    title: 'IAM policies that allow iam:PassRole are reviewed',
    resourceTypes: POLICY_TYPES,
    mirrors:
      'trivy: a policy with an Allow statement whose Action list contains exactly "iam:PassRole" and no Deny of it fails (filter_iam_pass_role.rego). We also count wildcards that match iam:PassRole (e.g. "iam:Pass*", "*").',
    check: (policy) => {
      const statements = statementsOf(policy.config['policy']);
      const matches = (s: NormalizedStatement) => s.actions.some((a) => wildcardRegExp(a).test('iam:PassRole'));
      if (statements.some((s) => s.effect === 'Deny' && matches(s))) return pass;
      return statements
        .filter((s) => s.effect === 'Allow' && matches(s))
        .map((s) => `statement ${s.sid ?? '?'} allows iam:PassRole`);
    },
  },
  {
    ids: ['CKV_AWS_60'],
    title: 'No role can be assumed by any AWS principal',
    resourceTypes: ['aws_iam_role'],
    mirrors:
      'checkov: a non-Deny trust statement whose Principal.AWS is "*" (or contains "*") fails (IAMRoleAllowsPublicAssume.py). We also treat `Principal: "*"` as that.',
    check: (role) =>
      trustStatements(role)
        .filter((s) => principalValues(s.principal, 'AWS').includes('*'))
        .map((s) => `trust statement ${s.sid ?? '?'} lets any AWS principal assume the role`),
  },
  {
    ids: ['CKV_AWS_61'],
    title: 'No role trusts a whole account',
    resourceTypes: ['aws_iam_role'],
    mirrors:
      'checkov: a non-Deny trust statement whose Principal.AWS is a 12-digit account id or `arn:aws:iam::<account>:root` fails (IAMRoleAllowAssumeFromAccount.py, regex matched at the start). Same here.',
    check: (role) =>
      trustStatements(role)
        .filter((s) => principalValues(s.principal, 'AWS').some((p) => /^(\d{12}|arn:aws:iam::\d{12}:root)/.test(p)))
        .map((s) => `trust statement ${s.sid ?? '?'} trusts every principal of an account`),
  },
  {
    ids: ['CKV_AWS_358'],
    title: 'GitHub OIDC trust policies pin one repository with a safe subject',
    resourceTypes: ['aws_iam_role'],
    mirrors:
      'checkov checks `aws_iam_policy_document` data sources (GithubActionsOIDCTrustPolicy.py): a statement trusting the GitHub OIDC provider must have a condition on `token.actions.githubusercontent.com:sub` whose value is not "*", has a claim and a value, does not wildcard the value, does not start with an abusable claim (workflow, environment, ref, context, head_ref, base_ref), and with `repo:` names owner/repo (checkov lets `repo:org/*` pass with a warning; we fail any `*` or `?` in the repository). Our stacks write the trust policy as JSON on the role, so we apply the same test to `assume_role_policy`, to every sub value (checkov looks at the first). Roles without a GitHub statement do not apply.',
    check: (role) => {
      const github = trustStatements(role).filter((s) =>
        principalValues(s.principal, 'Federated').some((p) =>
          p.includes('oidc-provider/token.actions.githubusercontent.com'),
        ),
      );
      if (github.length === 0) return null;
      const problems: string[] = [];
      for (const s of github) {
        const subs = Object.values(s.condition ?? {}).flatMap((byKey) =>
          Object.entries(byKey)
            .filter(([key]) => GH_SUB_CONDITION.test(key))
            .flatMap(([, v]) => (Array.isArray(v) ? v.map(String) : [String(v)])),
        );
        if (subs.length === 0) problems.push(`trust statement ${s.sid ?? '?'} has no condition on the sub claim`);
        for (const sub of subs) problems.push(...githubSubjectProblems(sub));
      }
      return problems;
    },
  },
];
