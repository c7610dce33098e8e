import { operationsReadStatements } from './ci-policies-operations';
import { httpApiArns, keysArn, tagCondition } from './ci-random-id-statements';
import { type PolicyStatement, XRAY_WRITE } from './service-role';
import { LOG_DELIVERY } from './state-machine';

/**
 * Permissions of the two CI roles and the permissions boundary of the application's roles, as data:
 * the `ci-access` stack renders them, and tests evaluate them with an IAM policy simulator. The deploy
 * role's write statements, and its split into policies, are in `ci-deploy-policies.ts`.
 *
 * Actions are what the Terraform AWS provider calls (`security/terraform-actions/`). Resources are
 * scoped by the application's name prefix wherever the service supports resource-level permissions;
 * each Allow statement on `*` says why in its `sid`, and docs/ci.md lists them.
 */

/** Services the application stack's roles are for; the deploy role may pass those roles to these only. */
export const APP_ROLE_SERVICES = ['apigateway.amazonaws.com', 'lambda.amazonaws.com', 'states.amazonaws.com'] as const;

/** What the CI policies are scoped to. Values may be cdktf tokens (account id, partition). */
export interface CiPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** Prefix of every application resource name, e.g. `async-api-dev` (`Naming.prefix`). */
  readonly appPrefix: string;
  /**
   * Tags every application resource carries (the application stack's provider default tags,
   * `Naming.tags`). HTTP API ids are random, so the deploy role recognises the stage's APIs by these.
   */
  readonly appTags: Readonly<Record<string, string>>;
  readonly stateBucket: string;
  /** State object key of the application stack. */
  readonly appStateKey: string;
  /** State object key of the `ci-access` stack. */
  readonly ciAccessStateKey: string;
  /** Names of the CI roles themselves: the plan role reads them, the deploy role can never touch them. */
  readonly ciRoleNames: readonly string[];
  readonly oidcProviderArn: string;
  /** Name of the managed policy that is the permissions boundary of every application role. */
  readonly appBoundaryPolicyName: string;
}

/** ARN patterns of what the application stack creates. */
export function appResourceArns(s: CiPolicyScope) {
  const { partition: p, region: r, accountId: a, appPrefix: prefix } = s;
  const lambdaLogGroups = `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/${prefix}-*`;
  return {
    functions: `arn:${p}:lambda:${r}:${a}:function:${prefix}-*`,
    roles: `arn:${p}:iam::${a}:role/${prefix}-*`,
    stateMachines: `arn:${p}:states:${r}:${a}:stateMachine:${prefix}-*`,
    executions: `arn:${p}:states:${r}:${a}:execution:${prefix}-*:*`,
    secrets: `arn:${p}:secretsmanager:${r}:${a}:secret:${prefix}-*`,
    queues: `arn:${p}:sqs:${r}:${a}:${prefix}-*`,
    topics: `arn:${p}:sns:${r}:${a}:${prefix}-*`,
    tables: `arn:${p}:dynamodb:${r}:${a}:table/${prefix}-*`,
    rules: `arn:${p}:events:${r}:${a}:rule/${prefix}-*`,
    // KMS key ids are random: "*" of this account and region (ci-random-id-statements.ts).
    keys: keysArn(s),
    lambdaLogGroups,
    // Lambda's own log groups and the vended-logs groups (Step Functions, API access logs).
    logGroups: [lambdaLogGroups, `arn:${p}:logs:${r}:${a}:log-group:/aws/vendedlogs/${prefix}-*`],
    // HTTP API ids are random, so no ARN can name only ours: every API of the region and its tags.
    httpApis: httpApiArns(s).read,
  };
}

/**
 * ARN of the boundary policy, built from its name (the policy has the default path `/`). The deploy
 * role's conditions use this rather than the policy's `arn` attribute, so the role does not depend
 * on the policy resource and the ARN is known before it exists.
 */
export function appBoundaryPolicyArn(
  s: Pick<CiPolicyScope, 'partition' | 'accountId' | 'appBoundaryPolicyName'>,
): string {
  return `arn:${s.partition}:iam::${s.accountId}:policy/${s.appBoundaryPolicyName}`;
}

/** The customer-managed policies of the CI role `roleName` (`GithubActionsRole` names them `<role>-<group>`). */
export const ciManagedPoliciesArn = (s: Pick<CiPolicyScope, 'partition' | 'accountId'>, roleName: string): string =>
  `arn:${s.partition}:iam::${s.accountId}:policy/${roleName}-*`;

/**
 * The permissions boundary of every application role: the union of what those roles need, on the
 * application's resources, so that a role created by the deploy role can never do more, whatever
 * inline policy it is given. Keep it in step with the roles' own statements (a test compares them):
 *
 * - Lambda functions write their own log streams and traces (`NodejsFunction`);
 * - the status function describes executions;
 * - the state machine invokes functions and delivers its logs (`StateMachine`);
 * - the HTTP API's integrations start and stop executions (`StepFunctionsIntegration`);
 * - the webhook sender reads its signing secret and dead-letters what it could not deliver
 *   (`WebhookNotifications`);
 * - the webhook start function writes (and takes back) a registration, the sender reads it
 *   (`WebhookRegistrationTable`).
 */
export function appBoundaryStatements(s: CiPolicyScope): PolicyStatement[] {
  const arns = appResourceArns(s);
  return [
    {
      sid: 'WriteFunctionLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      // The pattern covers the groups' streams as well (`<group>:log-stream:<name>`).
      resources: [arns.lambdaLogGroups],
    },
    { sid: 'InvokeFunctions', actions: ['lambda:InvokeFunction'], resources: [arns.functions] },
    { sid: 'StartExecutions', actions: ['states:StartExecution'], resources: [arns.stateMachines] },
    {
      sid: 'StopAndDescribeExecutions',
      actions: ['states:StopExecution', 'states:DescribeExecution'],
      resources: [arns.executions],
    },
    // POST /list-executions: ListExecutions is authorized on the state machine.
    { sid: 'ListExecutions', actions: ['states:ListExecutions'], resources: [arns.stateMachines] },
    // POST /get-execution-history, describe's progress and POST /redrive-execution.
    {
      sid: 'ReadHistoryAndRedriveExecutions',
      actions: ['states:GetExecutionHistory', 'states:RedriveExecution'],
      resources: [arns.executions],
    },
    { sid: 'ReadSigningSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [arns.secrets] },
    { sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [arns.queues] },
    {
      sid: 'WebhookRegistrations',
      actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem'],
      resources: [arns.tables],
    },
    // What Step Functions needs to deliver execution logs: the state machine role's own statement.
    { ...LOG_DELIVERY, sid: 'StateMachineLogDeliveryNoResourceLevelPermissions' },
    XRAY_WRITE,
  ];
}

/**
 * Role-writing actions the deploy role needs whose requests carry `iam:PermissionsBoundary` (the
 * Service Authorization Reference lists the key for each): allowed only when the boundary is the
 * application's. For CreateRole and PutRolePermissionsBoundary the key is the boundary requested;
 * for the others, the boundary the role already has. So the deploy role can only create roles with
 * the boundary and only change roles that have it; an unbounded role named like ours is out of reach.
 */
export const BOUNDED_ROLE_ACTIONS = [
  'iam:CreateRole',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:DeleteRole',
] as const;

/**
 * Changes that would lift the cap: removing a role's boundary, or rewriting the boundary policy.
 * Denied explicitly, so no Allow added later (here or in another policy of the role) can grant them.
 */
export const BOUNDARY_TAMPERING_ACTIONS = {
  roles: ['iam:DeleteRolePermissionsBoundary'],
  policy: ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy'],
} as const;

/** A state object (or lock file) of the state bucket. */
export const stateObject = (s: CiPolicyScope, key: string): string => `arn:${s.partition}:s3:::${s.stateBucket}/${key}`;

/** Reading state needs the bucket listing too: without it S3 answers 403 instead of 404 for a first plan. */
export function stateList(s: CiPolicyScope): PolicyStatement {
  return {
    sid: 'StateBucketList',
    actions: ['s3:ListBucket'],
    resources: [`arn:${s.partition}:s3:::${s.stateBucket}`],
  };
}

/** S3-native locking (`use_lockfile`) writes and deletes `<key>.tflock` next to the state. */
export function stateLock(s: CiPolicyScope, keys: readonly string[]): PolicyStatement {
  return {
    sid: 'StateLockFiles',
    actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    resources: keys.map((key) => stateObject(s, `${key}.tflock`)),
  };
}

/** What Terraform reads to refresh and plan the application stack. */
export function appReadStatements(s: CiPolicyScope, extraRoleArns: readonly string[]): PolicyStatement[] {
  const arns = appResourceArns(s);
  return [
    {
      sid: 'ReadFunctions',
      actions: [
        'lambda:GetFunction',
        'lambda:GetFunctionConfiguration',
        'lambda:GetFunctionCodeSigningConfig',
        'lambda:ListVersionsByFunction',
        'lambda:ListTags',
        'lambda:GetPolicy',
        'lambda:GetFunctionEventInvokeConfig',
      ],
      resources: [arns.functions],
    },
    {
      sid: 'ReadRoles',
      actions: [
        'iam:GetRole',
        'iam:ListRolePolicies',
        'iam:GetRolePolicy',
        'iam:ListAttachedRolePolicies',
        'iam:ListRoleTags',
      ],
      resources: [arns.roles, ...extraRoleArns],
    },
    {
      sid: 'ReadStateMachines',
      actions: ['states:DescribeStateMachine', 'states:ListStateMachineVersions', 'states:ListTagsForResource'],
      resources: [arns.stateMachines],
    },
    {
      // The provider validates a changed definition while planning; the action has no resource type.
      sid: 'ValidateDefinitionsNoResourceLevelPermissions',
      actions: ['states:ValidateStateMachineDefinition'],
      resources: ['*'],
    },
    {
      sid: 'ReadLogGroupTags',
      actions: ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
      resources: arns.logGroups,
    },
    {
      sid: 'DescribeLogGroupsNoResourceLevelPermissions',
      actions: ['logs:DescribeLogGroups'],
      resources: ['*'],
    },
    { sid: 'ReadHttpApis', actions: ['apigateway:GET'], resources: arns.httpApis },
    { sid: 'ReadTopics', actions: ['sns:GetTopicAttributes', 'sns:ListTagsForResource'], resources: [arns.topics] },
    { sid: 'ReadQueues', actions: ['sqs:GetQueueAttributes', 'sqs:ListQueueTags'], resources: [arns.queues] },
    {
      // Tables are named, so their ARNs name only the stage's: no tag condition needed (docs/ci.md).
      sid: 'ReadTables',
      actions: [
        'dynamodb:DescribeTable',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:DescribeTimeToLive',
        'dynamodb:ListTagsOfResource',
      ],
      resources: [arns.tables],
    },
    {
      sid: 'ReadRules',
      actions: ['events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'],
      resources: [arns.rules],
    },
    {
      // Refreshing the secret version reads its value; the value is in the Terraform state, which this
      // role reads anyway (docs/webhooks.md, "The signing secret").
      sid: 'ReadSigningSecretResources',
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy', 'secretsmanager:GetSecretValue'],
      resources: [arns.secrets],
    },
    {
      // The data source that draws the signing secret's value is read at every plan. The call returns
      // a fresh random string and touches no resource; the action has no resource type (docs/ci.md).
      sid: 'DrawRandomPasswordNoResourceLevelPermissions',
      actions: ['secretsmanager:GetRandomPassword'],
      resources: ['*'],
    },
  ];
}

/**
 * The plan role: reads the state of the application and `ci-access` stacks and the resources both
 * stacks manage, and writes nothing, not even a lock file (plans run with `-lock=false`).
 */
export function planRoleStatements(s: CiPolicyScope): PolicyStatement[] {
  const keys = [s.appStateKey, s.ciAccessStateKey];
  return [
    stateList(s),
    { sid: 'StateRead', actions: ['s3:GetObject'], resources: keys.map((key) => stateObject(s, key)) },
    // No lock: plans run with -lock=false (scripts/plan/run-plans.ts). A role that could write
    // `<key>.tflock` could also delete a running deploy's lock, from any same-repository pull request.
    ...appReadStatements(
      s,
      s.ciRoleNames.map((name) => `arn:${s.partition}:iam::${s.accountId}:role/${name}`),
    ),
    {
      // Plans read keys long after they were created, when their tags count (the deploy role reads a
      // new key without them: keyStatements).
      sid: 'ReadKeysOfTheStage',
      actions: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
      resources: [appResourceArns(s).keys],
      condition: { StringEquals: tagCondition('aws:ResourceTag', s.appTags) },
    },
    { sid: 'ReadGithubOidcProvider', actions: ['iam:GetOpenIDConnectProvider'], resources: [s.oidcProviderArn] },
    {
      sid: 'ReadCiAccessPolicies',
      actions: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyTags'],
      resources: [appBoundaryPolicyArn(s), ...s.ciRoleNames.map((name) => ciManagedPoliciesArn(s, name))],
    },
    // Schedules, alarms, dashboard (issue 26): ci-policies-operations.ts.
    ...operationsReadStatements(s),
  ];
}
