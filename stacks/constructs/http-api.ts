import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Construct } from 'constructs';
import { corsOriginProblem } from '../cors';

/** How callers authenticate to the HTTP API's routes. */
export type ApiAuth =
  | { readonly mode: 'AWS_IAM' }
  | { readonly mode: 'NONE' }
  | { readonly mode: 'JWT'; readonly issuer: string; readonly audience: readonly string[] };

export interface HttpApiProps {
  readonly apiName: string;
  /** Name of the JWT authorizer; used only when `auth.mode` is `JWT`. */
  readonly authorizerName: string;
  readonly description: string;
  /** How every route authorizes callers. */
  readonly auth: ApiAuth;
  readonly accessLogGroupName: string;
  readonly logRetentionDays: number;
  /** `$default` stage throttling, applied to every route. */
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Browser origins (`https://app.example.com`) allowed to call the API. Default none: no CORS
   * configuration, so API Gateway answers no preflight and browsers refuse cross-origin calls.
   */
  readonly corsAllowedOrigins?: readonly string[];
}

/**
 * The CORS configuration beyond the origins: what a browser client of this API sends and reads. Every
 * route is `POST` with a JSON body; a single-page app sends its JWT in `authorization`; SigV4 callers
 * add the `x-amz-*` headers; `retry-after` is the one response header a client must read (429, RUNNING).
 * No credentials mode: a JWT in a header is not a cookie, and `allowCredentials` would forbid `*` nowhere
 * but widen what a page may send.
 */
export const CORS_RULES = {
  allowMethods: ['POST'],
  allowHeaders: ['authorization', 'content-type', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'],
  exposeHeaders: ['retry-after'],
  /** Seconds a browser may cache a preflight answer (API Gateway allows up to 86400). */
  maxAge: 600,
} as const;

/**
 * Access-log line, one JSON object per request. Field names are ours; values are HTTP API
 * `$context` variables ("Customizing HTTP API access logs" in the API Gateway developer guide).
 */
export const ACCESS_LOG_FORMAT: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
  authorizerError: '$context.authorizer.error',
};

/**
 * An HTTP API with its `$default` stage (auto-deployed, JSON access logs, throttling) and, for
 * `JWT` auth, the JWT authorizer. Routes are added with {@link HttpApi.addRoute}, each authorized
 * per the API's auth mode.
 */
export class HttpApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly logGroup: CloudwatchLogGroup;
  readonly authorizer?: Apigatewayv2Authorizer;
  private readonly auth: ApiAuth;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.auth = props.auth;
    for (const origin of props.corsAllowedOrigins ?? []) {
      const problem = corsOriginProblem(origin);
      if (problem) throw new Error(`corsAllowedOrigins: ${problem}`);
    }

    this.api = new Apigatewayv2Api(this, 'api', {
      name: props.apiName,
      description: props.description,
      protocolType: 'HTTP',
      ...(props.corsAllowedOrigins && props.corsAllowedOrigins.length > 0
        ? {
            corsConfiguration: {
              allowOrigins: [...props.corsAllowedOrigins],
              allowMethods: [...CORS_RULES.allowMethods],
              allowHeaders: [...CORS_RULES.allowHeaders],
              exposeHeaders: [...CORS_RULES.exposeHeaders],
              maxAge: CORS_RULES.maxAge,
              allowCredentials: false,
            },
          }
        : {}),
    });

    this.logGroup = new CloudwatchLogGroup(this, 'access-logs', {
      name: props.accessLogGroupName,
      retentionInDays: props.logRetentionDays,
    });

    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destinationArn: this.logGroup.arn,
        format: JSON.stringify(ACCESS_LOG_FORMAT),
      },
      defaultRouteSettings: {
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
      },
    });

    if (props.auth.mode === 'JWT') {
      this.authorizer = new Apigatewayv2Authorizer(this, 'jwt-authorizer', {
        apiId: this.api.id,
        name: props.authorizerName,
        authorizerType: 'JWT',
        identitySources: ['$request.header.Authorization'],
        jwtConfiguration: { issuer: props.auth.issuer, audience: [...props.auth.audience] },
      });
    }
  }

  /**
   * Adds a route to an integration, authorized per the API's auth mode.
   * @param routeKey e.g. `POST /start-execution`.
   */
  addRoute(id: string, routeKey: string, integrationId: string): Apigatewayv2Route {
    return new Apigatewayv2Route(this, id, {
      apiId: this.api.id,
      routeKey,
      target: `integrations/${integrationId}`,
      authorizationType: this.auth.mode,
      authorizerId: this.authorizer?.id,
    });
  }
}
