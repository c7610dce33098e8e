/**
 * The typed model of what Terraform would create, built from a synthesized stack: functions, roles
 * and their policies, the state machines, the HTTP API (routes, integrations, authorizers, stage) and
 * Lambda permissions. Every other part of the runtime reads this model, never the JSON.
 */

import { isAbsolute, resolve as resolvePath } from 'node:path';
import { type CorsModel, readCors } from '../apigw/cors';
import type { LambdaFunctionSpec } from '../lambda/types';
import { block, resourcesOfType, type TerraformJson } from './document';
import { type LocalIdentity, ResolutionError, type ResolvedResource, TerraformResolver } from './resolver';

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

function readRoles(doc: TerraformJson, resolver: TerraformResolver, warnings: string[]): RoleModel[] {
  const inlineByRole = new Map<string, RolePolicy[]>();
  const add = (roleName: string, policy: RolePolicy): void => {
    inlineByRole.set(roleName, [...(inlineByRole.get(roleName) ?? []), policy]);
  };
  for (const b of resourcesOfType(doc, 'aws_iam_role_policy')) {
    const r = resolver.resource(b.address);
    add(roleName(r.stringArg('role')), {
      name: r.stringArg('name'),
      source: b.address,
      document: parsePolicy(r.arg('policy'), b.address, 'policy'),
    });
  }
  const managed = new Map<string, RolePolicy>();
  for (const b of resourcesOfType(doc, 'aws_iam_policy')) {
    const r = resolver.resource(b.address);
    const arn = resolver.attribute(b.address, 'arn', { address: b.address, attribute: 'arn' }) as string;
    managed.set(arn, {
      name: r.stringArg('name'),
      source: b.address,
      document: parsePolicy(r.arg('policy'), b.address, 'policy'),
    });
  }
  for (const b of resourcesOfType(doc, 'aws_iam_role_policy_attachment')) {
    const r = resolver.resource(b.address);
    const arn = r.stringArg('policy_arn');
    const policy = managed.get(arn);
    if (policy) add(roleName(r.stringArg('role')), policy);
    else
      warnings.push(
        `${b.address}: ${arn} is not defined in the stack (an AWS-managed policy?); its permissions are not granted locally`,
      );
  }
  const roles = resourcesOfType(doc, 'aws_iam_role');
  // Role names are unique per account: Terraform's apply would fail on the second one
  // (EntityAlreadyExists), and locally two roles would share one ARN and mix their permissions.
  const seen = new Map<string, string>();
  for (const b of roles) {
    const name = resolver.resource(b.address).stringArg('name');
    const other = seen.get(name);
    if (other) {
      throw new ResolutionError(
        { address: b.address, attribute: 'name' },
        `${other} has the same name ${JSON.stringify(name)}; IAM role names must be unique in an account (AWS would answer EntityAlreadyExists)`,
      );
    }
    seen.set(name, b.address);
  }
  return roles.map((b) => {
    const r = resolver.resource(b.address);
    const name = r.stringArg('name');
    const policies = [...(inlineByRole.get(name) ?? [])];
    const inline = r.arg('inline_policy');
    for (const [i, item] of (Array.isArray(inline) ? inline : inline ? [inline] : []).entries()) {
      const p = item as Record<string, unknown>;
      if (typeof p['policy'] !== 'string' || p['policy'] === '') continue; // an empty block removes inline policies
      policies.push({
        name: String(p['name'] ?? `inline-${i}`),
        source: `${b.address}.inline_policy`,
        document: parsePolicy(p['policy'], b.address, 'inline_policy.policy'),
      });
    }
    return {
      address: b.address,
      name,
      arn: resolver.attribute(b.address, 'arn', { address: b.address, attribute: 'arn' }) as string,
      trustPolicy: parsePolicy(r.arg('assume_role_policy'), b.address, 'assume_role_policy'),
      policies,
    };
  });
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

/** Address of the stack's only resource of `type`; the runtime serves one of each. */
function onlyResource(doc: TerraformJson, type: string, what: string): string {
  const found = resourcesOfType(doc, type);
  if (found.length !== 1) {
    throw new ResolutionError(
      { address: type, attribute: '*' },
      `the runtime serves exactly one ${what}; the stack has ${found.length}`,
    );
  }
  return found[0]!.address;
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

function readApi(doc: TerraformJson, resolver: TerraformResolver): ApiModel {
  const address = onlyResource(doc, 'aws_apigatewayv2_api', 'HTTP API');
  const at = (attribute: string): string => resolver.attribute(address, attribute, { address, attribute }) as string;
  const api = resolver.resource(address);
  const protocol = api.arg('protocol_type');
  if (protocol !== 'HTTP') {
    throw new ResolutionError(
      { address, attribute: 'protocol_type' },
      `only HTTP APIs are emulated, not ${String(protocol)}`,
    );
  }
  const id = at('id');
  const belongs = (r: ResolvedResource): boolean => r.arg('api_id') === id;

  const integrations = resourcesOfType(doc, 'aws_apigatewayv2_integration')
    .map((b) => resolver.resource(b.address))
    .filter(belongs)
    .map((r) => readIntegration(r, resolver));
  const authorizers = resourcesOfType(doc, 'aws_apigatewayv2_authorizer')
    .map((b) => resolver.resource(b.address))
    .filter(belongs)
    .map((r) => readAuthorizer(r, resolver));
  const routes = resourcesOfType(doc, 'aws_apigatewayv2_route')
    .map((b) => resolver.resource(b.address))
    .filter(belongs)
    .map((r) => readRoute(r, resolver, integrations, authorizers));
  const stages = resourcesOfType(doc, 'aws_apigatewayv2_stage')
    .map((b) => resolver.resource(b.address))
    .filter(belongs);
  if (stages.length !== 1) {
    throw new ResolutionError(
      { address, attribute: 'stage' },
      `the runtime serves exactly one stage; the API has ${stages.length}`,
    );
  }
  return {
    address,
    id,
    name: api.stringArg('name'),
    endpoint: at('api_endpoint'),
    executionArn: at('execution_arn'),
    routes,
    stage: readStage(stages[0]!),
    ...(readCors(api.arg('cors_configuration')) ? { cors: readCors(api.arg('cors_configuration'))! } : {}),
  };
}

function readIntegration(r: ResolvedResource, resolver: TerraformResolver): IntegrationModel {
  const address = r.block.address;
  const params = (r.arg('request_parameters') ?? {}) as Record<string, unknown>;
  const requestParameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) requestParameters[k] = String(v);
  const subtype = r.arg('integration_subtype') as string | undefined;
  const uri = r.arg('integration_uri') as string | undefined;
  const credentialsArn = r.arg('credentials_arn') as string | undefined;
  return {
    address,
    id: resolver.attribute(address, 'id', { address, attribute: 'id' }) as string,
    type: r.stringArg('integration_type'),
    ...(subtype ? { subtype } : {}),
    ...(uri ? { uri } : {}),
    ...(credentialsArn ? { credentialsArn } : {}),
    requestParameters,
    // Terraform's default; HTTP APIs require it to be set, so a missing value is unusual.
    payloadFormatVersion: String(r.arg('payload_format_version') ?? '1.0'),
    timeoutMs: numberArg(r, 'timeout_milliseconds', 30_000),
  };
}

function readAuthorizer(r: ResolvedResource, resolver: TerraformResolver): AuthorizerModel {
  const address = r.block.address;
  const jwt = block(r.arg('jwt_configuration'));
  const issuer = jwt?.['issuer'];
  return {
    address,
    id: resolver.attribute(address, 'id', { address, attribute: 'id' }) as string,
    type: r.stringArg('authorizer_type'),
    identitySources: ((r.arg('identity_sources') ?? []) as unknown[]).map(String),
    ...(typeof issuer === 'string' ? { issuer } : {}),
    audience: ((jwt?.['audience'] ?? []) as unknown[]).map(String),
  };
}

function readRoute(
  r: ResolvedResource,
  resolver: TerraformResolver,
  integrations: readonly IntegrationModel[],
  authorizers: readonly AuthorizerModel[],
): RouteModel {
  const address = r.block.address;
  const routeKey = r.stringArg('route_key');
  let method: string | undefined;
  let path: string | undefined;
  if (routeKey !== '$default') {
    const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
    if (!match)
      throw new ResolutionError({ address, attribute: 'route_key' }, `not a route key: ${JSON.stringify(routeKey)}`);
    method = match[1]!;
    path = match[2]!;
  }
  const target = r.arg('target') as string | undefined;
  let integration: IntegrationModel | undefined;
  if (target !== undefined) {
    const id = /^integrations\/(.+)$/.exec(target)?.[1];
    integration = integrations.find((i) => i.id === id);
    if (!integration)
      throw new ResolutionError(
        { address, attribute: 'target' },
        `no integration ${JSON.stringify(target)} in the API`,
      );
  }
  const authorizationType = (r.arg('authorization_type') ?? 'NONE') as RouteModel['authorizationType'];
  const authorizerId = r.arg('authorizer_id') as string | undefined;
  const authorizer = authorizerId === undefined ? undefined : authorizers.find((a) => a.id === authorizerId);
  if (authorizerId !== undefined && !authorizer) {
    throw new ResolutionError({ address, attribute: 'authorizer_id' }, `no authorizer ${authorizerId} in the API`);
  }
  return {
    address,
    id: resolver.attribute(address, 'id', { address, attribute: 'id' }) as string,
    routeKey,
    ...(method ? { method } : {}),
    ...(path ? { path } : {}),
    ...(integration ? { integration } : {}),
    authorizationType,
    ...(authorizer ? { authorizer } : {}),
    authorizationScopes: ((r.arg('authorization_scopes') ?? []) as unknown[]).map(String),
  };
}

function readStage(r: ResolvedResource): StageModel {
  const settings = block(r.arg('default_route_settings'));
  const throttling = throttleOf(settings);
  const routeThrottling: Record<string, ThrottleSettings> = {};
  const routeSettings = r.arg('route_settings');
  for (const item of Array.isArray(routeSettings) ? routeSettings : routeSettings ? [routeSettings] : []) {
    const t = throttleOf(item as Record<string, unknown>);
    const key = (item as Record<string, unknown>)['route_key'];
    if (t && typeof key === 'string') routeThrottling[key] = t;
  }
  const access = block(r.arg('access_log_settings'));
  return {
    address: r.block.address,
    name: r.stringArg('name'),
    ...(throttling ? { throttling } : {}),
    routeThrottling,
    ...(access && typeof access['format'] === 'string'
      ? { accessLog: { destinationArn: String(access['destination_arn'] ?? ''), format: access['format'] } }
      : {}),
  };
}

function throttleOf(settings: Record<string, unknown> | undefined): ThrottleSettings | undefined {
  if (!settings) return undefined;
  const rate = settings['throttling_rate_limit'];
  const burst = settings['throttling_burst_limit'];
  if (typeof rate !== 'number' && typeof burst !== 'number') return undefined;
  // An unset half means "no limit of that kind" locally; AWS would apply the account quota.
  return {
    rateLimit: typeof rate === 'number' ? rate : Infinity,
    burstLimit: typeof burst === 'number' ? burst : Infinity,
  };
}

function readPermission(r: ResolvedResource, identity: LocalIdentity, region: string): LambdaPermissionModel {
  const fn = r.stringArg('function_name');
  const functionArn = fn.startsWith('arn:')
    ? fn
    : `arn:${identity.partition}:lambda:${region}:${identity.accountId}:function:${fn}`;
  const sourceArn = r.arg('source_arn') as string | undefined;
  const sourceAccount = r.arg('source_account') as string | undefined;
  return {
    address: r.block.address,
    statementId: String(r.arg('statement_id') ?? r.block.name),
    action: r.stringArg('action'),
    functionArn,
    principal: r.stringArg('principal'),
    ...(sourceArn ? { sourceArn } : {}),
    ...(sourceAccount ? { sourceAccount } : {}),
  };
}

function parsePolicy(value: unknown, address: string, attribute: string): PolicyDocument {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw new ResolutionError({ address, attribute }, `not a JSON policy document: ${(err as Error).message}`);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || !('Statement' in parsed)) {
    throw new ResolutionError({ address, attribute }, 'not a policy document (no Statement)');
  }
  return parsed as PolicyDocument;
}

function numberArg(r: ResolvedResource, path: string, fallback: number): number {
  const value = r.arg(path);
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n))
    throw new ResolutionError(
      { address: r.block.address, attribute: path },
      `expected a number, got ${JSON.stringify(value)}`,
    );
  return n;
}

// A role policy's `role` is the role name (or id, which equals the name); accept an ARN too.
function roleName(role: string): string {
  return role.startsWith('arn:') ? role.slice(role.lastIndexOf('/') + 1) : role;
}
