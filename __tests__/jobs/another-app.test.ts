import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { type App, Testing } from 'cdktf';
import { ReportsStack } from '../../examples/another-app/stack';
import { parse, statementsOf, tempBuildDir } from '../stacks/helpers';

// docs/jobs.md's example of AsyncJobApi in someone else's cdktf app: it type-checks (tsconfig
// includes examples/) and synthesizes into what the docs promise.
describe('examples/another-app: AsyncJobApi in another cdktf app', () => {
  const stack = new ReportsStack(Testing.app() as App, 'reports-prod', {
    region: 'eu-west-1',
    stage: 'prod',
    buildDir: tempBuildDir(),
  });
  const out = parse(Testing.synth(stack));

  it('serves its job on its own route and as the default, with the shared describe and stop routes', () => {
    const keys = Object.values(out.resources('aws_apigatewayv2_route'))
      .map((r) => r.route_key)
      .sort();

    expect(keys).toEqual([
      'POST /describe-execution',
      'POST /get-execution-history',
      'POST /list-executions',
      'POST /nightly-report/start-execution',
      'POST /nightly-report/start-execution-with-webhook',
      'POST /redrive-execution',
      'POST /start-execution',
      'POST /stop-execution',
    ]);
    expect(out.text).toHaveResourceWithProperties(Apigatewayv2Route, {
      route_key: 'POST /nightly-report/start-execution',
      authorization_type: 'AWS_IAM',
    });
  });

  it('names everything with its own project and stage', () => {
    expect(out.one('aws_sfn_state_machine').name).toBe('reports-prod-nightly-report');
    expect(
      Object.values(out.resources('aws_lambda_function'))
        .map((f) => f.function_name)
        .sort(),
    ).toEqual([
      'reports-prod-build-report',
      'reports-prod-describe-execution',
      'reports-prod-get-execution-history',
      'reports-prod-list-executions',
      'reports-prod-redrive-execution',
      'reports-prod-webhook-start',
    ]);
  });

  it('passes the queue URL into the ASL and lets the machine send to that queue only', () => {
    const definition = JSON.parse(String(out.one('aws_sfn_state_machine').definition));
    const policy = Object.values(out.resources('aws_iam_role_policy')).find(
      (p) => p.name === 'reports-prod-nightly-report-states',
    )!;
    const send = statementsOf(policy.policy).find((s) => s.Action.includes('sqs:SendMessage'))!;

    expect(definition.States['Wait for approval'].Parameters.QueueUrl).toMatch(/^\$\{aws_sqs_queue\.[^}]+\.url\}$/);
    expect(send.Resource).toEqual([expect.stringMatching(/^\$\{aws_sqs_queue\.[^}]+\.arn\}$/)]);
    expect(definition.States['Wait for approval'].TimeoutSeconds).toBe(86400);
    expect(definition.TimeoutSeconds).toBeGreaterThan(86400);
  });
});
