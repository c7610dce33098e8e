import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import type { ApiAuth } from '../../stacks/config';
import { ACCESS_LOG_FORMAT, CORS_RULES, HttpApi } from '../../stacks/constructs/http-api';
import { synthesize } from './helpers';

function build(auth: ApiAuth, corsAllowedOrigins?: readonly string[]) {
  return synthesize((scope) => {
    const api = new HttpApi(scope, 'api', {
      ...(corsAllowedOrigins ? { corsAllowedOrigins } : {}),
      apiName: 'async-api-test-api',
      authorizerName: 'async-api-test-api-jwt',
      description: 'test',
      auth,
      accessLogGroupName: '/aws/vendedlogs/async-api-test-api-access',
      logRetentionDays: 30,
      throttling: { rateLimit: 25, burstLimit: 50 },
    });
    api.addRoute('r', 'POST /start-execution', 'integ1');
  });
}

describe('HttpApi', () => {
  it('deploys a $default stage automatically with throttling and JSON access logs', () => {
    const out = build({ mode: 'AWS_IAM' });

    expect(out.text).toHaveResourceWithProperties(Apigatewayv2Stage, {
      name: '$default',
      auto_deploy: true,
      default_route_settings: { throttling_rate_limit: 25, throttling_burst_limit: 50 },
    });
    const settings = out.one('aws_apigatewayv2_stage').access_log_settings as {
      format: string;
      destination_arn: string;
    };
    expect(JSON.parse(settings.format)).toEqual(ACCESS_LOG_FORMAT);
    expect(settings.destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}$/);
  });

  it('logs the fields an operator needs to trace a failed request', () => {
    expect(Object.values(ACCESS_LOG_FORMAT)).toEqual(
      expect.arrayContaining([
        '$context.requestId',
        '$context.routeKey',
        '$context.status',
        '$context.responseLatency',
        '$context.integrationErrorMessage',
      ]),
    );
  });

  it.each(['AWS_IAM', 'NONE'] as const)('authorizes routes with %s and no authorizer', (mode) => {
    const out = build({ mode });

    expect(out.text).toHaveResourceWithProperties(Apigatewayv2Route, {
      route_key: 'POST /start-execution',
      target: 'integrations/integ1',
      authorization_type: mode,
    });
    expect(out.resources('aws_apigatewayv2_authorizer')).toEqual({});
  });

  it('creates a JWT authorizer and attaches it to routes in JWT mode', () => {
    const out = build({ mode: 'JWT', issuer: 'https://issuer.example.com', audience: ['a', 'b'] });

    expect(out.text).toHaveResourceWithProperties(Apigatewayv2Authorizer, {
      name: 'async-api-test-api-jwt',
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
      jwt_configuration: { issuer: 'https://issuer.example.com', audience: ['a', 'b'] },
    });
    expect(out.one('aws_apigatewayv2_route').authorizer_id).toMatch(/^\$\{aws_apigatewayv2_authorizer\.[^}]+\.id\}$/);
  });

  describe('CORS', () => {
    it('has no CORS configuration by default, so browsers on other origins are refused', () => {
      expect(
        build({ mode: 'JWT', issuer: 'https://issuer.example.com', audience: ['api'] }).one('aws_apigatewayv2_api')
          .cors_configuration,
      ).toBeUndefined();
      expect(build({ mode: 'AWS_IAM' }, []).one('aws_apigatewayv2_api').cors_configuration).toBeUndefined();
    });

    it("turns the allowed origins into the API's own CORS configuration: POST, the auth headers, retry-after readable", () => {
      const out = build({ mode: 'JWT', issuer: 'https://issuer.example.com', audience: ['api'] }, [
        'https://app.example.com',
        'http://localhost:5173',
      ]);

      expect(out.one('aws_apigatewayv2_api').cors_configuration).toEqual({
        allow_origins: ['https://app.example.com', 'http://localhost:5173'],
        allow_methods: ['POST'],
        allow_headers: [...CORS_RULES.allowHeaders],
        expose_headers: ['retry-after'],
        max_age: CORS_RULES.maxAge,
        allow_credentials: false,
      });
      expect(CORS_RULES.allowHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    });

    it.each([['*'], ['https://app.example.com/path'], ['ftp://files.example.com']])(
      'refuses the origin %p at synth',
      (origin) => {
        expect(() => build({ mode: 'AWS_IAM' }, [origin])).toThrow(/^corsAllowedOrigins: /);
      },
    );
  });
});
