/**
 * What AWS computes for each resource type the stacks reference: ARNs, ids, endpoints, derived the
 * way AWS shapes them from the resource's own (resolved) arguments and the identity given. One table
 * for the local runtime and the security scan, so the two cannot disagree about an ARN.
 */
import { createHash } from 'node:crypto';
import type { LocalIdentity, ResolvedResource } from './resolver';

/** Computes one attribute of a resource. */
export type Computed = (resource: ResolvedResource) => unknown;

/**
 * Attributes that AWS computes, per resource type. Arguments (e.g. `function_name`) need no entry:
 * Terraform exposes every argument as an attribute of the same name.
 */
export const COMPUTED: Readonly<Record<string, Readonly<Record<string, Computed>>>> = {
  aws_iam_role: {
    arn: (r) => `arn:${r.identity.partition}:iam::${r.identity.accountId}:role${rolePath(r)}${r.stringArg('name')}`,
    id: (r) => r.stringArg('name'),
    unique_id: (r) => `AROA${shortId(r.block.address, 17).toUpperCase()}`,
  },
  aws_iam_role_policy: {
    id: (r) => `${roleNameOf(r.stringArg('role'))}:${r.stringArg('name')}`,
  },
  aws_iam_policy: {
    arn: (r) => `arn:${r.identity.partition}:iam::${r.identity.accountId}:policy${rolePath(r)}${r.stringArg('name')}`,
    id: (r) => `arn:${r.identity.partition}:iam::${r.identity.accountId}:policy${rolePath(r)}${r.stringArg('name')}`,
    policy_id: (r) => `ANPA${shortId(r.block.address, 17).toUpperCase()}`,
  },
  aws_iam_role_policy_attachment: {
    id: (r) => `${r.stringArg('role')}-${shortId(r.block.address, 20)}`,
  },
  aws_cloudwatch_log_group: {
    // The provider strips the ":*" suffix CloudWatch adds (terraform-provider-aws docs, attribute `arn`).
    arn: (r) => `arn:${r.identity.partition}:logs:${r.region}:${r.identity.accountId}:log-group:${r.stringArg('name')}`,
    id: (r) => r.stringArg('name'),
  },
  aws_lambda_function: {
    arn: (r) => functionArn(r),
    id: (r) => r.stringArg('function_name'),
    invoke_arn: (r) => invokeArn(r, functionArn(r)),
    qualified_arn: (r) => `${functionArn(r)}:$LATEST`,
    qualified_invoke_arn: (r) => invokeArn(r, `${functionArn(r)}:$LATEST`),
    version: () => '$LATEST',
    source_code_size: () => 0,
  },
  aws_lambda_permission: {
    id: (r) => r.stringArg('statement_id'),
  },
  aws_iam_openid_connect_provider: {
    arn: (r) => oidcProviderArn(r),
    id: (r) => oidcProviderArn(r),
  },
  aws_s3_bucket: {
    id: (r) => r.stringArg('bucket'),
    arn: (r) => `arn:${r.identity.partition}:s3:::${r.stringArg('bucket')}`,
  },
  aws_sfn_state_machine: {
    arn: (r) => stateMachineArn(r),
    id: (r) => stateMachineArn(r),
    status: () => 'ACTIVE',
    state_machine_version_arn: () => '',
    revision_id: () => '',
  },
  aws_apigatewayv2_api: {
    id: (r) => apiId(r),
    api_endpoint: (r) => apiEndpoint(r, apiId(r)),
    arn: (r) => `arn:${r.identity.partition}:apigateway:${r.region}::/apis/${apiId(r)}`,
    execution_arn: (r) => `arn:${r.identity.partition}:execute-api:${r.region}:${r.identity.accountId}:${apiId(r)}`,
  },
  aws_apigatewayv2_integration: {
    id: (r) => shortId(r.block.address, 7),
  },
  aws_apigatewayv2_route: {
    id: (r) => shortId(r.block.address, 7),
  },
  aws_apigatewayv2_authorizer: {
    id: (r) => shortId(r.block.address, 6),
  },
  aws_apigatewayv2_stage: {
    id: (r) => r.stringArg('name'),
    // `$default` is served at the API's root; other stages under `/<name>`.
    invoke_url: (r) => {
      const name = r.stringArg('name');
      const endpoint = apiEndpoint(r, r.stringArg('api_id'));
      return name === '$default' ? `${endpoint}/` : `${endpoint}/${name}`;
    },
    arn: (r) =>
      `arn:${r.identity.partition}:apigateway:${r.region}::/apis/${r.stringArg('api_id')}/stages/${r.stringArg('name')}`,
    execution_arn: (r) =>
      `arn:${r.identity.partition}:execute-api:${r.region}:${r.identity.accountId}:${r.stringArg('api_id')}/${r.stringArg('name')}`,
  },
  aws_scheduler_schedule_group: {
    arn: (r) => scheduleGroupArn(r, r.stringArg('name')),
    id: (r) => r.stringArg('name'),
  },
  // The provider's id is `<group>/<name>`; a schedule without `group_name` is in the default group.
  aws_scheduler_schedule: {
    arn: (r) => `${schedulerArnPrefix(r)}:schedule/${scheduleGroupOf(r)}/${r.stringArg('name')}`,
    id: (r) => `${scheduleGroupOf(r)}/${r.stringArg('name')}`,
  },
  aws_cloudwatch_event_rule: {
    arn: (r) => `arn:${r.identity.partition}:events:${r.region}:${r.identity.accountId}:rule/${r.stringArg('name')}`,
    id: (r) => r.stringArg('name'),
  },
  // Secrets Manager appends a dash and six random characters to the name (or Terraform's prefixed one).
  aws_secretsmanager_secret: { arn: (r) => secretArn(r), id: (r) => secretArn(r) },
  aws_secretsmanager_secret_version: { id: (r) => `${r.stringArg('secret_id')}|local`, version_id: () => 'local' },
  aws_dynamodb_table: {
    arn: (r) => `arn:${r.identity.partition}:dynamodb:${r.region}:${r.identity.accountId}:table/${r.stringArg('name')}`,
    id: (r) => r.stringArg('name'),
  },
  aws_sqs_queue: {
    arn: (r) => `arn:${r.identity.partition}:sqs:${r.region}:${r.identity.accountId}:${r.stringArg('name')}`,
    url: (r) => queueUrl(r),
    id: (r) => queueUrl(r),
  },
  aws_sns_topic: {
    arn: (r) => topicArn(r),
    id: (r) => topicArn(r),
  },
  aws_kms_key: {
    arn: (r) => `arn:${r.identity.partition}:kms:${r.region}:${r.identity.accountId}:key/${keyId(r)}`,
    id: (r) => keyId(r),
    key_id: (r) => keyId(r),
  },
  // A placeholder: the runtime keeps its own signing secret (local/events/secrets.ts), and the scan
  // only needs a value to resolve.
  'data.aws_secretsmanager_random_password': { random_password: () => '' },
  'data.aws_caller_identity': {
    account_id: (r) => r.identity.accountId,
    id: (r) => r.identity.accountId,
    arn: (r) => `arn:${r.identity.partition}:iam::${r.identity.accountId}:user/local-developer`,
    user_id: () => 'AIDALOCALDEVELOPER',
  },
  'data.aws_partition': {
    partition: (r) => r.identity.partition,
    id: (r) => r.identity.partition,
    dns_suffix: () => 'amazonaws.com',
    reverse_dns_prefix: () => 'com.amazonaws',
  },
  'data.aws_region': {
    name: (r) => r.region,
    region: (r) => r.region,
    id: (r) => r.region,
    endpoint: (r) => `ec2.${r.region}.amazonaws.com`,
    description: () => 'local',
  },
};

function functionArn(r: ResolvedResource): string {
  return `arn:${r.identity.partition}:lambda:${r.region}:${r.identity.accountId}:function:${r.stringArg('function_name')}`;
}

function invokeArn(r: ResolvedResource, fnArn: string): string {
  return `arn:${r.identity.partition}:apigateway:${r.region}:lambda:path/2015-03-31/functions/${fnArn}/invocations`;
}

function stateMachineArn(r: ResolvedResource): string {
  return `arn:${r.identity.partition}:states:${r.region}:${r.identity.accountId}:stateMachine:${r.stringArg('name')}`;
}

/** Where a Scheduler ARN lives: a resource, or the resolver itself (for the default group). */
interface SchedulerHome {
  readonly region: string;
  readonly identity: LocalIdentity;
}

function schedulerArnPrefix(where: SchedulerHome): string {
  return `arn:${where.identity.partition}:scheduler:${where.region}:${where.identity.accountId}`;
}

/**
 * A schedule group's ARN: what Scheduler sends as `aws:SourceArn` when it assumes a schedule's role.
 * Exported for the `default` group, which every account has and no stack creates.
 */
export function scheduleGroupArn(where: SchedulerHome, group: string): string {
  return `${schedulerArnPrefix(where)}:schedule-group/${group}`;
}

/** The group a schedule without `group_name` is in: every account has it, no stack creates it. */
export const DEFAULT_SCHEDULE_GROUP = 'default';

/** The group of an `aws_scheduler_schedule`: `group_name`, or Scheduler's `default`. */
function scheduleGroupOf(r: ResolvedResource): string {
  return (r.arg('group_name') as string | undefined) ?? DEFAULT_SCHEDULE_GROUP;
}

function secretArn(r: ResolvedResource): string {
  return `arn:${r.identity.partition}:secretsmanager:${r.region}:${r.identity.accountId}:secret:${secretName(r)}-${shortId(r.block.address, 6)}`;
}

// With `name_prefix`, Terraform appends a 26-character unique suffix (a timestamp and a counter);
// locally a stable stand-in of the same length.
function secretName(r: ResolvedResource): string {
  if (r.arg('name') !== undefined) return r.stringArg('name');
  return `${r.stringArg('name_prefix')}${shortId(`${r.block.address}/name`, TERRAFORM_UNIQUE_SUFFIX_LENGTH)}`;
}

/** Length of the suffix Terraform adds to a `name_prefix` (terraform-plugin-sdk `id.UniqueIDSuffixLength`). */
export const TERRAFORM_UNIQUE_SUFFIX_LENGTH = 26;

function queueUrl(r: ResolvedResource): string {
  return `https://sqs.${r.region}.amazonaws.com/${r.identity.accountId}/${r.stringArg('name')}`;
}

function topicArn(r: ResolvedResource): string {
  return `arn:${r.identity.partition}:sns:${r.region}:${r.identity.accountId}:${r.stringArg('name')}`;
}

// A KMS key id is a UUID; this one is derived from the address so it stays the same across starts.
function keyId(r: ResolvedResource): string {
  const h = createHash('sha256').update(r.block.address).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function oidcProviderArn(r: ResolvedResource): string {
  const host = r.stringArg('url').replace(/^https:\/\//, '');
  return `arn:${r.identity.partition}:iam::${r.identity.accountId}:oidc-provider/${host}`;
}

function apiEndpoint(r: ResolvedResource, id: string): string {
  return r.identity.apiEndpoint ?? `https://${id}.execute-api.${r.region}.amazonaws.com`;
}

function apiId(r: ResolvedResource): string {
  return shortId(`api:${r.stringArg('name')}`, 10);
}

function rolePath(r: ResolvedResource): string {
  const path = r.arg('path');
  return typeof path === 'string' && path !== '' ? path : '/';
}

/** A role policy's `role`: the role name (or id, which equals the name), or an ARN when written as a reference to the role's arn. */
export function roleNameOf(role: string): string {
  const slash = role.lastIndexOf('/');
  return role.startsWith('arn:') && slash >= 0 ? role.slice(slash + 1) : role;
}

/**
 * A deterministic lower-case id of `length` characters (a-z0-9), like the ids API Gateway assigns:
 * the same stack gives the same ids on every start, so URLs and ARNs printed once stay valid.
 */
export function shortId(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let id = '';
  for (let i = 0; id.length < length; i++) id += (digest[i % digest.length]! % 36).toString(36);
  return id;
}
