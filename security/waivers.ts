/**
 * The one list of scanner checks we choose not to meet, with the resources each applies to and why.
 *
 * Every waiver must still match a violation the rule engine finds in the synthesized app: when the
 * stacks start meeting a check, the waiver goes stale and a test says to delete it. README.md shows
 * this list between `<!-- waivers:start -->` and `<!-- waivers:end -->`, rendered by
 * {@link renderWaiverTable} (`npx tsx security/render-waivers.ts` prints it); a test keeps the two equal.
 */
import type { Violation } from './engine';

/** Which resources a waiver covers. */
export interface WaiverTarget {
  /** Terraform resource type. */
  readonly type: string;
  /** Construct path glob (`*` matches any run of characters); absent: every resource of the type. */
  readonly path?: string;
}

export interface Waiver {
  /** The check ids waived (checkov's first, then trivy's aliases for the same check). */
  readonly ids: readonly string[];
  readonly resources: readonly WaiverTarget[];
  /** Why not, and what would meet it; Markdown, one paragraph. */
  readonly reason: string;
}

/** The checks we do not meet, and why. */
export const WAIVERS: readonly Waiver[] = [
  {
    ids: ['CKV2_AWS_77'],
    resources: [{ type: 'aws_apigatewayv2_api' }],
    reason:
      'AWS WAF cannot be attached to an API Gateway HTTP API: web ACLs associate with REST API stages, ALBs, AppSync, Cognito, App Runner and Verified Access only (AWS WAF developer guide, "Associating a web ACL with an AWS resource"). Every route requires IAM (or JWT) authorization and the stage is throttled instead. Putting CloudFront with WAF in front would be the way to meet it.',
  },
  {
    ids: ['CKV_AWS_115'],
    resources: [{ type: 'aws_lambda_function' }],
    reason:
      'Reserved concurrency carves executions out of the account\'s shared pool, and Lambda refuses any reservation that leaves fewer than 100 unreserved (Lambda developer guide, "Configuring reserved concurrency"), so on accounts with a low concurrency quota the deployment would fail. Stage throttling (`API_THROTTLE_RATE`/`API_THROTTLE_BURST`) already bounds how fast work arrives. `NodejsFunction` takes `reservedConcurrency` for accounts that want it.',
  },
  {
    ids: ['CKV_AWS_272'],
    resources: [{ type: 'aws_lambda_function' }],
    reason:
      'Code signing needs an AWS Signer profile and a signing step between build and deploy; out of scope for this project. Code reaches Lambda only through Terraform with the CI deploy role, and `source_code_hash` pins the bundle Terraform built.',
  },
  {
    ids: ['CKV_AWS_173'],
    resources: [{ type: 'aws_lambda_function' }],
    reason:
      'Lambda encrypts environment variables at rest with an AWS managed key already; a customer managed key adds a key policy and a monthly cost. Our variables hold no secrets: a default number of seconds and a state machine ARN.',
  },
  {
    ids: ['CKV_AWS_116'],
    resources: [{ type: 'aws_lambda_function', path: '*/api/*' }],
    reason:
      'A dead-letter queue only receives events of asynchronous invocations. Step Functions invokes the worker synchronously (its Retry/Catch handle failures, and the execution history keeps them) and API Gateway invokes the status function synchronously (the caller gets the error).',
  },
  {
    ids: ['CKV_AWS_117'],
    resources: [{ type: 'aws_lambda_function' }],
    reason:
      'The functions reach no private resources, only the public Step Functions API. A VPC would need NAT or VPC endpoints (a fixed monthly cost) and would not reduce what the functions can reach: IAM does that.',
  },
  {
    ids: ['CKV_AWS_158', 'AWS-0017'],
    resources: [{ type: 'aws_cloudwatch_log_group' }],
    reason:
      'CloudWatch Logs encrypts every log group at rest by default. A customer managed key needs a key policy for the regional Logs service principal and costs a key per month; the logs hold no execution input or output unless `SFN_LOG_EXECUTION_DATA=true`.',
  },
  {
    ids: ['CKV_AWS_338'],
    resources: [{ type: 'aws_cloudwatch_log_group' }],
    reason:
      'Log groups keep 30 days by default: they are operational logs, and a year of them is cost without a user (audit trails belong in CloudTrail). Set `LOG_RETENTION_DAYS=365` (or more) to meet the check.',
  },
  {
    ids: ['CKV_AWS_285'],
    resources: [{ type: 'aws_sfn_state_machine' }],
    reason:
      "checkov asks for `include_execution_data = true`, which writes every execution's input and output (user data) into CloudWatch Logs. We log at level `ERROR` without data (rule AAPI_SFN_LOGGING checks logging is on); Step Functions keeps each standard execution's full history for 90 days anyway. `SFN_LOG_EXECUTION_DATA=true` meets the check.",
  },
  {
    ids: ['CKV_AWS_18', 'AWS-0089'],
    resources: [{ type: 'aws_s3_bucket', path: 'state-bucket/*' }],
    reason:
      'Server access logs for the state bucket would need a second bucket (with its own retention) for the few requests Terraform makes; CloudTrail data events can audit the bucket when that is required.',
  },
  {
    ids: ['CKV_AWS_144'],
    resources: [{ type: 'aws_s3_bucket', path: 'state-bucket/*' }],
    reason:
      'Cross-region replication of Terraform state would double the bootstrap stack for a bucket that versioning and `prevent_destroy` already protect; state can be rebuilt with `terraform import` in a regional disaster.',
  },
  {
    ids: ['CKV2_AWS_62'],
    resources: [{ type: 'aws_s3_bucket', path: 'state-bucket/*' }],
    reason: 'Nothing consumes events of the state bucket; a notification without a consumer is noise.',
  },
  {
    ids: ['CKV_AWS_119', 'AWS-0025'],
    resources: [{ type: 'aws_dynamodb_table' }],
    reason:
      'The webhook registration table is encrypted at rest under the AWS managed key `aws/dynamodb` (server_side_encryption enabled). A customer managed key would need KMS permissions for both webhook functions, their permissions boundary and the deploy role, and a key per month, to protect items that only hold a URL for the sender and expire by TTL.',
  },
  {
    ids: ['AWS-0132'],
    resources: [{ type: 'aws_s3_bucket', path: 'state-bucket/*' }],
    reason:
      'State is encrypted with SSE-KMS under the AWS managed key `aws/s3` (checkov CKV_AWS_145 passes). A customer managed key would add a key policy every CI role must also be granted; bucket access is already limited to IAM principals of the account and to TLS.',
  },
  {
    ids: ['AWS-0342'],
    resources: [
      { type: 'aws_iam_role_policy', path: 'ci-access/deploy-role/*' },
      { type: 'aws_iam_policy', path: 'ci-access/deploy-role/policy-operations' },
    ],
    reason:
      "The deploy role has to pass the application's roles to Lambda, Step Functions and API Gateway to create them, and the scheduler role to EventBridge Scheduler (its managed policy `deploy-operations`); `iam:PassRole` is limited to roles named `async-api-<stage>-*` and to those four services (`iam:PassedToService`).",
  },
];

/** `*`-glob match of a construct path. */
function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(text);
}

/** Whether `waiver` covers `violation` (one of the rule's ids, and a matching resource). */
export function waiverCovers(waiver: Waiver, violation: Violation): boolean {
  return (
    waiver.ids.some((id) => violation.ruleIds.includes(id)) &&
    waiver.resources.some(
      (t) => t.type === violation.type && (t.path === undefined || globMatch(t.path, violation.path)),
    )
  );
}

/** Splits violations into waived ones and open ones. */
export function applyWaivers(
  violations: readonly Violation[],
  waivers: readonly Waiver[] = WAIVERS,
): { readonly waived: readonly Violation[]; readonly open: readonly Violation[] } {
  const waived: Violation[] = [];
  const open: Violation[] = [];
  for (const v of violations) (waivers.some((w) => waiverCovers(w, v)) ? waived : open).push(v);
  return { waived, open };
}

function describeTarget(t: WaiverTarget): string {
  return t.path === undefined ? `every \`${t.type}\`` : `\`${t.type}\` at \`${t.path}\``;
}

/** The waiver list as a Markdown table (what README.md shows between the waiver markers). */
export function renderWaiverTable(waivers: readonly Waiver[] = WAIVERS): string {
  const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = waivers.map(
    (w) => `| ${w.ids.join(', ')} | ${w.resources.map(describeTarget).join(', ')} | ${escapeCell(w.reason)} |`,
  );
  return ['| check | resources | why we do not meet it |', '|---|---|---|', ...rows].join('\n');
}
