import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { LambdaIntegration } from '../../stacks/constructs/lambda-integration';
import {
  StepFunctionsIntegration,
  type StepFunctionsSubtype,
} from '../../stacks/constructs/step-functions-integration';
import { statementsOf, synthesize } from './helpers';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';
const EXECUTIONS = 'arn:aws:states:us-east-1:123456789012:execution:m:*';

function stepFunctions(subtype: StepFunctionsSubtype) {
  return synthesize((scope) => {
    new StepFunctionsIntegration(scope, 'i', {
      apiId: 'api123',
      subtype,
      roleName: 'role',
      stateMachineArn: MACHINE,
      executionArnPatterns: [EXECUTIONS],
      requestParameters: { StateMachineArn: MACHINE, Input: '$request.body.input' },
    });
  });
}

describe('StepFunctionsIntegration', () => {
  it.each([
    ['StepFunctions-StartExecution', 'states:StartExecution', MACHINE],
    ['StepFunctions-StopExecution', 'states:StopExecution', EXECUTIONS],
  ] as const)('%s: its role may call %s on %s and nothing else', (subtype, action, resource) => {
    const out = stepFunctions(subtype);

    expect(statementsOf(out.one('aws_iam_role_policy').policy).map((s) => [s.Action, s.Resource])).toEqual([
      [[action], [resource]],
    ]);
    expect(statementsOf(out.one('aws_iam_role').assume_role_policy)[0]!.Principal).toEqual({
      Service: 'apigateway.amazonaws.com',
    });
  });

  it.each(['StepFunctions-StartExecution', 'StepFunctions-StopExecution'] as const)(
    '%s: its credentials role trusts API Gateway with no condition (API Gateway sends no aws:SourceAccount or aws:SourceArn)',
    (subtype) => {
      const trust = statementsOf(stepFunctions(subtype).one('aws_iam_role').assume_role_policy);

      expect(trust).toHaveLength(1);
      expect(trust[0]!.Condition).toBeUndefined();
    },
  );

  it('is an AWS_PROXY integration with payload 1.0, its credentials role and the request parameters', () => {
    const out = stepFunctions('StepFunctions-StartExecution');

    expect(out.text).toHaveResourceWithProperties(Apigatewayv2Integration, {
      api_id: 'api123',
      integration_type: 'AWS_PROXY',
      integration_subtype: 'StepFunctions-StartExecution',
      payload_format_version: '1.0',
      request_parameters: { StateMachineArn: MACHINE, Input: '$request.body.input' },
    });
    expect(out.one('aws_apigatewayv2_integration').credentials_arn).toMatch(/^\$\{aws_iam_role\.[^}]+\.arn\}$/);
  });
});

describe('LambdaIntegration', () => {
  const out = synthesize((scope) => {
    new LambdaIntegration(scope, 'l', {
      apiId: 'api123',
      apiExecutionArn: 'arn:aws:execute-api:us-east-1:123456789012:api123',
      functionName: 'status',
      functionInvokeArn: 'arn:invoke',
      routePath: '/describe-execution',
    });
  });

  it('proxies to the function with payload format 2.0', () => {
    expect(out.text).toHaveResourceWithProperties(Apigatewayv2Integration, {
      integration_type: 'AWS_PROXY',
      integration_uri: 'arn:invoke',
      payload_format_version: '2.0',
    });
  });

  it("lets only this API's route invoke the function", () => {
    expect(out.text).toHaveResourceWithProperties(LambdaPermission, {
      action: 'lambda:InvokeFunction',
      function_name: 'status',
      principal: 'apigateway.amazonaws.com',
      source_arn: 'arn:aws:execute-api:us-east-1:123456789012:api123/*/*/describe-execution',
    });
  });
});
