import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Construct } from 'constructs';
import { ServiceRole } from './service-role';

/** The Step Functions subtypes an HTTP API integration can use that this stack serves. */
export type StepFunctionsSubtype = 'StepFunctions-StartExecution' | 'StepFunctions-StopExecution';

export interface StepFunctionsIntegrationProps {
  readonly apiId: string;
  readonly subtype: StepFunctionsSubtype;
  /** Name of the integration's credentials role. */
  readonly roleName: string;
  /** ARN of the state machine (StartExecution). */
  readonly stateMachineArn: string;
  /**
   * ARN patterns of the executions it may stop, `arn:...:execution:<machine>:*` (StopExecution): one
   * per state machine of the API.
   */
  readonly executionArnPatterns: readonly string[];
  /** Request parameters (Step Functions API field → mapping expression or static value). */
  readonly requestParameters: Readonly<Record<string, string>>;
}

/**
 * An HTTP API integration that calls Step Functions directly, with a credentials role that can do
 * exactly that subtype's action on exactly its resource: StartExecution on the state machine,
 * StopExecution on the machines' executions (the resource each action authorizes against).
 */
export class StepFunctionsIntegration extends Construct {
  readonly integration: Apigatewayv2Integration;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: StepFunctionsIntegrationProps) {
    super(scope, id);
    const grant =
      props.subtype === 'StepFunctions-StartExecution'
        ? { sid: 'StartExecutions', actions: ['states:StartExecution'], resources: [props.stateMachineArn] }
        : { sid: 'StopExecutions', actions: ['states:StopExecution'], resources: [...props.executionArnPatterns] };

    // No aws:SourceAccount condition, as in aws-cdk-lib's HttpStepFunctionsIntegration: API Gateway
    // sends no such key when it assumes a credentials role (docs/aws-behaviour.md).
    this.role = new ServiceRole(this, 'credentials', {
      roleName: props.roleName,
      servicePrincipal: 'apigateway.amazonaws.com',
      statements: [grant],
    });

    this.integration = new Apigatewayv2Integration(this, 'integration', {
      apiId: props.apiId,
      integrationType: 'AWS_PROXY',
      integrationSubtype: props.subtype,
      credentialsArn: this.role.role.arn,
      // AWS service integrations support only payload format 1.0.
      payloadFormatVersion: '1.0',
      requestParameters: { ...props.requestParameters },
      timeoutMilliseconds: 10_000,
    });
  }
}
