import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import type { ApiAuth } from '../../stacks/config';
import { ACCESS_LOG_FORMAT, HttpApi } from '../../stacks/constructs/http-api';
import { synthesize } from './helpers';

function build(auth: ApiAuth) {
  return synthesize((scope) => {
    const api = new HttpApi(scope, 'api', {
      apiName: 'async-api-test-api',
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
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
      jwt_configuration: { issuer: 'https://issuer.example.com', audience: ['a', 'b'] },
    });
    expect(out.one('aws_apigatewayv2_route').authorizer_id).toMatch(/^\$\{aws_apigatewayv2_authorizer\.[^}]+\.id\}$/);
  });
});
