import { App, Testing } from 'cdktf';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AsyncApiStack, ROUTES } from '../../stacks/async-api-stack';
import { parse, statementsOf, tempBuildDir, testConfig } from './helpers';

function synthStack(env: Record<string, string> = {}) {
  const app = Testing.app() as App;
  const stack = new AsyncApiStack(app, 'async-api-test', { config: testConfig(env), buildDir: tempBuildDir() });
  const text = Testing.synth(stack);
  return { ...parse(text), json: JSON.parse(text) as Record<string, any> };
}

/** Every IAM statement of every role in the stack. */
function allStatements(out: ReturnType<typeof synthStack>) {
  return Object.values(out.resources('aws_iam_role_policy')).flatMap((p) => statementsOf(p.policy));
}

describe('AsyncApiStack', () => {
  const out = synthStack();

  it('serves the three routes', () => {
    const keys = Object.values(out.resources('aws_apigatewayv2_route')).map((r) => r.route_key);

    expect(keys.sort()).toEqual([ROUTES.describe, ROUTES.start, ROUTES.stop].sort());
    for (const key of keys) expect(out.text).toHaveResourceWithProperties(Apigatewayv2Route, { route_key: key, authorization_type: 'AWS_IAM' });
  });

  it('maps the start body to StartExecution, with the name for idempotent starts', () => {
    expect(out.text).toHaveResourceWithProperties(Apigatewayv2Integration, {
      integration_subtype: 'StepFunctions-StartExecution',
      request_parameters: {
        StateMachineArn: expect.stringMatching(/^\$\{aws_sfn_state_machine\.[^}]+\.arn\}$/),
        Input: '$request.body.input',
        Name: '$request.body.name',
      },
    });
  });

  it('maps the stop body to StopExecution, error and cause included', () => {
    expect(out.text).toHaveResourceWithProperties(Apigatewayv2Integration, {
      integration_subtype: 'StepFunctions-StopExecution',
      request_parameters: { ExecutionArn: '$request.body.executionArn', Error: '$request.body.error', Cause: '$request.body.cause' },
    });
  });

  it('gives each Step Functions integration its own credentials role', () => {
    const roles = Object.values(out.resources('aws_apigatewayv2_integration'))
      .filter((i) => String(i.integration_subtype).startsWith('StepFunctions-'))
      .map((i) => i.credentials_arn);

    expect(roles).toHaveLength(2);
    expect(new Set(roles).size).toBe(2);
  });

  it('routes describe-execution to the status Lambda, which knows the state machine', () => {
    const integration = out.one('aws_apigatewayv2_integration', { payload_format_version: '2.0' });
    const fnId = /aws_lambda_function\.([^.]+)\.invoke_arn/.exec(String(integration.integration_uri))![1]!;
    const fn = out.resources('aws_lambda_function')[fnId]!;

    expect(fn.function_name).toBe('async-api-dev-describe-execution');
    expect(out.text).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'async-api-dev-describe-execution',
      environment: { variables: { STATE_MACHINE_ARN: expect.stringMatching(/^\$\{aws_sfn_state_machine\.[^}]+\.arn\}$/) } },
    });
  });

  it('passes the configured default wait to the worker', () => {
    const custom = synthStack({ RAMEN_TIMER_SECONDS: '7' });

    expect(custom.text).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'async-api-dev-ramen-timer',
      environment: { variables: { RAMEN_TIMER_SECONDS: '7' } },
    });
  });

  it('renders the ASL with the worker ARN and no placeholder left', () => {
    const definition = String(out.one('aws_sfn_state_machine').definition);

    expect(JSON.parse(definition).States['Boil ramen'].Parameters.FunctionName).toMatch(/^\$\{aws_lambda_function\.ramen-timer_[^}]+\.arn\}$/);
    expect(definition.replace(/\$\{(aws_|data\.)[^}]+\}/g, '')).not.toMatch(/\$\{|%\{/);
  });

  it('stores state in S3 with S3-native locking, leaving encryption to the bucket\'s KMS default', () => {
    expect(out.json.terraform.backend).toEqual({
      s3: { bucket: 'test-state-bucket', key: 'async-api/dev/terraform.tfstate', region: 'us-east-1', use_lockfile: true },
    });
    expect(out.json.terraform.required_version).toBe('>= 1.11.0');
  });

  it('never grants Action "*", and grants Resource "*" only for actions without resource-level permissions', () => {
    const statements = allStatements(out);

    expect(statements.flatMap((s) => s.Action).filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    const starred = statements.filter((s) => s.Resource.includes('*'));
    expect(new Set(starred.flatMap((s) => s.Action.map((a) => a.split(':')[0])))).toEqual(new Set(['xray', 'logs']));
    expect(new Set(starred.map((s) => s.Sid))).toEqual(new Set(['XRayWriteNoResourceLevelPermissions', 'LogDeliveryNoResourceLevelPermissions']));
  });

  it('scopes execution-level actions to this machine\'s executions', () => {
    const scoped = allStatements(out).filter((s) => s.Action.some((a) => a === 'states:StopExecution' || a === 'states:DescribeExecution'));

    expect(scoped).toHaveLength(2);
    for (const s of scoped) {
      expect(s.Resource).toEqual([
        'arn:aws:states:us-east-1:${data.aws_caller_identity.account.account_id}:execution:async-api-dev-ramen-timer:*',
      ]);
    }
  });

  it('publishes the endpoint, the auth mode, each route URL and the state machine ARN', () => {
    expect(Object.keys(out.json.output).sort()).toEqual(
      ['api_auth', 'api_endpoint', 'describe_execution_url', 'region', 'start_execution_url', 'state_machine_arn', 'stop_execution_url'],
    );
    expect(out.json.output.start_execution_url.value).toMatch(/^\$\{aws_apigatewayv2_api\.[^}]+\.api_endpoint\}\/start-execution$/);
  });

  it('gives every role and every inline policy a unique name', () => {
    const roleNames = Object.values(out.resources('aws_iam_role')).map((r) => r.name);

    expect(roleNames.length).toBeGreaterThanOrEqual(5);
    expect(new Set(roleNames).size).toBe(roleNames.length);
  });

  it('names every resource after the stage', () => {
    const prod = synthStack({ STAGE: 'prod' });
    const names = Object.values(prod.resources('aws_lambda_function')).map((f) => f.function_name);

    expect(names.sort()).toEqual(['async-api-prod-describe-execution', 'async-api-prod-ramen-timer']);
  });

  describe('permissions boundary', () => {
    const boundaryArn = 'arn:aws:iam::123456789012:policy/gha-async-api-dev-app-boundary';

    it('is set on every role when ROLE_PERMISSIONS_BOUNDARY_ARN is configured', () => {
      // Act
      const bounded = synthStack({ ROLE_PERMISSIONS_BOUNDARY_ARN: boundaryArn });

      // Assess
      const roles = Object.values(bounded.resources('aws_iam_role'));
      expect(roles.length).toBeGreaterThanOrEqual(5);
      expect(roles.map((r) => [r.name, r.permissions_boundary])).toEqual(roles.map((r) => [r.name, boundaryArn]));
    });

    it('is set on no role when it is not configured', () => {
      const roles = Object.values(out.resources('aws_iam_role'));

      expect(roles.length).toBeGreaterThanOrEqual(5);
      expect(roles.filter((r) => 'permissions_boundary' in r).map((r) => r.name)).toEqual([]);
    });
  });
});
