import {
  APP_ROLE_SERVICES,
  appBoundaryPolicyArn,
  appReadStatements,
  appResourceArns,
  BOUNDARY_TAMPERING_ACTIONS,
  BOUNDED_ROLE_ACTIONS,
  type CiPolicyScope,
  ciManagedPoliciesArn,
  stateList,
  stateLock,
  stateObject,
} from './ci-policies';
import { operationsDeployStatements } from './ci-policies-operations';
import { httpApiStatements, keyStatements } from './ci-random-id-statements';
import type { ManagedPolicyGroup, RolePolicies } from './iam-quotas';
import { LOG_DELIVERY_ACTIONS, type PolicyStatement } from './service-role';

/**
 * The deploy role's permissions, in one inline policy and customer-managed policies attached to the
 * role: IAM caps a role's inline policies at 10,240 characters together and each managed policy at
 * 6,144, and one inline policy no longer held them (`iam-quotas.ts`, docs/ci.md "Room in the CI
 * roles' policies"). The inline policy keeps what guards the account (state, roles and their
 * boundary, the explicit Denies); each managed policy holds one group of resource types. A new group
 * of resource types gets its own managed policy here.
 */

/**
 * The deploy role: reads and writes the application stack's state and creates, changes and deletes
 * exactly the resource types that stack declares, under its name prefix. It cannot change the
 * `ci-access` stack (the OIDC provider, the CI roles, their managed policies and the boundary
 * policy), so a workflow cannot widen its own access; and every role it creates or changes carries
 * the application's permissions boundary, so a role it creates cannot do more than the application needs.
 */
export function deployRolePolicies(s: CiPolicyScope): RolePolicies {
  return {
    inline: [
      stateList(s),
      { sid: 'StateReadWrite', actions: ['s3:GetObject', 's3:PutObject'], resources: [stateObject(s, s.appStateKey)] },
      stateLock(s, [s.appStateKey]),
      ...roleStatements(s),
      smokeTestStatement(s),
    ],
    managed: [
      {
        name: 'read',
        description: `What Terraform reads to refresh and plan ${s.appPrefix}.`,
        statements: appReadStatements(s, []),
      },
      {
        name: 'compute',
        description: `Writes the functions, state machines, log groups and HTTP APIs of ${s.appPrefix}.`,
        statements: computeStatements(s),
      },
      {
        name: 'webhooks',
        description: `Writes the webhook topics, queues, tables, rules, secrets and keys of ${s.appPrefix}.`,
        statements: webhookStatements(s),
      },
      {
        // Schedules, alarms and the dashboard (issue 26), and passing the scheduler role to Scheduler.
        name: 'operations',
        description: `Lets the deploy role manage ${s.appPrefix}'s schedules, alarms and dashboard.`,
        statements: operationsDeployStatements(s),
      },
    ] satisfies ManagedPolicyGroup[],
  };
}

/** Every statement of the deploy role, inline and managed, as IAM joins them for a request. */
export function deployRoleStatements(s: CiPolicyScope): PolicyStatement[] {
  const { inline, managed } = deployRolePolicies(s);
  return [...inline, ...managed.flatMap((group) => group.statements)];
}

function roleStatements(s: CiPolicyScope): PolicyStatement[] {
  const roles = appResourceArns(s).roles;
  return [
    {
      sid: 'WriteRolesUnderTheAppBoundary',
      actions: [...BOUNDED_ROLE_ACTIONS],
      resources: [roles],
      condition: { StringEquals: { 'iam:PermissionsBoundary': appBoundaryPolicyArn(s) } },
    },
    {
      // These requests carry no iam:PermissionsBoundary key, and none changes what a role may do.
      sid: 'TagAndListRoles',
      actions: ['iam:TagRole', 'iam:UntagRole', 'iam:ListInstanceProfilesForRole'],
      resources: [roles],
    },
    {
      sid: 'NeverRemoveAPermissionsBoundary',
      effect: 'Deny',
      actions: [...BOUNDARY_TAMPERING_ACTIONS.roles],
      resources: ['*'],
    },
    {
      // The boundary, and this role's own managed policies: nothing may rewrite what caps it.
      sid: 'NeverChangeTheBoundaryOrCiPolicies',
      effect: 'Deny',
      actions: [...BOUNDARY_TAMPERING_ACTIONS.policy],
      resources: [appBoundaryPolicyArn(s), ...s.ciRoleNames.map((name) => ciManagedPoliciesArn(s, name))],
    },
    {
      sid: 'PassRolesToTheirServices',
      actions: ['iam:PassRole'],
      resources: [roles],
      condition: { StringEquals: { 'iam:PassedToService': [...APP_ROLE_SERVICES] } },
    },
  ];
}

function smokeTestStatement(s: CiPolicyScope): PolicyStatement {
  const api = `arn:${s.partition}:execute-api:${s.region}:${s.accountId}:*/$default/POST`;
  return {
    // deploy.yml's smoke test starts one execution per job and describes it. execute-api has no
    // condition keys and the API id is random, so "its own API" is as narrow as route paths allow:
    // the start and describe routes of the $default stage, never stop or any other route.
    sid: 'SmokeTestStartAndDescribe',
    actions: ['execute-api:Invoke'],
    // A job's own start route too, e.g. POST /jobs/<job>/start-execution.
    resources: [`${api}/start-execution`, `${api}/*/start-execution`, `${api}/describe-execution`],
  };
}

/** Functions (and who may invoke them), state machines, log groups, HTTP APIs. */
function computeStatements(s: CiPolicyScope): PolicyStatement[] {
  const arns = appResourceArns(s);
  return [
    {
      sid: 'WriteFunctions',
      actions: [
        'lambda:CreateFunction',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:DeleteFunction',
        'lambda:PutFunctionConcurrency',
        'lambda:DeleteFunctionConcurrency',
        'lambda:TagResource',
        'lambda:UntagResource',
        // The functions' asynchronous invocation settings (retries, destinations).
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:UpdateFunctionEventInvokeConfig',
        'lambda:DeleteFunctionEventInvokeConfig',
      ],
      resources: [arns.functions],
    },
    {
      // Resource-based permissions only for API Gateway (the HTTP API's Lambda integration): without
      // the condition the role could let any principal, another account included, invoke our functions.
      sid: 'LetOnlyApiGatewayInvokeFunctions',
      actions: ['lambda:AddPermission', 'lambda:RemovePermission'],
      resources: [arns.functions],
      // EventBridge too: the execution-ended rule invokes the webhook sender.
      condition: { StringEquals: { 'lambda:Principal': ['apigateway.amazonaws.com', 'events.amazonaws.com'] } },
    },
    {
      sid: 'WriteStateMachines',
      actions: [
        'states:CreateStateMachine',
        'states:UpdateStateMachine',
        'states:DeleteStateMachine',
        'states:TagResource',
        'states:UntagResource',
      ],
      resources: [arns.stateMachines],
    },
    {
      sid: 'WriteLogGroups',
      actions: [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:DeleteRetentionPolicy',
        'logs:TagResource',
        'logs:UntagResource',
        'logs:TagLogGroup',
        'logs:UntagLogGroup',
      ],
      resources: arns.logGroups,
    },
    {
      // Turning on HTTP API access logs needs these on "*" (API Gateway developer guide, "Configuring
      // logging for an HTTP API"); they have no resource-level permissions.
      sid: 'AccessLogDeliveryNoResourceLevelPermissions',
      actions: LOG_DELIVERY_ACTIONS,
      resources: ['*'],
    },
    ...httpApiStatements(s),
  ];
}

/** The webhook resources: topics, queues, registration tables, rules, signing secrets, KMS keys. */
function webhookStatements(s: CiPolicyScope): PolicyStatement[] {
  const arns = appResourceArns(s);
  return [
    {
      sid: 'WriteTopics',
      actions: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource'],
      resources: [arns.topics],
    },
    {
      sid: 'WriteQueues',
      actions: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
      resources: [arns.queues],
    },
    {
      // The table's own settings only: no item, backup, export or resource-policy action.
      sid: 'WriteTables',
      actions: [
        'dynamodb:CreateTable',
        'dynamodb:UpdateTable',
        'dynamodb:DeleteTable',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:TagResource',
        'dynamodb:UntagResource',
      ],
      resources: [arns.tables],
    },
    {
      sid: 'WriteRules',
      actions: [
        'events:PutRule',
        'events:DeleteRule',
        'events:EnableRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:TagResource',
        'events:UntagResource',
      ],
      resources: [arns.rules],
    },
    {
      sid: 'WriteSigningSecrets',
      actions: [
        'secretsmanager:CreateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:UpdateSecret',
        'secretsmanager:PutSecretValue',
        'secretsmanager:TagResource',
        'secretsmanager:UntagResource',
      ],
      resources: [arns.secrets],
    },
    ...keyStatements(s),
  ];
}
