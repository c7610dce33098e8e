/**
 * The tables `aws-limits.ts` checks against: which request member of the AWS API models limits each
 * attribute the stacks write ({@link RULES}), the documented limits stricter than the models
 * ({@link STRICTER}), the Step Functions service-integration parameters, and Lambda's reserved
 * environment variables. Data only; the checks are in `aws-limits.ts`.
 */
import { LOG_RETENTION_DAYS } from '../config';
import { NOTIFICATION_RULES, NOTIFICATION_STRICTER } from './notification-limits';
import { SCHEDULE_RULES, SCHEDULE_STRICTER } from './schedule-limits';

/** A JSON object of the synthesized stack. */
export type Json = Record<string, unknown>;

/** The constraints the AWS API model gives a request member. */
export interface MemberLimits {
  readonly type: string;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

/** A documented limit stricter than the API model's, with where it is documented. */
export interface Stricter {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly (string | number)[];
  readonly source: string;
}

/**
 * Documented limits that are stricter than the API model for what this stack creates. The model's
 * looser bounds are for other kinds of resource (e.g. Lambda's 5,400 s and 32,768 MB are for
 * functions on Lambda Managed Instances; FunctionName's 140 characters count a full ARN).
 */
export const STRICTER: Readonly<Record<string, Stricter>> = {
  'lambda:CreateFunction.Timeout': { max: 900, source: 'Lambda quotas: function timeout 900 seconds (15 minutes)' },
  'lambda:CreateFunction.MemorySize': { max: 10_240, source: 'Lambda quotas: function memory 128 MB to 10,240 MB' },
  'lambda:CreateFunction.FunctionName': {
    max: 64,
    pattern: '^[a-zA-Z0-9_-]+$',
    source:
      'Lambda CreateFunction FunctionName: a name alone is limited to 64 characters of letters, digits, "-" and "_"',
  },
  'stepfunctions:CreateStateMachine.name': {
    pattern: '^[^\\s<>{}\\[\\]?*"#%\\\\^|~`$&,;:/\\u0000-\\u001f\\u007f-\\u009f]+$',
    source:
      'Step Functions CreateStateMachine name: no whitespace, brackets, wildcards, control characters or any of "#%\\^|~`$&,;:/',
  },
  'apigatewayv2:CreateIntegration.PayloadFormatVersion': {
    enum: ['1.0', '2.0'],
    source: 'API Gateway CreateIntegration PayloadFormatVersion: 1.0 or 2.0',
  },
  'logs:PutRetentionPolicy.retentionInDays': {
    enum: [...LOG_RETENTION_DAYS],
    source: 'CloudWatch Logs PutRetentionPolicy: the listed retention periods only',
  },
  ...NOTIFICATION_STRICTER,
  ...SCHEDULE_STRICTER,
};

/**
 * Request parameters each Step Functions integration subtype accepts, and which it requires (API
 * Gateway developer guide, "Integration subtype reference"; no API model lists them).
 */
export const STEP_FUNCTIONS_PARAMETERS: Readonly<
  Record<string, { readonly required: readonly string[]; readonly optional: readonly string[] }>
> = {
  'StepFunctions-StartExecution': {
    required: ['StateMachineArn'],
    optional: ['Name', 'Input', 'Region', 'TraceHeader'],
  },
  'StepFunctions-StartSyncExecution': {
    required: ['StateMachineArn'],
    optional: ['Name', 'Input', 'Region', 'TraceHeader'],
  },
  'StepFunctions-StopExecution': { required: ['ExecutionArn'], optional: ['Cause', 'Error', 'Region'] },
};

/** Step Functions request parameters that, given as a static value, must be an ARN of this type. */
export const STEP_FUNCTIONS_ARN_PARAMETERS: Readonly<Record<string, string>> = {
  StateMachineArn: 'states:statemachine',
  ExecutionArn: 'states:execution',
};

/** What an HTTP API parameter mapping may select (a value not starting with `$` is static). */
export const MAPPING_EXPRESSION =
  /^\$(request\.(body(\.[^\s]+)?|header\.[^\s]+|querystring\.[^\s]+|path(\.[^\s]+)?)|context\.[A-Za-z][\w.]*|stageVariables\.\w+)$/;

/**
 * Environment variables Lambda reserves: a function that sets one is refused (Lambda developer
 * guide, "Defined runtime environment variables").
 */
export const RESERVED_LAMBDA_VARIABLES = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
] as const;

/** How one attribute is checked: a model member (with any stricter limit), an ARN type, or both. */
export interface AttributeRule {
  readonly attribute: string;
  /** `<service>:<Operation.Member>` in aws-api-limits.json. */
  readonly member?: string;
  /** The resource type (iam-data `service:type`) the value must be an ARN of. */
  readonly arnOf?: string;
  /** The ARN must end with this (Step Functions wants a log group ARN ending in `:*`). */
  readonly arnSuffix?: string;
}

/** The attributes checked per Terraform resource type. */
export const RULES: Readonly<Record<string, readonly AttributeRule[]>> = {
  aws_lambda_function: [
    { attribute: 'function_name', member: 'lambda:CreateFunction.FunctionName' },
    { attribute: 'role', member: 'lambda:CreateFunction.Role', arnOf: 'iam:role' },
    { attribute: 'runtime', member: 'lambda:CreateFunction.Runtime' },
    { attribute: 'handler', member: 'lambda:CreateFunction.Handler' },
    { attribute: 'description', member: 'lambda:CreateFunction.Description' },
    { attribute: 'timeout', member: 'lambda:CreateFunction.Timeout' },
    { attribute: 'memory_size', member: 'lambda:CreateFunction.MemorySize' },
    { attribute: 'architectures', member: 'lambda:CreateFunction.Architectures[]' },
    { attribute: 'tracing_config.mode', member: 'lambda:CreateFunction.TracingConfig.Mode' },
    { attribute: 'logging_config.log_format', member: 'lambda:CreateFunction.LoggingConfig.LogFormat' },
    { attribute: 'logging_config.log_group', member: 'lambda:CreateFunction.LoggingConfig.LogGroup' },
    {
      attribute: 'logging_config.application_log_level',
      member: 'lambda:CreateFunction.LoggingConfig.ApplicationLogLevel',
    },
    { attribute: 'logging_config.system_log_level', member: 'lambda:CreateFunction.LoggingConfig.SystemLogLevel' },
    { attribute: 'ephemeral_storage.size', member: 'lambda:CreateFunction.EphemeralStorage.Size' },
    { attribute: 'dead_letter_config.target_arn', arnOf: 'sqs:queue' },
  ],
  aws_lambda_permission: [
    { attribute: 'statement_id', member: 'lambda:AddPermission.StatementId' },
    { attribute: 'action', member: 'lambda:AddPermission.Action' },
    { attribute: 'principal', member: 'lambda:AddPermission.Principal' },
    { attribute: 'source_arn', member: 'lambda:AddPermission.SourceArn' },
    { attribute: 'source_account', member: 'lambda:AddPermission.SourceAccount' },
  ],
  aws_iam_role: [
    { attribute: 'name', member: 'iam:CreateRole.RoleName' },
    { attribute: 'path', member: 'iam:CreateRole.Path' },
    { attribute: 'description', member: 'iam:CreateRole.Description' },
    { attribute: 'max_session_duration', member: 'iam:CreateRole.MaxSessionDuration' },
    { attribute: 'permissions_boundary', member: 'iam:CreateRole.PermissionsBoundary', arnOf: 'iam:policy' },
    { attribute: 'assume_role_policy', member: 'iam:CreateRole.AssumeRolePolicyDocument' },
  ],
  aws_iam_role_policy: [
    { attribute: 'name', member: 'iam:PutRolePolicy.PolicyName' },
    { attribute: 'policy', member: 'iam:PutRolePolicy.PolicyDocument' },
  ],
  aws_iam_policy: [
    { attribute: 'name', member: 'iam:CreatePolicy.PolicyName' },
    { attribute: 'path', member: 'iam:CreatePolicy.Path' },
    { attribute: 'description', member: 'iam:CreatePolicy.Description' },
    { attribute: 'policy', member: 'iam:CreatePolicy.PolicyDocument' },
  ],
  aws_iam_openid_connect_provider: [
    { attribute: 'url', member: 'iam:CreateOpenIDConnectProvider.Url' },
    { attribute: 'client_id_list', member: 'iam:CreateOpenIDConnectProvider.ClientIDList[]' },
    { attribute: 'thumbprint_list', member: 'iam:CreateOpenIDConnectProvider.ThumbprintList[]' },
  ],
  aws_sfn_state_machine: [
    { attribute: 'name', member: 'stepfunctions:CreateStateMachine.name' },
    { attribute: 'definition', member: 'stepfunctions:CreateStateMachine.definition' },
    { attribute: 'role_arn', member: 'stepfunctions:CreateStateMachine.roleArn', arnOf: 'iam:role' },
    { attribute: 'type', member: 'stepfunctions:CreateStateMachine.type' },
    { attribute: 'logging_configuration.level', member: 'stepfunctions:CreateStateMachine.loggingConfiguration.level' },
    { attribute: 'logging_configuration.log_destination', arnOf: 'logs:log-group', arnSuffix: ':*' },
  ],
  ...NOTIFICATION_RULES,
  ...SCHEDULE_RULES,
  aws_cloudwatch_log_group: [
    { attribute: 'name', member: 'logs:CreateLogGroup.logGroupName' },
    { attribute: 'kms_key_id', member: 'logs:CreateLogGroup.kmsKeyId' },
    { attribute: 'log_group_class', member: 'logs:CreateLogGroup.logGroupClass' },
    { attribute: 'retention_in_days', member: 'logs:PutRetentionPolicy.retentionInDays' },
  ],
  aws_apigatewayv2_api: [
    { attribute: 'name', member: 'apigatewayv2:CreateApi.Name' },
    { attribute: 'protocol_type', member: 'apigatewayv2:CreateApi.ProtocolType' },
    { attribute: 'description', member: 'apigatewayv2:CreateApi.Description' },
  ],
  aws_apigatewayv2_integration: [
    { attribute: 'integration_type', member: 'apigatewayv2:CreateIntegration.IntegrationType' },
    { attribute: 'integration_subtype', member: 'apigatewayv2:CreateIntegration.IntegrationSubtype' },
    { attribute: 'integration_method', member: 'apigatewayv2:CreateIntegration.IntegrationMethod' },
    { attribute: 'payload_format_version', member: 'apigatewayv2:CreateIntegration.PayloadFormatVersion' },
    { attribute: 'timeout_milliseconds', member: 'apigatewayv2:CreateIntegration.TimeoutInMillis' },
    { attribute: 'description', member: 'apigatewayv2:CreateIntegration.Description' },
    { attribute: 'connection_type', member: 'apigatewayv2:CreateIntegration.ConnectionType' },
    { attribute: 'credentials_arn', arnOf: 'iam:role' },
  ],
  aws_apigatewayv2_route: [
    { attribute: 'authorization_type', member: 'apigatewayv2:CreateRoute.AuthorizationType' },
    { attribute: 'target', member: 'apigatewayv2:CreateRoute.Target' },
  ],
  aws_apigatewayv2_stage: [
    { attribute: 'name', member: 'apigatewayv2:CreateStage.StageName' },
    { attribute: 'description', member: 'apigatewayv2:CreateStage.Description' },
    { attribute: 'access_log_settings.destination_arn', arnOf: 'logs:log-group' },
  ],
  aws_apigatewayv2_authorizer: [
    { attribute: 'name', member: 'apigatewayv2:CreateAuthorizer.Name' },
    { attribute: 'authorizer_type', member: 'apigatewayv2:CreateAuthorizer.AuthorizerType' },
  ],
};
