/**
 * Reads the HTTP API of a synthesized stack into the model: the API, its integrations, authorizers,
 * routes and stage (with its throttling).
 */
import { readCors } from '../apigw/cors';
import { block, resourcesOfType, type TerraformJson } from './document';
import type { ApiModel, AuthorizerModel, IntegrationModel, RouteModel, StageModel, ThrottleSettings } from './model';
import { numberArg, ResolutionError, type ResolvedResource, type TerraformResolver } from './resolver';

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

export function readApi(doc: TerraformJson, resolver: TerraformResolver): ApiModel {
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
