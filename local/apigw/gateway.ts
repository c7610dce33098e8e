/**
 * The HTTP API emulator: route selection, stage throttling, authorization (AWS_IAM SigV4, JWT, NONE),
 * the integrations the stack uses (Step Functions StartExecution/StopExecution service integrations
 * with parameter mapping and a credentials role; Lambda proxy with payload 2.0), gateway errors in
 * API Gateway's `{"message": ...}` shape and one access-log line per request in the stage's format.
 * Behaviours and their sources: docs/aws-behaviour.md §1–2 and docs/local-runtime.md.
 */
import { randomBytes } from 'node:crypto';
import type { CredentialStore } from '../auth/credentials';
import { verifySigV4 } from '../auth/sigv4';
import type { IamAuthorizer } from '../iam/authorizer';
import type { LambdaService } from '../lambda/types';
import { LambdaServiceError } from '../lambda/types';
import { awsJsonResponse } from '../stepfunctions/api';
import { SfnError } from '../stepfunctions/errors';
import type { StepFunctionsService } from '../stepfunctions/service';
import type { IntegrationModel, RouteModel, StackModel } from '../terraform/model';
import { ResolutionError } from '../terraform/resolver';
import { clfTime, renderAccessLog } from './access-log';
import { isPreflight, preflightResponse, withCors } from './cors';
import { checkJwt } from './jwt';
import { proxyEvent, proxyResponse } from './lambda-proxy';
import { evaluateMapping, MappingError, type MappingSource } from './mapping';
import { RouteTable } from './routes';
import { StageThrottle } from './throttle';

/** A request as the server received it. */
export interface GatewayRequest {
  readonly method: string;
  /** Raw path (percent-encoded) without the query. */
  readonly rawPath: string;
  readonly rawQuery: string;
  /** Lower-case names; repeated headers joined with `,`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly sourceIp: string;
  /** e.g. `HTTP/1.1`. */
  readonly protocol: string;
  /** When the request arrived (epoch ms). */
  readonly receivedAt: number;
}

/** The response to send. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Dependencies of the gateway. */
export interface GatewayOptions {
  readonly model: StackModel;
  readonly sfn: StepFunctionsService;
  readonly lambda: LambdaService;
  readonly iam: IamAuthorizer;
  readonly credentials: CredentialStore;
  /** Receives one access-log line per request (only when the stage has access logging). */
  readonly accessLog?: (line: string, destinationArn: string) => void;
  /** Receives integration errors, for the runtime's log. */
  readonly log?: (line: string) => void;
}

const STEP_FUNCTIONS_SUBTYPES: Readonly<Record<string, string>> = {
  'StepFunctions-StartExecution': 'StartExecution',
  'StepFunctions-StopExecution': 'StopExecution',
};
// Request parameter names of the subtypes → Step Functions API members
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html).
const SFN_MEMBERS: Readonly<Record<string, string>> = {
  StateMachineArn: 'stateMachineArn',
  Name: 'name',
  Input: 'input',
  ExecutionArn: 'executionArn',
  Error: 'error',
  Cause: 'cause',
  TraceHeader: 'traceHeader',
};
const API_GATEWAY = 'apigateway.amazonaws.com';

/** Per-request facts gathered on the way, for the access log and parameter mapping. */
type Context = Record<string, string | number | undefined>;

/** The HTTP API of one stack. */
export class HttpApiGateway {
  private readonly routes: RouteTable;
  private readonly throttle: StageThrottle;

  /** @throws ResolutionError for routes or integrations the runtime does not emulate. */
  constructor(private readonly options: GatewayOptions) {
    const { api } = options.model;
    for (const route of api.routes) checkSupported(route);
    this.routes = new RouteTable(api.routes);
    this.throttle = new StageThrottle(api.stage);
  }

  /** Handles one request; never throws. */
  async handle(req: GatewayRequest): Promise<GatewayResponse> {
    const requestId = newRequestId();
    const context: Context = {
      requestId,
      extendedRequestId: requestId,
      requestTime: clfTime(req.receivedAt),
      requestTimeEpoch: req.receivedAt,
      'identity.sourceIp': req.sourceIp,
      'identity.userAgent': req.headers['user-agent'],
      httpMethod: req.method,
      path: req.rawPath,
      protocol: req.protocol,
      apiId: this.options.model.api.id,
      stage: this.options.model.api.stage.name,
      accountId: this.options.model.accountId,
      domainName: req.headers['host'],
      domainPrefix: req.headers['host']?.split('.')[0],
    };
    let response: GatewayResponse;
    try {
      response = await this.route(req, context);
    } catch (err) {
      this.options.log?.(
        `HTTP API ${req.method} ${req.rawPath}: unexpected error: ${(err as Error).stack ?? String(err)}`,
      );
      context['integrationErrorMessage'] = (err as Error).message;
      response = gatewayError(500, 'Internal Server Error', context);
    }
    response.headers['apigw-requestid'] = requestId;
    context['status'] = response.statusCode;
    context['responseLength'] = response.body.length;
    context['responseLatency'] = Date.now() - req.receivedAt;
    context['integration.latency'] = context['integrationLatency'];
    context['integration.status'] = context['integrationStatus'];
    context['integration.error'] = context['integrationErrorMessage'];
    const { accessLog } = this.options.model.api.stage;
    if (accessLog && this.options.accessLog)
      this.options.accessLog(renderAccessLog(accessLog.format, context), accessLog.destinationArn);
    return response;
  }

  private async route(req: GatewayRequest, context: Context): Promise<GatewayResponse> {
    const { cors } = this.options.model.api;
    // API Gateway answers preflights itself, before routes and authorizers (docs/aws-behaviour.md, CORS).
    // Whether they count against the stage's throttling is not documented: here they do (stricter).
    if (cors && isPreflight(req.method, req.headers)) {
      if (!this.throttle.take('$default')) return gatewayError(429, 'Too Many Requests', context);
      return preflightResponse(cors, req.headers);
    }
    const match = this.routes.match(req.method, req.rawPath);
    if (!match) return gatewayError(404, 'Not Found', context);
    const { route } = match;
    context['routeKey'] = route.routeKey;
    if (!this.throttle.take(route.routeKey)) return gatewayError(429, 'Too Many Requests', context);

    const auth = await this.authorize(route, req, context);
    if ('response' in auth) return auth.response;
    const integration = route.integration;
    if (!integration) return gatewayError(404, 'Not Found', context);

    const source: MappingSource = {
      headers: req.headers,
      query: queryMap(req.rawQuery),
      path: decodePath(req.rawPath),
      pathParameters: match.pathParameters,
      body: req.body.toString('utf8'),
      context,
      stageVariables: {},
    };
    const started = Date.now();
    try {
      const response = integration.subtype
        ? await this.stepFunctions(integration, source, context)
        : await this.lambdaProxy(integration, route, req, match.pathParameters, auth.authorizer, context);
      return cors ? withCors(cors, req.headers, response) : response;
    } finally {
      context['integrationLatency'] = Date.now() - started;
    }
  }

  private async authorize(
    route: RouteModel,
    req: GatewayRequest,
    context: Context,
  ): Promise<{ authorizer?: Record<string, unknown> } | { response: GatewayResponse }> {
    const { model } = this.options;
    if (route.authorizationType === 'AWS_IAM') {
      const verified = await verifySigV4(
        { method: req.method, path: req.rawPath, query: req.rawQuery, headers: req.headers, body: req.body },
        { service: 'execute-api', region: model.region, credentials: this.options.credentials },
      );
      if (!verified.ok) {
        context['authorizer.error'] = verified.message;
        return { response: gatewayError(403, verified.message, context) };
      }
      const { credential } = verified;
      if (credential.roleArn) {
        // A role's session needs execute-api:Invoke; the local developer may call everything.
        const resource = `${model.api.executionArn}/${model.api.stage.name}/${req.method}${decodePath(req.rawPath)}`;
        const decision = await this.options.iam.authorizeRole(credential.roleArn, 'execute-api:Invoke', resource);
        if (!decision.allowed) return { response: gatewayError(403, decision.message, context) };
      }
      const caller = credential.roleArn ? this.options.iam.sessionArn(credential.roleArn) : credential.principalArn;
      context['identity.caller'] = credential.accessKeyId;
      context['identity.user'] = credential.accessKeyId;
      context['identity.userArn'] = caller;
      context['identity.accountId'] = model.accountId;
      return {
        authorizer: {
          iam: {
            accessKey: credential.accessKeyId,
            accountId: model.accountId,
            callerId: credential.accessKeyId,
            cognitoIdentity: null,
            principalOrgId: null,
            userArn: caller,
            userId: credential.accessKeyId,
          },
        },
      };
    }
    if (route.authorizationType === 'JWT' && route.authorizer) {
      const result = checkJwt(route.authorizer, route.authorizationScopes, req.headers, Date.now());
      if (!result.ok) {
        context['authorizer.error'] = result.description;
        const response = gatewayError(401, 'Unauthorized', context);
        response.headers['www-authenticate'] =
          `Bearer scope="" error="invalid_token" error_description="${result.description}"`;
        return { response };
      }
      for (const [k, v] of Object.entries(result.claims))
        context[`authorizer.claims.${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
      return { authorizer: { jwt: { claims: result.claims, scopes: result.scopes } } };
    }
    return {};
  }

  private async stepFunctions(
    integration: IntegrationModel,
    source: MappingSource,
    context: Context,
  ): Promise<GatewayResponse> {
    const operation = STEP_FUNCTIONS_SUBTYPES[integration.subtype!]!;
    const roleArn = integration.credentialsArn;
    if (!roleArn) return this.integrationFailure(integration, 'the integration has no credentials role', context);
    const trust = await this.options.iam.authorizeAssumeRole(API_GATEWAY, roleArn);
    if (!trust.allowed)
      return this.integrationFailure(integration, `API Gateway could not assume ${roleArn}: ${trust.message}`, context);

    const request: Record<string, string> = {};
    try {
      for (const [parameter, expression] of Object.entries(integration.requestParameters)) {
        const value = evaluateMapping(expression, source);
        const member = SFN_MEMBERS[parameter];
        // A parameter whose expression selects nothing is left out (docs/aws-behaviour.md §1.4, unverified).
        if (value !== undefined && member) request[member] = value;
      }
    } catch (err) {
      if (err instanceof MappingError) {
        context['error.message'] = err.message;
        return gatewayError(400, 'Bad Request', context);
      }
      throw err;
    }
    try {
      const result = await this.options.sfn.call(operation, { kind: 'role', roleArn }, request);
      context['integrationStatus'] = 200;
      return sfnResponse(200, result, context);
    } catch (err) {
      if (!(err instanceof SfnError)) throw err;
      context['integrationStatus'] = err.status;
      context['integrationErrorMessage'] = err.message;
      return sfnResponse(err.status, err.toBody(), context);
    }
  }

  private async lambdaProxy(
    integration: IntegrationModel,
    route: RouteModel,
    req: GatewayRequest,
    pathParameters: Readonly<Record<string, string>>,
    authorizer: Record<string, unknown> | undefined,
    context: Context,
  ): Promise<GatewayResponse> {
    const { model } = this.options;
    const functionArn = functionArnOfUri(integration.uri ?? '');
    const sourceArn = `${model.api.executionArn}/${model.api.stage.name}/${req.method}${decodePath(req.rawPath)}`;
    const permitted = await this.options.iam.authorizeServiceInvoke(API_GATEWAY, functionArn, sourceArn);
    if (!permitted.allowed) return this.integrationFailure(integration, permitted.message, context);

    const event = proxyEvent({
      routeKey: route.routeKey,
      method: req.method,
      rawPath: decodePath(req.rawPath),
      rawQueryString: req.rawQuery,
      headers: req.headers,
      query: queryMap(req.rawQuery),
      pathParameters,
      body: req.body,
      sourceIp: req.sourceIp,
      protocol: req.protocol,
      requestId: String(context['requestId']),
      requestTimeMs: req.receivedAt,
      requestTime: String(context['requestTime']),
      accountId: model.accountId,
      apiId: model.api.id,
      stage: model.api.stage.name,
      domainName: req.headers['host'] ?? '127.0.0.1',
      ...(authorizer ? { authorizer } : {}),
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), integration.timeoutMs)),
    );
    let result;
    try {
      result = await Promise.race([this.options.lambda.invoke({ functionName: functionArn, payload: event }), timeout]);
    } catch (err) {
      const message = err instanceof LambdaServiceError ? `${err.name}: ${err.message}` : (err as Error).message;
      context['integrationStatus'] = err instanceof LambdaServiceError ? err.statusCode : undefined;
      return this.integrationFailure(integration, message, context);
    } finally {
      clearTimeout(timer);
    }
    if (result === 'timeout') {
      context['integrationErrorMessage'] = `The integration timed out after ${integration.timeoutMs} ms`;
      return gatewayError(503, 'Service Unavailable', context);
    }
    context['integrationStatus'] = result.statusCode;
    context['integration.requestId'] = result.requestId;
    context['awsEndpointRequestId'] = result.requestId;
    if (result.functionError) {
      return this.integrationFailure(integration, `The function failed: ${JSON.stringify(result.payload)}`, context);
    }
    let mapped;
    try {
      mapped = proxyResponse(result.payload);
    } catch (err) {
      return this.integrationFailure(integration, (err as Error).message, context);
    }
    const headers: Record<string, string> = { ...mapped.headers, 'content-length': String(mapped.body.length) };
    if (mapped.cookies.length > 0) headers['set-cookie'] = mapped.cookies.join(', ');
    return { statusCode: mapped.statusCode, headers, body: mapped.body };
  }

  private integrationFailure(integration: IntegrationModel, message: string, context: Context): GatewayResponse {
    context['integrationErrorMessage'] = message;
    this.options.log?.(`HTTP API integration ${integration.address} failed: ${message}`);
    return gatewayError(500, 'Internal Server Error', context);
  }
}

/** A gateway-generated error: `{"message": ...}`. */
function gatewayError(statusCode: number, message: string, context: Context): GatewayResponse {
  context['error.message'] = message;
  context['error.messageString'] = JSON.stringify(message);
  const body = Buffer.from(JSON.stringify({ message }));
  return { statusCode, headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body };
}

// Step Functions' own response, passed through as HTTP APIs do (docs/aws-behaviour.md §1.5).
function sfnResponse(statusCode: number, payload: unknown, context: Context): GatewayResponse {
  return awsJsonResponse(statusCode, payload, String(context['requestId']));
}

function checkSupported(route: RouteModel): void {
  if (route.authorizationType === 'CUSTOM') {
    throw new ResolutionError(
      { address: route.address, attribute: 'authorization_type' },
      'Lambda (CUSTOM) authorizers are not emulated',
    );
  }
  if (route.authorizationType === 'JWT' && !route.authorizer) {
    throw new ResolutionError(
      { address: route.address, attribute: 'authorizer_id' },
      'a JWT route needs an authorizer',
    );
  }
  const i = route.integration;
  if (!i) return;
  if (i.type !== 'AWS_PROXY') {
    throw new ResolutionError(
      { address: i.address, attribute: 'integration_type' },
      `${i.type} integrations are not emulated`,
    );
  }
  if (i.subtype !== undefined) {
    if (!STEP_FUNCTIONS_SUBTYPES[i.subtype]) {
      throw new ResolutionError(
        { address: i.address, attribute: 'integration_subtype' },
        `${i.subtype} is not emulated`,
      );
    }
    if (i.payloadFormatVersion !== '1.0') {
      throw new ResolutionError(
        { address: i.address, attribute: 'payload_format_version' },
        'AWS service integrations only accept 1.0',
      );
    }
    return;
  }
  if (i.payloadFormatVersion !== '2.0') {
    throw new ResolutionError(
      { address: i.address, attribute: 'payload_format_version' },
      'only payload format 2.0 is emulated for Lambda proxy',
    );
  }
  if (!functionArnOfUri(i.uri ?? '')) {
    throw new ResolutionError(
      { address: i.address, attribute: 'integration_uri' },
      `not a Lambda function: ${String(i.uri)}`,
    );
  }
}

/** The function ARN inside a Lambda invoke ARN (or the ARN itself). */
function functionArnOfUri(uri: string): string {
  const invoke = /\/functions\/(arn:[^/]+)\/invocations$/.exec(uri);
  if (invoke) return invoke[1]!;
  return /^arn:[^:]+:lambda:/.test(uri) ? uri : '';
}

function queryMap(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = out[k] === undefined ? v : `${out[k]},${v}`;
  return out;
}

function decodePath(raw: string): string {
  try {
    return decodeURI(raw);
  } catch {
    return raw;
  }
}

// Request ids as API Gateway's (10 random bytes, base64), drawn from a pool: one getrandom call per
// 512 requests instead of one per request, which showed in the runtime's profile under load.
const ID_BYTES = 10;
let idPool = Buffer.alloc(0);
let idOffset = 0;
function newRequestId(): string {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * 512);
    idOffset = 0;
  }
  idOffset += ID_BYTES;
  return idPool.toString('base64', idOffset - ID_BYTES, idOffset);
}
