import type { TerraformJson } from '../../../local/terraform/document';
import { buildStackModel } from '../../../local/terraform/model';

const identity = { accountId: '123456789012', partition: 'aws', apiEndpoint: 'http://127.0.0.1:4000' };
const trust = (service: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });

/** A small stack shaped like the synthesized one (one function, a machine, an API with two routes). */
function fixture(): Record<string, any> {
  return {
    provider: { aws: [{ region: 'us-east-1' }] },
    resource: {
      aws_iam_role: {
        fn_role: { name: 'fn-role', assume_role_policy: trust('lambda.amazonaws.com') },
        sm_role: { name: 'sm-role', assume_role_policy: trust('states.amazonaws.com') },
        api_role: { name: 'api-role', assume_role_policy: trust('apigateway.amazonaws.com') },
      },
      aws_iam_role_policy: {
        sm_policy: {
          name: 'sm',
          role: '${aws_iam_role.sm_role.id}',
          policy:
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"${aws_lambda_function.fn.arn}"}]}',
        },
      },
      aws_lambda_function: {
        fn: {
          function_name: 'worker',
          role: '${aws_iam_role.fn_role.arn}',
          handler: 'index.handler',
          runtime: 'nodejs22.x',
          filename: 'assets/fn/archive.zip',
          environment: { variables: { MACHINE: '${aws_sfn_state_machine.sm.arn}' } },
          timeout: 20,
        },
      },
      aws_sfn_state_machine: {
        sm: {
          name: 'machine',
          role_arn: '${aws_iam_role.sm_role.arn}',
          definition:
            '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"${aws_lambda_function.fn.arn}"},"End":true}}}',
          type: 'STANDARD',
        },
      },
      aws_apigatewayv2_api: { api: { name: 'api', protocol_type: 'HTTP' } },
      aws_apigatewayv2_integration: {
        start: {
          api_id: '${aws_apigatewayv2_api.api.id}',
          integration_type: 'AWS_PROXY',
          integration_subtype: 'StepFunctions-StartExecution',
          credentials_arn: '${aws_iam_role.api_role.arn}',
          request_parameters: { StateMachineArn: '${aws_sfn_state_machine.sm.arn}', Input: '$request.body.input' },
          payload_format_version: '1.0',
        },
      },
      aws_apigatewayv2_authorizer: {
        jwt: {
          api_id: '${aws_apigatewayv2_api.api.id}',
          authorizer_type: 'JWT',
          identity_sources: ['$request.header.Authorization'],
          jwt_configuration: { issuer: 'https://issuer.example', audience: ['client-1'] },
        },
      },
      aws_apigatewayv2_route: {
        start: {
          api_id: '${aws_apigatewayv2_api.api.id}',
          route_key: 'POST /start-execution',
          target: 'integrations/${aws_apigatewayv2_integration.start.id}',
          authorization_type: 'JWT',
          authorizer_id: '${aws_apigatewayv2_authorizer.jwt.id}',
        },
      },
      aws_apigatewayv2_stage: {
        stage: {
          api_id: '${aws_apigatewayv2_api.api.id}',
          name: '$default',
          default_route_settings: { throttling_burst_limit: 10, throttling_rate_limit: 5 },
          access_log_settings: { destination_arn: 'arn:x', format: '$context.requestId' },
        },
      },
      aws_s3_bucket: { b: { bucket: 'unused' } },
    },
  };
}

describe('buildStackModel', () => {
  it('reads functions, roles with their policies, the machine and the API with resolved references', () => {
    // Act
    const model = buildStackModel(fixture() as TerraformJson, '/stack', identity);

    // Assess
    const fn = model.functions[0]!;
    expect(fn).toMatchObject({
      functionName: 'worker',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:worker',
      zipPath: '/stack/assets/fn/archive.zip',
      timeoutSeconds: 20,
      memorySizeMb: 128,
      roleArn: 'arn:aws:iam::123456789012:role/fn-role',
      environment: { MACHINE: 'arn:aws:states:us-east-1:123456789012:stateMachine:machine' },
    });
    expect(fn.reservedConcurrency).toBeUndefined();
    const smRole = model.roles.find((r) => r.name === 'sm-role')!;
    expect(smRole.policies.map((p) => p.source)).toEqual(['aws_iam_role_policy.sm_policy']);
    expect(JSON.stringify(smRole.policies[0]!.document)).toContain(
      'arn:aws:lambda:us-east-1:123456789012:function:worker',
    );
    expect(model.roles.find((r) => r.name === 'fn-role')!.policies).toEqual([]);
    expect((model.stateMachines[0]!.definition as any).States.A.Parameters.FunctionName).toBe(fn.functionArn);
    const route = model.api.routes[0]!;
    expect(route).toMatchObject({ method: 'POST', path: '/start-execution', authorizationType: 'JWT' });
    expect(route.authorizer).toMatchObject({ issuer: 'https://issuer.example', audience: ['client-1'] });
    expect(route.integration).toMatchObject({
      subtype: 'StepFunctions-StartExecution',
      credentialsArn: 'arn:aws:iam::123456789012:role/api-role',
      requestParameters: { StateMachineArn: model.stateMachines[0]!.arn, Input: '$request.body.input' },
      timeoutMs: 30000,
    });
    expect(model.api.stage).toMatchObject({ name: '$default', throttling: { rateLimit: 5, burstLimit: 10 } });
    expect(model.notEmulated).toEqual(['aws_s3_bucket']);
  });

  it('refuses two roles with the same name, naming both resources', () => {
    // Prepare
    const doc = fixture();
    doc['resource'].aws_iam_role.sm_role.name = 'fn-role';

    // Act / Assess
    expect(() => buildStackModel(doc as TerraformJson, '/stack', identity)).toThrow(
      /aws_iam_role\.sm_role \(attribute "name"\): aws_iam_role\.fn_role has the same name "fn-role"/,
    );
  });

  it('refuses a policy that is not JSON, naming the policy resource', () => {
    // Prepare
    const doc = fixture();
    doc['resource'].aws_iam_role_policy.sm_policy.policy = '{not json';

    // Act / Assess
    expect(() => buildStackModel(doc as TerraformJson, '/stack', identity)).toThrow(
      /aws_iam_role_policy\.sm_policy \(attribute "policy"\): not a JSON policy document/,
    );
  });

  it('refuses a function whose code is not a local zip', () => {
    // Prepare
    const doc = fixture();
    delete doc['resource'].aws_lambda_function.fn.filename;
    doc['resource'].aws_lambda_function.fn.s3_bucket = 'code-bucket';

    // Act / Assess
    expect(() => buildStackModel(doc as TerraformJson, '/stack', identity)).toThrow(
      /aws_lambda_function\.fn \(attribute "s3_bucket"\)/,
    );
  });
});
