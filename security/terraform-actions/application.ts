/**
 * What the provider calls for the application stack's types (`async-api-<stage>`), which the plan
 * role refreshes and plans and the deploy role applies and destroys. Rows list the calls for the
 * arguments our stacks set (e.g. no `EnableKey` while no key is ever disabled); a new argument that
 * makes the provider call something else needs its call here.
 */

import { roleNameOf } from '../../local/terraform/computed';
import { LOG_DELIVERY_ACTIONS } from '../../stacks/constructs/service-role';
import { MESSAGING_ACTIONS } from './application-messaging';
import { arg, call, PROVIDER_SOURCE, passRole, type Target, type TypeActions, tagged, unscoped } from './types';

const src = (files: string, docs = '') => `${PROVIDER_SOURCE}/${files}${docs ? `; ${docs}` : ''}`;

/** A function's ARN from an argument that holds its name or its ARN. */
function functionArn(t: Target, name = 'function_name'): string {
  const value = arg(t, name);
  return value.startsWith('arn:') ? value : `arn:${t.partition}:lambda:${t.region}:${t.accountId}:function:${value}`;
}

/** `/apis/<api_id>/<kind>` (create) and `/apis/<api_id>/<kind>/<id>` (the child itself). */
function apiChild(kind: string, idAttr = 'id') {
  const collection = (t: Target) => `arn:${t.partition}:apigateway:${t.region}::/apis/${arg(t, 'api_id')}/${kind}`;
  return { collection, item: (t: Target) => `${collection(t)}/${t.attr(idAttr)}` };
}

/** The HTTP API a child (`api_id`) belongs to. */
function apiOfChild(t: Target): string {
  return `arn:${t.partition}:apigateway:${t.region}::/apis/${arg(t, 'api_id')}`;
}

/** API Gateway's Tags resource of what `arnOf` names. */
function apiGatewayTags(arnOf: (t: Target) => string) {
  return (t: Target) => `arn:${t.partition}:apigateway:${t.region}::/tags/${encodeURIComponent(arnOf(t))}`;
}

/** The children of an HTTP API that the stack declares, all read, written and deleted the same way. */
function httpApiChild(kind: string, file: string, extra: TypeActions['apply'] = []): TypeActions {
  const arns = apiChild(kind);
  return {
    source: src(`apigatewayv2/${file}`),
    read: [call('apigateway:GET', { on: arns.item })],
    apply: [call('apigateway:POST', { on: arns.collection }), call('apigateway:PATCH', { on: arns.item }), ...extra],
    destroy: [call('apigateway:DELETE', { on: arns.item })],
  };
}

const logDelivery = LOG_DELIVERY_ACTIONS.map(unscoped);
const roleOfPolicy = (t: Target) => `arn:${t.partition}:iam::${t.accountId}:role/${roleNameOf(arg(t, 'role'))}`;
/** The boundary the role named in a role policy's `role` has: IAM puts it in the request. */
function boundaryOfPolicyRole(t: Target): Record<string, string> {
  const name = roleNameOf(arg(t, 'role'));
  const role = t.others.find((r) => r.type === 'aws_iam_role' && r.config['name'] === name);
  const boundary = role?.config['permissions_boundary'];
  return typeof boundary === 'string' ? { 'iam:PermissionsBoundary': boundary } : {};
}
const ownBoundary = (t: Target): Record<string, string> =>
  typeof t.config['permissions_boundary'] === 'string'
    ? { 'iam:PermissionsBoundary': t.config['permissions_boundary'] }
    : {};

export const APPLICATION_ACTIONS: Readonly<Record<string, TypeActions>> = {
  aws_lambda_function: {
    source: src('lambda/function.go', 'Lambda developer guide, "Using tags on Lambda functions"'),
    read: [
      call('lambda:GetFunction'),
      call('lambda:GetFunctionCodeSigningConfig'),
      call('lambda:ListVersionsByFunction'),
    ],
    apply: [
      tagged('lambda:CreateFunction'),
      passRole('role', 'lambda.amazonaws.com'),
      call('lambda:UpdateFunctionCode'),
      call('lambda:UpdateFunctionConfiguration'),
      call('lambda:PutFunctionConcurrency', { when: (t) => t.config['reserved_concurrent_executions'] !== undefined }),
      // Creating a function with tags needs TagResource too.
      tagged('lambda:TagResource'),
      call('lambda:UntagResource'),
    ],
    destroy: [call('lambda:DeleteFunction')],
  },
  aws_lambda_permission: {
    source: src('lambda/permission.go'),
    read: [call('lambda:GetPolicy', { on: (t) => functionArn(t) })],
    apply: [
      call('lambda:AddPermission', {
        on: (t) => functionArn(t),
        context: (t) => ({ 'lambda:Principal': arg(t, 'principal') }),
      }),
    ],
    destroy: [
      call('lambda:RemovePermission', {
        on: (t) => functionArn(t),
        context: (t) => ({ 'lambda:Principal': arg(t, 'principal') }),
      }),
    ],
  },
  aws_lambda_function_event_invoke_config: {
    source: src('lambda/function_event_invoke_config.go'),
    read: [call('lambda:GetFunctionEventInvokeConfig', { on: (t) => functionArn(t) })],
    apply: [
      call('lambda:PutFunctionEventInvokeConfig', { on: (t) => functionArn(t) }),
      call('lambda:UpdateFunctionEventInvokeConfig', { on: (t) => functionArn(t) }),
    ],
    destroy: [call('lambda:DeleteFunctionEventInvokeConfig', { on: (t) => functionArn(t) })],
  },
  aws_iam_role: {
    source: src(
      'iam/role.go (resourceRoleCreate, resourceRoleRead, resourceRoleUpdate, deleteRole)',
      'IAM user guide, "Permissions required for tagging"',
    ),
    // The read lists and reads every inline policy of the role, the aws_iam_role_policy ones included.
    read: [
      call('iam:GetRole'),
      call('iam:ListRolePolicies'),
      call('iam:GetRolePolicy'),
      call('iam:ListAttachedRolePolicies'),
    ],
    apply: [
      tagged('iam:CreateRole', { context: ownBoundary }),
      tagged('iam:TagRole'),
      call('iam:UntagRole'),
      call('iam:UpdateAssumeRolePolicy', { context: ownBoundary }),
      call('iam:UpdateRoleDescription', { context: ownBoundary }),
      call('iam:UpdateRole', { context: ownBoundary }),
      call('iam:PutRolePermissionsBoundary', {
        context: ownBoundary,
        when: (t) => typeof t.config['permissions_boundary'] === 'string',
      }),
    ],
    // Without inline_policy, managed_policy_arns or force_detach_policies, nothing else is listed.
    destroy: [call('iam:ListInstanceProfilesForRole'), call('iam:DeleteRole', { context: ownBoundary })],
  },
  aws_iam_role_policy: {
    source: src('iam/role_policy.go'),
    read: [call('iam:GetRolePolicy', { on: roleOfPolicy })],
    apply: [call('iam:PutRolePolicy', { on: roleOfPolicy, context: boundaryOfPolicyRole })],
    destroy: [call('iam:DeleteRolePolicy', { on: roleOfPolicy, context: boundaryOfPolicyRole })],
  },
  aws_sfn_state_machine: {
    source: src(
      'sfn/state_machine.go',
      'Step Functions developer guide, "IAM policies for logging to CloudWatch Logs"',
    ),
    read: [
      call('states:DescribeStateMachine'),
      call('states:ListTagsForResource'),
      unscoped('states:ValidateStateMachineDefinition'),
    ],
    apply: [
      tagged('states:CreateStateMachine'),
      passRole('role_arn', 'states.amazonaws.com'),
      call('states:UpdateStateMachine'),
      tagged('states:TagResource'),
      call('states:UntagResource'),
      ...logDelivery,
    ],
    destroy: [call('states:DeleteStateMachine'), call('states:DescribeStateMachine')],
  },
  aws_cloudwatch_log_group: {
    source: src('logs/group.go', 'CloudWatch Logs API reference, CreateLogGroup ("tags")'),
    read: [unscoped('logs:DescribeLogGroups'), call('logs:ListTagsForResource')],
    apply: [tagged('logs:CreateLogGroup'), tagged('logs:TagResource'), call('logs:PutRetentionPolicy')],
    destroy: [call('logs:DeleteLogGroup')],
  },
  aws_apigatewayv2_api: {
    source: src('apigatewayv2/api.go', 'API Gateway developer guide, "IAM condition keys for HTTP APIs"'),
    read: [call('apigateway:GET')],
    apply: [
      tagged('apigateway:POST', {
        on: (t) => `arn:${t.partition}:apigateway:${t.region}::/apis`,
        context: (t) => ({ 'apigateway:Request/ApiName': arg(t, 'name') }),
      }),
      call('apigateway:PATCH', { context: (t) => ({ 'apigateway:Resource/ApiName': arg(t, 'name') }) }),
      tagged('apigateway:POST', { on: apiGatewayTags((t) => t.attr('arn')) }),
      call('apigateway:DELETE', { on: apiGatewayTags((t) => t.attr('arn')) }),
    ],
    destroy: [call('apigateway:DELETE', { context: (t) => ({ 'apigateway:Resource/ApiName': arg(t, 'name') }) })],
  },
  aws_apigatewayv2_integration: httpApiChild('integrations', 'integration.go', [
    passRole('credentials_arn', 'apigateway.amazonaws.com'),
  ]),
  aws_apigatewayv2_route: httpApiChild('routes', 'route.go'),
  aws_apigatewayv2_authorizer: httpApiChild('authorizers', 'authorizer.go'),
  aws_apigatewayv2_stage: {
    // Create, read and update read the stage's API too (its protocol type, for the invoke URL).
    source: src(
      'apigatewayv2/stage.go (resourceStageCreate, resourceStageRead, resourceStageUpdate)',
      'API Gateway developer guide, "Configuring logging for an HTTP API"',
    ),
    read: [call('apigateway:GET', { on: apiChild('stages').item }), call('apigateway:GET', { on: apiOfChild })],
    apply: [
      call('apigateway:GET', { on: apiOfChild }),
      tagged('apigateway:POST', { on: apiChild('stages').collection }),
      call('apigateway:PATCH', { on: apiChild('stages').item }),
      tagged('apigateway:POST', { on: apiGatewayTags(apiChild('stages').item) }),
      call('apigateway:DELETE', { on: apiGatewayTags(apiChild('stages').item) }),
      ...logDelivery,
    ],
    destroy: [call('apigateway:DELETE', { on: apiChild('stages').item })],
  },
  aws_cloudwatch_event_rule: {
    source: src('events/rule.go'),
    read: [call('events:DescribeRule'), call('events:ListTagsForResource')],
    apply: [tagged('events:PutRule'), tagged('events:TagResource'), call('events:UntagResource')],
    destroy: [call('events:DeleteRule')],
  },
  aws_cloudwatch_event_target: {
    source: src('events/target.go'),
    read: [call('events:ListTargetsByRule', { on: ruleOfTarget })],
    apply: [call('events:PutTargets', { on: ruleOfTarget }), passRole('role_arn', 'events.amazonaws.com')],
    destroy: [call('events:RemoveTargets', { on: ruleOfTarget })],
  },
  ...MESSAGING_ACTIONS,
};

function ruleOfTarget(t: Target): string {
  return `arn:${t.partition}:events:${t.region}:${t.accountId}:rule/${arg(t, 'rule')}`;
}
