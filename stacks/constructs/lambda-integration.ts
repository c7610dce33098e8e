import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';

export interface LambdaIntegrationProps {
  readonly apiId: string;
  /** `execution_arn` of the API; the permission is scoped to it and to `routePath`. */
  readonly apiExecutionArn: string;
  readonly functionName: string;
  readonly functionInvokeArn: string;
  /** Path of the only route that may invoke the function, e.g. `/describe-execution`. */
  readonly routePath: string;
}

/**
 * A Lambda proxy integration (payload format 2.0) and the resource-based permission that lets
 * this API, and only this API's `routePath` (any stage, any method), invoke the function.
 */
export class LambdaIntegration extends Construct {
  readonly integration: Apigatewayv2Integration;
  readonly permission: LambdaPermission;

  constructor(scope: Construct, id: string, props: LambdaIntegrationProps) {
    super(scope, id);
    this.integration = new Apigatewayv2Integration(this, 'integration', {
      apiId: props.apiId,
      integrationType: 'AWS_PROXY',
      integrationUri: props.functionInvokeArn,
      integrationMethod: 'POST',
      payloadFormatVersion: '2.0',
      timeoutMilliseconds: 10_000,
    });
    this.permission = new LambdaPermission(this, 'permission', {
      statementId: 'AllowHttpApiInvoke',
      action: 'lambda:InvokeFunction',
      functionName: props.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${props.apiExecutionArn}/*/*${props.routePath}`,
    });
  }
}
