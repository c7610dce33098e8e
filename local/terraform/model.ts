/**
 * The typed model of what Terraform would create, built from a synthesized stack: functions, roles
 * and their policies, the state machines, the HTTP API (routes, integrations, authorizers, stage) and
 * Lambda permissions. Every other part of the runtime reads this model, never the JSON.
 */

import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { CorsModel } from '../apigw/cors';
import type { LambdaFunctionSpec } from '../lambda/types';
import { block, resourcesOfType, type TerraformJson } from './document';
import { readApi } from './read-api';
import { readPermission, readRoles } from './read-iam';
import { type LocalIdentity, numberArg, ResolutionError, TerraformResolver } from './resolver';

/** An IAM policy document as parsed JSON. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: unknown;
}

/** A policy that applies to a role, with where it came from (for denial messages). */
export interface RolePolicy {
  readonly name: string;
  /** Terraform address of the resource that defines it. */
  readonly source: string;
  readonly document: PolicyDocument;
}

export interface RoleModel {
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly trustPolicy: PolicyDocument;
  readonly policies: readonly RolePolicy[];
}

/** A Lambda function: the Lambda service's spec plus where it was defined. */
export interface FunctionModel extends LambdaFunctionSpec {
  readonly address: string;
}

export interface StateMachineModel {
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  /** The rendered definition, parsed. */
  readonly definition: Record<string, unknown>;
  /** The rendered definition as Terraform would send it (DescribeStateMachine returns it). */
  readonly definitionText: string;
  readonly logging?: { readonly level: string; readonly includeExecutionData: boolean; readonly destination?: string };
  readonly tracingEnabled: boolean;
  /** `tags_all`: the provider's `default_tags` overlaid with the resource's `tags` (ListTagsForResource). */
  readonly tags: Readonly<Record<string, string>>;
}

export interface IntegrationModel {
  readonly address: string;
  readonly id: string;
  readonly type: string;
  readonly subtype?: string;
  /** Lambda invoke ARN (or function ARN) for Lambda proxy integrations. */
  readonly uri?: string;
  readonly credentialsArn?: string;
  readonly requestParameters: Readonly<Record<string, string>>;
  readonly payloadFormatVersion: string;
  readonly timeoutMs: number;
}

export interface AuthorizerModel {
  readonly address: string;
  readonly id: string;
  readonly type: string;
  readonly identitySources: readonly string[];
  readonly issuer?: string;
  readonly audience: readonly string[];
}

export interface RouteModel {
  readonly address: string;
  readonly id: string;
  /** `POST /start-execution` or `$default`. */
  readonly routeKey: string;
  /** Upper-case method, `ANY`, or undefined for `$default`. */
  readonly method?: string;
  /** Path template such as `/pets/{id}`; undefined for `$default`. */
  readonly path?: string;
  readonly integration?: IntegrationModel;
  readonly authorizationType: 'NONE' | 'AWS_IAM' | 'JWT' | 'CUSTOM';
  readonly authorizer?: AuthorizerModel;
  readonly authorizationScopes: readonly string[];
}

export interface ThrottleSettings {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface StageModel {
  readonly address: string;
  readonly name: string;
  readonly throttling?: ThrottleSettings;
  /** Per-route throttling (`route_settings`), by route key. */
  readonly routeThrottling: Readonly<Record<string, ThrottleSettings>>;
  readonly accessLog?: { readonly destinationArn: string; readonly format: string };
}

export interface ApiModel {
  readonly address: string;
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly executionArn: string;
  readonly routes: readonly RouteModel[];
  readonly stage: StageModel;
  /** `cors_configuration`; absent: the gateway answers no preflight and adds no CORS header. */
  readonly cors?: CorsModel;
}

/** An `aws_lambda_permission`: a statement of the function's resource policy. */
export interface LambdaPermissionModel {
  readonly address: string;
  readonly statementId: string;
  readonly action: string;
  readonly functionArn: string;
  readonly principal: string;
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
}

/** Everything the runtime serves, as Terraform would create it. */
export interface StackModel {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly functions: readonly FunctionModel[];
  readonly roles: readonly RoleModel[];
  /** Every state machine of the stack (one per job), in the document's order. */
  readonly stateMachines: readonly StateMachineModel[];
  readonly api: ApiModel;
  readonly lambdaPermissions: readonly LambdaPermissionModel[];
  /** Resolved Terraform outputs (sensitive ones included). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Resource types in the stack that the runtime does not emulate (printed at start-up). */
  readonly notEmulated: readonly string[];
  /** Things that were read but cannot be honoured fully, e.g. AWS-managed policy attachments. */
  readonly warnings: readonly string[];
}

/**
 * The state machine a route starts (its StartExecution integration's `StateMachineArn`); by default
 * the one behind `POST /start-execution`, i.e. the default job's.
 * @throws Error when no such route starts a state machine of the stack.
 */
export function machineStartedBy(
  model: Pick<StackModel, 'api' | 'stateMachines'>,
  path = '/start-execution',
): StateMachineModel {
  const route = model.api.routes.find(
    (r) => r.path === path && r.integration?.subtype === 'StepFunctions-StartExecution',
  );
  const arn = route?.integration?.requestParameters['StateMachineArn'];
  const machine = model.stateMachines.find((m) => m.arn === arn);
  if (!machine) throw new Error(`no route POST ${path} starts a state machine of this stack`);
  return machine;
}

/** Resource types the model reads; anything else is listed in {@link StackModel.notEmulated}. */
const EMULATED = new Set([
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_iam_policy',
  'aws_iam_role_policy_attachment',
  'aws_cloudwatch_log_group',
  'aws_lambda_function',
  'aws_lambda_permission',
  'aws_sfn_state_machine',
  'aws_apigatewayv2_api',
  'aws_apigatewayv2_integration',
  'aws_apigatewayv2_route',
  'aws_apigatewayv2_stage',
  'aws_apigatewayv2_authorizer',
]);

/**
 * Builds the model of one synthesized stack.
 * @param doc the parsed `cdk.tf.json`.
 * @param stackDir folder of that file; asset paths (`filename`) are relative to it.
 * @throws ResolutionError naming the resource and attribute of anything that cannot be evaluated or is missing.
 */
export function buildStackModel(doc: TerraformJson, stackDir: string, identity: LocalIdentity): StackModel {
  const resolver = new TerraformResolver(doc, identity);
  const warnings: string[] = [];
  const roles = readRoles(doc, resolver, warnings);
  const functions = resourcesOfType(doc, 'aws_lambda_function').map((b) => readFunction(resolver, b.address, stackDir));
  const stateMachines = resourcesOfType(doc, 'aws_sfn_state_machine').map((b) => readStateMachine(resolver, b.address));
  if (stateMachines.length === 0) {
    throw new ResolutionError(
      { address: 'aws_sfn_state_machine', attribute: '*' },
      'the stack has no state machine to serve',
    );
  }
  const api = readApi(doc, resolver);
  const lambdaPermissions = resourcesOfType(doc, 'aws_lambda_permission').map((b) =>
    readPermission(resolver.resource(b.address), resolver.identity, resolver.region),
  );
  const outputs: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(doc.output ?? {})) {
    outputs[name] = resolver.resolve(output.value, { address: `output.${name}`, attribute: 'value' });
  }
  const notEmulated = Object.keys(doc.resource ?? {}).filter((type) => !EMULATED.has(type));
  return {
    region: resolver.region,
    accountId: identity.accountId,
    partition: resolver.identity.partition,
    functions,
    roles,
    stateMachines,
    api,
    lambdaPermissions,
    outputs,
    notEmulated,
    warnings,
  };
}

function readFunction(resolver: TerraformResolver, address: string, stackDir: string): FunctionModel {
  const r = resolver.resource(address);
  const filename = r.arg('filename');
  if (typeof filename !== 'string' || filename === '') {
    const other = ['s3_bucket', 'image_uri'].find((k) => r.arg(k) !== undefined);
    throw new ResolutionError(
      { address, attribute: other ?? 'filename' },
      other
        ? `code from ${other} cannot be run locally; only a local zip (filename) can`
        : 'no filename (zip asset) to run',
    );
  }
  const variables = (block(r.arg('environment'))?.['variables'] ?? {}) as Record<string, unknown>;
  const environment: Record<string, string> = {};
  for (const [k, v] of Object.entries(variables)) environment[k] = typeof v === 'string' ? v : JSON.stringify(v);
  const reserved = numberArg(r, 'reserved_concurrent_executions', -1);
  return {
    address,
    functionName: r.stringArg('function_name'),
    functionArn: resolver.attribute(address, 'arn', { address, attribute: 'arn' }) as string,
    zipPath: isAbsolute(filename) ? filename : resolvePath(stackDir, filename),
    handler: r.stringArg('handler'),
    runtime: r.stringArg('runtime'),
    environment,
    timeoutSeconds: numberArg(r, 'timeout', 3),
    memorySizeMb: numberArg(r, 'memory_size', 128),
    ...(reserved >= 0 ? { reservedConcurrency: reserved } : {}),
    roleArn: r.stringArg('role'),
  };
}

function readStateMachine(resolver: TerraformResolver, address: string): StateMachineModel {
  const r = resolver.resource(address);
  const definitionText = r.stringArg('definition');
  let definition: unknown;
  try {
    definition = JSON.parse(definitionText);
  } catch (err) {
    throw new ResolutionError(
      { address, attribute: 'definition' },
      `not valid JSON after resolution: ${(err as Error).message}`,
    );
  }
  const type = (r.arg('type') ?? 'STANDARD') as string;
  if (type !== 'STANDARD' && type !== 'EXPRESS') {
    throw new ResolutionError({ address, attribute: 'type' }, `unknown type ${JSON.stringify(type)}`);
  }
  const logging = block(r.arg('logging_configuration'));
  const tracing = block(r.arg('tracing_configuration'));
  return {
    address,
    name: r.stringArg('name'),
    arn: resolver.attribute(address, 'arn', { address, attribute: 'arn' }) as string,
    roleArn: r.stringArg('role_arn'),
    type,
    definition: definition as Record<string, unknown>,
    definitionText,
    ...(logging
      ? {
          logging: {
            level: String(logging['level'] ?? 'OFF'),
            includeExecutionData: logging['include_execution_data'] === true,
            ...(typeof logging['log_destination'] === 'string' ? { destination: logging['log_destination'] } : {}),
          },
        }
      : {}),
    tracingEnabled: tracing?.['enabled'] === true,
    tags: resolver.tagsOf(address),
  };
}
