/**
 * The static security rules, as data. Each rule names the scanner checks it encodes and says in
 * `mirrors` exactly what the scanner checks and where we differ. The checks read resolved Terraform
 * (see terraform.ts), so where checkov answers UNKNOWN for a reference we answer PASS or FAIL.
 *
 * Sources: checkov 03d5fdad (2026-08-20) and trivy-checks 80e53822 (2026-08-21); see catalogue.ts.
 */
import { connected, type Rule, type RuleContext, type Verdict } from './engine';
import { actionInfo, expandActions, type NormalizedStatement, statementsOf, wildcardRegExp } from './iam-policy';
import { CHECKOV_DEPRECATED_RUNTIMES, runtimeStatus } from './lambda-runtimes';
import { block, type ScannedResource, valueAt } from './terraform';

const POLICY_TYPES = ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_user_policy', 'aws_iam_group_policy'] as const;

const present = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
const pass: Verdict = [];
const fail = (...messages: string[]): Verdict => messages;

/** `aws_s3_bucket_*` companions of a bucket are connected by their `bucket` argument. */
function bucketCompanions(context: RuleContext, bucket: ScannedResource, type: string): ScannedResource[] {
  return connected(context, bucket, type, 'bucket', bucket.config['bucket']);
}

/** The default-encryption algorithms a bucket ends up with (inline legacy block or companion resource). */
function sseAlgorithms(context: RuleContext, bucket: ScannedResource): { algorithm: unknown; kmsKey: unknown }[] {
  const rulesOf = (cfg: Readonly<Record<string, unknown>>) => {
    const rules = cfg['rule'];
    return (Array.isArray(rules) ? rules : [rules]).map((r) =>
      block(block(r)?.['apply_server_side_encryption_by_default']),
    );
  };
  const inline = block(bucket.config['server_side_encryption_configuration']);
  const blocks = [
    ...(inline ? rulesOf(inline) : []),
    ...bucketCompanions(context, bucket, 'aws_s3_bucket_server_side_encryption_configuration').flatMap((r) =>
      rulesOf(r.config),
    ),
  ];
  return blocks
    .filter((b) => b !== undefined)
    .map((b) => ({ algorithm: b!['sse_algorithm'], kmsKey: b!['kms_master_key_id'] }));
}

/** One public-access-block setting of a bucket: trivy fails a bucket without the block, checkov a false setting. */
function publicAccessBlockRule(ids: readonly string[], title: string, attribute: string): Rule {
  return {
    ids,
    title,
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      `checkov ${ids[0]} reads \`${attribute}\` of each aws_s3_bucket_public_access_block and fails unless true; trivy ${ids[1]} fails a bucket that has no public access block or has the setting off. ` +
      'We check each bucket: it must have a connected public access block (same `bucket`) with the setting true, which covers both.',
    check: (bucket, context) => {
      const blocks = bucketCompanions(context, bucket, 'aws_s3_bucket_public_access_block');
      if (blocks.length === 0) return fail('the bucket has no aws_s3_bucket_public_access_block');
      return blocks.some((b) => b.config[attribute] === true) ? pass : fail(`${attribute} is not true`);
    },
  };
}

/** Resource policies of a bucket whose policy statements we read. */
function bucketPolicies(context: RuleContext, bucket: ScannedResource): NormalizedStatement[] {
  return bucketCompanions(context, bucket, 'aws_s3_bucket_policy').flatMap((p) => statementsOf(p.config['policy']));
}

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

function principalValues(principal: unknown, key: string): string[] {
  if (principal === '*') return key === 'AWS' ? ['*'] : [];
  const value = block(principal)?.[key];
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
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

const DAY_WORDS = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** Every rule the tests run over the synthesized app. */
export const RULES: readonly Rule[] = [
  // --- API Gateway ---------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_76', 'AWS-0001'],
    title: 'API Gateway stages have access logging',
    resourceTypes: ['aws_apigatewayv2_stage', 'aws_api_gateway_stage'],
    mirrors:
      "checkov: `access_log_settings[0].destination_arn` has any value (APIGatewayAccessLogging.py). trivy: the stage's access-log CloudWatch log group ARN is not empty. Same test here, on the resolved ARN.",
    check: (stage) =>
      present(valueAt(stage.config, 'access_log_settings.destination_arn'))
        ? pass
        : fail('no access_log_settings.destination_arn'),
  },
  {
    ids: ['CKV_AWS_309'],
    title: 'API Gateway v2 routes require authorization',
    resourceTypes: ['aws_apigatewayv2_route'],
    mirrors:
      'checkov: `authorization_type` is one of AWS_IAM, CUSTOM, JWT; absent (NONE by default) fails (APIGatewayV2RouteDefinesAuthorizationType.py). Same here. `API_AUTH=NONE` breaks this rule on purpose (local demos only).',
    check: (route) => {
      const type = route.config['authorization_type'];
      return typeof type === 'string' && ['AWS_IAM', 'CUSTOM', 'JWT'].includes(type)
        ? pass
        : fail(`authorization_type is ${JSON.stringify(type ?? 'NONE')}`);
    },
  },
  {
    ids: ['CKV2_AWS_77'],
    title: 'API Gateway APIs are behind a WAF web ACL with the Log4j managed rules',
    resourceTypes: ['aws_apigatewayv2_api'],
    mirrors:
      'checkov graph check: an aws_apigatewayv2_api (or REST stage) fails without a connected aws_wafv2_web_acl_association, and with one unless the web ACL uses AWSManagedRulesKnownBadInputsRuleSet and AWSManagedRulesAnonymousIpList. We check only the first half, loosely: the stack has any aws_wafv2_web_acl_association (an HTTP API cannot have one at all).',
    check: (api, context) =>
      context.resources.some((r) => r.type === 'aws_wafv2_web_acl_association' && r.stack === api.stack)
        ? pass
        : fail('no aws_wafv2_web_acl_association'),
  },

  // --- Step Functions -------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_284'],
    title: 'State machines have X-Ray tracing',
    resourceTypes: ['aws_sfn_state_machine'],
    mirrors: 'checkov: `tracing_configuration[0].enabled` is true (StateMachineXray.py). Same here.',
    check: (machine) =>
      valueAt(machine.config, 'tracing_configuration.enabled') === true
        ? pass
        : fail('tracing_configuration.enabled is not true'),
  },
  {
    ids: ['CKV_AWS_285'],
    title: 'State machines log execution data',
    resourceTypes: ['aws_sfn_state_machine'],
    mirrors:
      'checkov: `logging_configuration[0].include_execution_data` is true (StateMachineLoggingExecutionHistory.py), despite its title about "execution history". Same here; waived by default (user data), see AAPI_SFN_LOGGING for the logging we do require.',
    check: (machine) =>
      valueAt(machine.config, 'logging_configuration.include_execution_data') === true
        ? pass
        : fail('logging_configuration.include_execution_data is not true'),
  },
  {
    ids: ['AAPI_SFN_LOGGING'],
    title: 'State machines log to CloudWatch Logs at level ALL, ERROR or FATAL',
    resourceTypes: ['aws_sfn_state_machine'],
    mirrors:
      'Own rule (what CKV_AWS_285\'s title promises): `logging_configuration.level` is not OFF and `log_destination` is a log group ARN ending in ":*", the form Step Functions requires.',
    check: (machine) => {
      const level = valueAt(machine.config, 'logging_configuration.level');
      const destination = valueAt(machine.config, 'logging_configuration.log_destination');
      const problems: string[] = [];
      if (typeof level !== 'string' || !['ALL', 'ERROR', 'FATAL'].includes(level))
        problems.push(`logging level is ${JSON.stringify(level ?? 'OFF')}`);
      if (typeof destination !== 'string' || !/^arn:[^:]+:logs:[^:]+:\d{12}:log-group:.+:\*$/.test(destination)) {
        problems.push(`log_destination ${JSON.stringify(destination)} is not a log group ARN ending in ":*"`);
      }
      return problems;
    },
  },

  // --- Lambda ---------------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_50', 'AWS-0066'],
    title: 'Lambda functions have active X-Ray tracing',
    resourceTypes: ['aws_lambda_function'],
    mirrors:
      "checkov: `tracing_config[0].mode` is PassThrough or Active (LambdaXrayEnabled.py); trivy: tracing mode is Active. We require Active (the stricter of the two): PassThrough only forwards a caller's trace header.",
    check: (fn) =>
      valueAt(fn.config, 'tracing_config.mode') === 'Active'
        ? pass
        : fail(`tracing_config.mode is ${JSON.stringify(valueAt(fn.config, 'tracing_config.mode'))}`),
  },
  {
    ids: ['CKV_AWS_363'],
    title: 'Lambda functions use a runtime that is not deprecated',
    resourceTypes: ['aws_lambda_function'],
    mirrors:
      'checkov: `runtime` is not in a fixed list of deprecated runtimes (DeprecatedLambdaRuntime.py). We fail on that list, on any runtime whose Lambda deprecation date (security/lambda-runtimes.ts) is today or past, and on a runtime missing from our table; we warn 180 days ahead. Container-image functions (no `runtime`) do not apply.',
    check: (fn, context) => {
      const runtime = fn.config['runtime'];
      if (typeof runtime !== 'string') return fn.config['package_type'] === 'Image' ? null : fail('no runtime');
      if (CHECKOV_DEPRECATED_RUNTIMES.includes(runtime))
        return fail(`${runtime} is deprecated (checkov CKV_AWS_363 list)`);
      const status = runtimeStatus(runtime, context.today);
      if (status.kind === 'unknown')
        return fail(
          `${runtime} is not in security/lambda-runtimes.ts; add its deprecation date from the Lambda runtimes page`,
        );
      if (status.kind === 'deprecated') return fail(`${runtime} has been deprecated since ${status.since}`);
      return pass;
    },
    warn: (fn, context) => {
      const runtime = fn.config['runtime'];
      if (typeof runtime !== 'string') return [];
      const status = runtimeStatus(runtime, context.today);
      return status.kind === 'deprecating-soon'
        ? [`${runtime} is deprecated on ${status.on}, in ${DAY_WORDS(status.days)}`]
        : [];
    },
  },
  {
    ids: ['CKV_AWS_115'],
    title: 'Lambda functions have reserved concurrency',
    resourceTypes: ['aws_lambda_function'],
    mirrors:
      'checkov: `reserved_concurrent_executions` is set and not -1; missing fails (LambdaFunctionLevelConcurrentExecutionLimit.py). Same here.',
    check: (fn) => {
      const reserved = fn.config['reserved_concurrent_executions'];
      return reserved === undefined || reserved === -1 || reserved === '-1'
        ? fail('no reserved_concurrent_executions')
        : pass;
    },
  },
  {
    ids: ['CKV_AWS_272'],
    title: 'Lambda functions validate code signing',
    resourceTypes: ['aws_lambda_function'],
    mirrors: 'checkov: `code_signing_config_arn` has any value (LambdaCodeSigningConfigured.py). Same here.',
    check: (fn) => (present(fn.config['code_signing_config_arn']) ? pass : fail('no code_signing_config_arn')),
  },
  {
    ids: ['CKV_AWS_173'],
    title: 'Lambda environment variables are encrypted with a customer managed key',
    resourceTypes: ['aws_lambda_function'],
    mirrors:
      'checkov: with an `environment` block, `kms_key_arn` must be set and non-empty; without one, a `kms_key_arn` fails and no key is UNKNOWN (LambdaEnvironmentEncryptionSettings.py). Same here; UNKNOWN is "does not apply".',
    check: (fn) => {
      const hasEnvironment = present(fn.config['environment']);
      const key = fn.config['kms_key_arn'];
      if (hasEnvironment) return present(key) ? pass : fail('environment variables without kms_key_arn');
      return present(key) ? fail('kms_key_arn without environment variables') : null;
    },
  },
  {
    ids: ['CKV_AWS_116'],
    title: 'Lambda functions have a dead-letter queue',
    resourceTypes: ['aws_lambda_function'],
    mirrors: 'checkov: `dead_letter_config[0].target_arn` has any value (LambdaDLQConfigured.py). Same here.',
    check: (fn) =>
      present(valueAt(fn.config, 'dead_letter_config.target_arn')) ? pass : fail('no dead_letter_config.target_arn'),
  },
  {
    ids: ['CKV_AWS_117'],
    title: 'Lambda functions run in a VPC',
    resourceTypes: ['aws_lambda_function'],
    mirrors: 'checkov: `vpc_config` has any value (LambdaInVPC.py). Same here.',
    check: (fn) => (present(fn.config['vpc_config']) ? pass : fail('no vpc_config')),
  },
  {
    ids: ['CKV_AWS_364', 'AWS-0067'],
    title: 'Lambda permissions for AWS services are limited to a source ARN',
    resourceTypes: ['aws_lambda_permission'],
    mirrors:
      'checkov: for a `*.amazonaws.com` principal, `source_arn` or `source_account` is set (LambdaServicePermission.py); trivy: `source_arn` is set. We require `source_arn` (the stricter); other principals do not apply.',
    check: (permission) => {
      const principal = String(permission.config['principal'] ?? '');
      if (!/^[^.]+\.amazonaws\.com$/.test(principal)) return null;
      return present(permission.config['source_arn'])
        ? pass
        : fail(`${principal} may invoke from any source: no source_arn`);
    },
  },

  // --- CloudWatch Logs ------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_66'],
    title: 'Log groups have a retention period',
    resourceTypes: ['aws_cloudwatch_log_group'],
    mirrors: 'checkov: `retention_in_days` has any value (CloudWatchLogGroupRetention.py). Same here.',
    check: (group) =>
      present(group.config['retention_in_days']) ? pass : fail('no retention_in_days: logs are kept forever'),
  },
  {
    ids: ['CKV_AWS_338'],
    title: 'Log groups keep logs for at least a year',
    resourceTypes: ['aws_cloudwatch_log_group'],
    mirrors:
      'checkov: `retention_in_days` is 0 (never expire) or >= 365; missing fails; a non-integer (a variable) is UNKNOWN (CloudWatchLogGroupRetentionYear.py). Ours are resolved integers, so always PASS or FAIL.',
    check: (group) => {
      const days = Number(group.config['retention_in_days']);
      return days === 0 || days >= 365 ? pass : fail(`retention_in_days is ${Number.isNaN(days) ? 'not set' : days}`);
    },
  },
  {
    ids: ['CKV_AWS_158', 'AWS-0017'],
    title: 'Log groups are encrypted with a customer managed KMS key',
    resourceTypes: ['aws_cloudwatch_log_group'],
    mirrors:
      'checkov: `kms_key_id` has any value (CloudWatchLogGroupKMSKey.py); trivy: the log group has a KMS key id. Same here.',
    check: (group) => (present(group.config['kms_key_id']) ? pass : fail('no kms_key_id')),
  },

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

  // --- S3 -------------------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_21', 'AWS-0090'],
    title: 'S3 buckets are versioned',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: the bucket\'s inline `versioning.enabled` is true, or a connected aws_s3_bucket_versioning has `versioning_configuration.status` = Enabled. trivy: versioning enabled. Same here ("connected" = same `bucket` value).',
    check: (bucket, context) => {
      if (valueAt(bucket.config, 'versioning.enabled') === true) return pass;
      const versioning = bucketCompanions(context, bucket, 'aws_s3_bucket_versioning');
      return versioning.some((v) => valueAt(v.config, 'versioning_configuration.status') === 'Enabled')
        ? pass
        : fail('versioning is not Enabled');
    },
  },
  {
    ids: ['CKV_AWS_19'],
    title: 'S3 buckets declare default encryption (SSE-S3 or SSE-KMS)',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      "checkov graph check: `sse_algorithm` (inline or in a connected aws_s3_bucket_server_side_encryption_configuration) is aws:kms or AES256, and a bucket with no encryption configuration at all passes (S3 encrypts new objects by default since 2023). We are stricter: the configuration must be declared, so the choice is visible and reviewed. (trivy's AWS-0088 is deprecated.)",
    check: (bucket, context) => {
      const algorithms = sseAlgorithms(context, bucket);
      if (algorithms.length === 0) return fail('no default encryption configuration');
      return algorithms.every(
        (a) => a.algorithm === 'aws:kms' || a.algorithm === 'AES256' || a.algorithm === 'aws:kms:dsse',
      )
        ? pass
        : fail(`sse_algorithm ${algorithms.map((a) => JSON.stringify(a.algorithm)).join(', ')}`);
    },
  },
  {
    ids: ['CKV_AWS_145'],
    title: 'S3 buckets are encrypted with KMS by default',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: `sse_algorithm` (inline or connected) equals aws:kms; any KMS key, the AWS managed one included. Same here.',
    check: (bucket, context) =>
      sseAlgorithms(context, bucket).some((a) => a.algorithm === 'aws:kms')
        ? pass
        : fail('default encryption is not aws:kms'),
  },
  {
    ids: ['AWS-0132'],
    title: 'S3 buckets are encrypted with a customer managed KMS key',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      "trivy: the bucket's encryption names a KMS key (`kms_master_key_id`), except log-delivery buckets. Same here.",
    check: (bucket, context) =>
      sseAlgorithms(context, bucket).some((a) => a.algorithm === 'aws:kms' && present(a.kmsKey))
        ? pass
        : fail('no kms_master_key_id'),
  },
  publicAccessBlockRule(['CKV_AWS_53', 'AWS-0086'], 'S3 buckets block public ACLs', 'block_public_acls'),
  publicAccessBlockRule(['CKV_AWS_54', 'AWS-0087'], 'S3 buckets block public policies', 'block_public_policy'),
  publicAccessBlockRule(['CKV_AWS_55', 'AWS-0091'], 'S3 buckets ignore public ACLs', 'ignore_public_acls'),
  publicAccessBlockRule(
    ['CKV_AWS_56', 'AWS-0093'],
    'S3 buckets restrict public bucket policies',
    'restrict_public_buckets',
  ),
  {
    ids: ['CKV2_AWS_6'],
    title: 'S3 buckets have a public access block',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: a connected aws_s3_bucket_public_access_block exists with block_public_acls and block_public_policy true. Same here.',
    check: (bucket, context) =>
      bucketCompanions(context, bucket, 'aws_s3_bucket_public_access_block').some(
        (b) => b.config['block_public_acls'] === true && b.config['block_public_policy'] === true,
      )
        ? pass
        : fail('no public access block with block_public_acls and block_public_policy'),
  },
  {
    ids: ['AAPI_S3_TLS_ONLY'],
    title: 'S3 bucket policies deny every request not made over TLS',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'Own rule. checkov\'s CKV_AWS_379 applies its TLS test only to public-ACL buckets; we apply the same policy test to every bucket, stricter: a connected bucket policy has a Deny statement for every principal ("*"), action s3:* (or "*"), both the bucket ARN and its objects (`<arn>/*`), with Condition Bool aws:SecureTransport = "false". The least-privilege tests also simulate it.',
    check: (bucket, context) => {
      const arn = `arn:aws:s3:::${String(bucket.config['bucket'])}`;
      const denies = bucketPolicies(context, bucket).filter(
        (s) =>
          s.effect === 'Deny' &&
          (s.principal === '*' || principalValues(s.principal, 'AWS').includes('*')) &&
          s.actions.some((a) => a === 's3:*' || a === '*') &&
          s.resources.some((r) => r.replace(/^arn:[^:]+:/, 'arn:aws:') === arn) &&
          s.resources.some((r) => r.replace(/^arn:[^:]+:/, 'arn:aws:') === `${arn}/*`) &&
          String(block(s.condition?.['Bool'])?.['aws:SecureTransport']).toLowerCase() === 'false',
      );
      return denies.length > 0
        ? pass
        : fail('no bucket policy statement denies s3:* on the bucket and its objects without TLS');
    },
  },
  {
    ids: ['CKV2_AWS_61'],
    title: 'S3 buckets have a lifecycle configuration',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: a connected aws_s3_bucket_lifecycle_configuration exists, or the inline `lifecycle_rule`. Same here.',
    check: (bucket, context) =>
      present(bucket.config['lifecycle_rule']) ||
      bucketCompanions(context, bucket, 'aws_s3_bucket_lifecycle_configuration').length > 0
        ? pass
        : fail('no lifecycle configuration'),
  },
  {
    ids: ['CKV_AWS_18', 'AWS-0089'],
    title: 'S3 buckets have server access logging',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: inline `logging` or a connected aws_s3_bucket_logging. trivy: logging enabled. Same here.',
    check: (bucket, context) =>
      present(bucket.config['logging']) || bucketCompanions(context, bucket, 'aws_s3_bucket_logging').length > 0
        ? pass
        : fail('no access logging'),
  },
  {
    ids: ['CKV_AWS_144'],
    title: 'S3 buckets replicate to another region',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: an inline replication rule or a connected aws_s3_bucket_replication_configuration with a rule of status Enabled. Same here.',
    check: (bucket, context) => {
      const rules = [
        ...((valueAt(bucket.config, 'replication_configuration.rules') as unknown[] | undefined) ?? []),
        ...bucketCompanions(context, bucket, 'aws_s3_bucket_replication_configuration').flatMap((r) => {
          const rule = r.config['rule'];
          return Array.isArray(rule) ? rule : [rule];
        }),
      ];
      return rules.some((r) => block(r)?.['status'] === 'Enabled') ? pass : fail('no enabled replication rule');
    },
  },
  {
    ids: ['CKV2_AWS_62'],
    title: 'S3 buckets send event notifications',
    resourceTypes: ['aws_s3_bucket'],
    mirrors: 'checkov graph check: a connected aws_s3_bucket_notification exists. Same here.',
    check: (bucket, context) =>
      bucketCompanions(context, bucket, 'aws_s3_bucket_notification').length > 0 ? pass : fail('no event notification'),
  },
];

/** The rule list as a Markdown table (what docs/security.md shows between the rule markers). */
export function renderRuleTable(rules: readonly Rule[] = RULES): string {
  const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = rules.map(
    (r) =>
      `| ${r.ids.join(', ')} | ${escapeCell(r.title)} | ${r.resourceTypes.map((t) => `\`${t}\``).join(', ')} | ${escapeCell(r.mirrors)} |`,
  );
  return [
    '| check | what must hold | resources | what the scanner checks, and how the rule mirrors it |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}
