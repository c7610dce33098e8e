import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { buildApp } from '../../stacks/app';
import { parseConfig } from '../../stacks/config';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { addAwsLimitsValidation, checkAwsLimits, type TerraformJson } from '../../stacks/validation/aws-limits';
import { synthesizedStacks } from '../app-synth';
import { SCAN_ENV } from '../security/fixtures';
import { tempBuildDir } from './helpers';

type Json = Record<string, any>;

/** The real app's stacks as Terraform JSON, as main.ts synthesizes them (once per run and settings). */
function stacksOf(env: Record<string, string> = {}): Record<string, Json> {
  return Object.fromEntries(synthesizedStacks({ ...SCAN_ENV, ...env }).map((s) => [s.id, s.json as Json]));
}

const pristine = stacksOf();

/** A copy of the application (or another) stack with one realistic mistake applied. */
function withMistake(change: (doc: Json) => void, stack = 'async-api-dev'): string[] {
  const doc = structuredClone(pristine[stack]!);
  change(doc);
  return checkAwsLimits(doc as TerraformJson);
}

/** The only resource of a type whose attributes satisfy `where` (in a mutable copy). */
function one(doc: Json, type: string, where: (r: Json) => boolean = () => true): Json {
  const found = Object.values(doc.resource[type] as Record<string, Json>).filter(where);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}
const addressOf = (doc: Json, type: string, where: (r: Json) => boolean) =>
  `${type}.${Object.entries(doc.resource[type] as Record<string, Json>).find(([, r]) => where(r))![0]}`;
// The mistakes are made in the default job's resources: its first function (the worker), its
// state machine, its start integration and roles; any job of the registry would do.
const MAIN = defaultJob(JOBS);
const worker = (r: Json) => r.function_name === `async-api-dev-${MAIN.functions[0]!.name}`;
const workerRole = (r: Json) => r.name === `async-api-dev-${MAIN.functions[0]!.name}`;
const status = (r: Json) => String(r.function_name).endsWith('describe-execution');
const mainMachine = (r: Json) => r.name === `async-api-dev-${MAIN.name}`;
const MAIN_MACHINE_ID = Object.entries(
  pristine['async-api-dev']!.resource.aws_sfn_state_machine as Record<string, Json>,
).find(([, r]) => mainMachine(r))![0];
/** The default job's first Task state, and a pattern matching its name in a problem. */
const MAIN_TASK = Object.entries(
  JSON.parse(pristine['async-api-dev']!.resource.aws_sfn_state_machine[MAIN_MACHINE_ID].definition).States as Record<
    string,
    Json
  >,
).find(([, st]) => st.Type === 'Task')![0];
const MAIN_TASK_PATTERN = MAIN_TASK.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const startIntegration = (r: Json) =>
  r.integration_subtype === 'StepFunctions-StartExecution' &&
  r.request_parameters.StateMachineArn === `\${aws_sfn_state_machine.${MAIN_MACHINE_ID}.arn}`;
const startPolicy = (r: Json) => r.name === `async-api-dev-${MAIN.name}-start`;
const lambdaIntegration = (r: Json) =>
  r.integration_subtype === undefined && String(r.integration_uri).includes('describe-execution');
const policyOf = (r: Json) => JSON.parse(r.policy) as { Statement: Json[] };

describe('the app as configured', () => {
  it.each([
    ['defaults', {}],
    ['a China region', { AWS_REGION: 'cn-north-1' }],
    ['a GovCloud region', { AWS_REGION: 'us-gov-west-1' }],
    ['JWT auth', { API_AUTH: 'JWT', JWT_ISSUER: 'https://issuer.example.com', JWT_AUDIENCE: 'a,b' }],
    ['the longest stage name', { STAGE: 'abcdefghijklmnop' }],
  ])('is within every AWS limit (%s)', (_label, env) => {
    const stacks = stacksOf(env);

    expect(
      Object.fromEntries(Object.entries(stacks).map(([id, doc]) => [id, checkAwsLimits(doc as TerraformJson)])),
    ).toEqual(Object.fromEntries(Object.keys(stacks).map((id) => [id, []])));
  });

  it('fails to synthesize with a value AWS would refuse, naming the resource, the attribute and the limit', () => {
    // Prepare
    const outdir = tempBuildDir();
    const app = new App({ outdir });
    buildApp(app, parseConfig({ TF_STATE_BUCKET: 'test-state' }), { buildDir: join(outdir, 'bundles') });
    const stack = app.node.findChild('async-api-dev') as TerraformStack;
    const fn = stack.node
      .findAll()
      .find((c): c is LambdaFunction => c instanceof LambdaFunction && worker({ function_name: c.functionNameInput }))!;
    fn.addOverride('timeout', 901);

    // Act / Assess
    expect(() => app.synth()).toThrow(
      new RegExp(
        `\\[async-api-dev\\] aws_lambda_function\\.${fn.friendlyUniqueId} \\(attribute "timeout"\\): 901 is above the maximum 900 \\(Lambda quotas`,
      ),
    );
    // Nothing Terraform could read is left of the stack that failed.
    expect(existsSync(join(outdir, 'stacks', 'async-api-dev', 'cdk.tf.json'))).toBe(false);
  });
});

describe('addAwsLimitsValidation', () => {
  /** A stack of one function whose timeout is `timeout`, checked as buildApp checks every stack. */
  function synthOneFunction(timeout: number, appProps: { skipValidation?: boolean } = {}) {
    const outdir = tempBuildDir();
    const app = new App({ outdir, ...appProps });
    const stack = new TerraformStack(app, 'one');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new LambdaFunction(stack, 'fn', {
      functionName: 'one',
      role: 'arn:aws:iam::123456789012:role/one',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      filename: 'code.zip',
      timeout,
    });
    addAwsLimitsValidation(stack);
    const file = join(outdir, 'stacks', 'one', 'cdk.tf.json');
    return { file, synth: () => app.synth() };
  }

  it.each([
    [900, 'written', true],
    [901, 'refused, and its file removed', false],
  ])('a function timeout of %d s: the stack is %s', (timeout, _label, written) => {
    const { file, synth } = synthOneFunction(timeout);

    if (written) expect(synth).not.toThrow();
    else expect(synth).toThrow(/\[one\] aws_lambda_function\.fn \(attribute "timeout"\): 901 is above the maximum 900/);
    expect(existsSync(file)).toBe(written);
  });

  it("is skipped, as cdktf's own validations are, by an app that skips validation", () => {
    const { file, synth } = synthOneFunction(901, { skipValidation: true });

    expect(synth).not.toThrow();
    expect(existsSync(file)).toBe(true);
  });
});

describe('a realistic mistake fails with the resource, the attribute and the limit', () => {
  it.each<[string, (doc: Json) => void, RegExp]>([
    [
      'an integration timeout of 30,001 ms',
      (d) => (one(d, 'aws_apigatewayv2_integration', startIntegration).timeout_milliseconds = 30_001),
      /aws_apigatewayv2_integration\.\S+ \(attribute "timeout_milliseconds"\): 30001 is above the maximum 30000 \(apigatewayv2:CreateIntegration\.TimeoutInMillis/,
    ],
    [
      'an integration timeout of 29 ms',
      (d) => (one(d, 'aws_apigatewayv2_integration', startIntegration).timeout_milliseconds = 29),
      /"timeout_milliseconds"\): 29 is below the minimum 50/,
    ],
    [
      'a Lambda timeout of 901 s',
      (d) => (one(d, 'aws_lambda_function', worker).timeout = 901),
      /"timeout"\): 901 is above the maximum 900 \(Lambda quotas/,
    ],
    [
      '127 MB of Lambda memory',
      (d) => (one(d, 'aws_lambda_function', worker).memory_size = 127),
      /"memory_size"\): 127 is below the minimum 128/,
    ],
    [
      '10,241 MB of Lambda memory',
      (d) => (one(d, 'aws_lambda_function', worker).memory_size = 10_241),
      /"memory_size"\): 10241 is above the maximum 10240 \(Lambda quotas/,
    ],
    [
      'a role name of 65 characters',
      (d) => (one(d, 'aws_iam_role', workerRole).name = 'r'.repeat(65)),
      /aws_iam_role\.\S+ \(attribute "name"\): "r{65}" is 65 characters; the limit is 64/,
    ],
    [
      'a function name of 65 characters',
      (d) => (one(d, 'aws_lambda_function', worker).function_name = 'f'.repeat(65)),
      /"function_name"\): "f{65}" is 65 characters; the limit is 64 \(Lambda CreateFunction/,
    ],
    [
      'a state machine name of 81 characters',
      (d) => (one(d, 'aws_sfn_state_machine', mainMachine).name = 's'.repeat(81)),
      /aws_sfn_state_machine\.\S+ \(attribute "name"\): "s{81}" is 81 characters; the limit is 80/,
    ],
    [
      'a state machine name with a space',
      (d) => (one(d, 'aws_sfn_state_machine', mainMachine).name = 'a job'),
      /"name"\): "a job" does not match/,
    ],
    [
      'a log group ARN where its name is expected',
      (d) => {
        const fn = one(d, 'aws_lambda_function', worker);
        fn.logging_config.log_group = String(fn.logging_config.log_group).replace(/\.name\}$/, '.arn}');
      },
      /"logging_config\.log_group"\): .* does not match .*LoggingConfig\.LogGroup/,
    ],
    [
      'a log group name where its ARN is expected',
      (d) => {
        const stage = one(d, 'aws_apigatewayv2_stage');
        stage.access_log_settings.destination_arn = String(stage.access_log_settings.destination_arn).replace(
          /\.arn\}$/,
          '.name}',
        );
      },
      /"access_log_settings\.destination_arn"\): .* is not the ARN of a logs:log-group/,
    ],
    [
      'a state machine log destination without ":*"',
      (d) => {
        const machine = one(d, 'aws_sfn_state_machine', mainMachine);
        machine.logging_configuration.log_destination = String(machine.logging_configuration.log_destination).replace(
          /:\*$/,
          '',
        );
      },
      /"logging_configuration\.log_destination"\): .* must end with ":\*"/,
    ],
    [
      'an IAM statement on an ARN of the wrong service',
      (d) => {
        const policy = one(d, 'aws_iam_role_policy', startPolicy);
        const doc = policyOf(policy);
        doc.Statement[0]!.Resource =
          `arn:aws:lambda:us-east-1:123456789012:function:async-api-dev-${MAIN.functions[0]!.name}`;
        policy.policy = JSON.stringify(doc);
      },
      /is not an ARN states:StartExecution acts on \(states:statemachine/,
    ],
    [
      'StopExecution granted on the state machine instead of its executions',
      (d) => {
        const policy = one(
          d,
          'aws_iam_role_policy',
          (r) => String(r.policy).includes('states:StopExecution') && !String(r.policy).includes('DescribeExecution'),
        );
        policy.policy = String(policy.policy).replace(':execution:', ':stateMachine:').replace(/:\*"/, '"');
      },
      /is not an ARN states:StopExecution acts on \(states:execution/,
    ],
    [
      'an action that does not exist',
      (d) => {
        const policy = one(d, 'aws_iam_role_policy', startPolicy);
        policy.policy = String(policy.policy).replace('states:StartExecution', 'states:StartExecutions');
      },
      /action "states:StartExecutions" does not exist/,
    ],
    [
      'X-Ray permissions scoped to an ARN',
      (d) => {
        const policy = one(d, 'aws_iam_role_policy', startPolicy);
        const doc = policyOf(policy);
        doc.Statement.push({
          Sid: 'Trace',
          Effect: 'Allow',
          Action: 'xray:PutTraceSegments',
          Resource: 'arn:aws:xray:us-east-1:123456789012:trace/x',
        });
        policy.policy = JSON.stringify(doc);
      },
      /xray:PutTraceSegments has no resource-level permissions: its Resource must be "\*"/,
    ],
    [
      'a credentials role given as a function ARN',
      (d) => {
        const integration = one(d, 'aws_apigatewayv2_integration', startIntegration);
        const fn = addressOf(d, 'aws_lambda_function', worker);
        integration.credentials_arn = `\${${fn}.arn}`;
      },
      /"credentials_arn"\): .* is not the ARN of a iam:role/,
    ],
    [
      'a permissions boundary given as a role ARN',
      (d) => {
        one(d, 'aws_iam_role', workerRole).permissions_boundary = 'arn:aws:iam::123456789012:role/boundary';
      },
      /"permissions_boundary"\): .* is not the ARN of a iam:policy/,
    ],
    [
      'a runtime that does not exist',
      (d) => (one(d, 'aws_lambda_function', worker).runtime = 'nodejs24'),
      /"runtime"\): "nodejs24" is not one of .*nodejs24\.x/,
    ],
    [
      'an architecture that does not exist',
      (d) => (one(d, 'aws_lambda_function', worker).architectures = ['arm']),
      /"architectures"\): "arm" is not one of arm64, x86_64/,
    ],
    [
      'a tracing mode in the wrong case',
      (d) => (one(d, 'aws_lambda_function', worker).tracing_config.mode = 'active'),
      /"tracing_config\.mode"\): "active" is not one of Active, PassThrough/,
    ],
    [
      'a Step Functions log level that does not exist',
      (d) => (one(d, 'aws_sfn_state_machine', mainMachine).logging_configuration.level = 'WARN'),
      /"logging_configuration\.level"\): "WARN" is not one of ALL, ERROR, FATAL, OFF/,
    ],
    [
      'a route authorization type from REST APIs',
      (d) => {
        Object.values(d.resource.aws_apigatewayv2_route as Record<string, Json>)[0]!.authorization_type = 'IAM';
      },
      /"authorization_type"\): "IAM" is not one of AWS_IAM, CUSTOM, JWT, NONE/,
    ],
    [
      'a misspelled integration type',
      (d) => (one(d, 'aws_apigatewayv2_integration', startIntegration).integration_type = 'AWS_PROXI'),
      /"integration_type"\): "AWS_PROXI" is not one of/,
    ],
    [
      'a request parameter StartExecution does not take',
      (d) => {
        const integration = one(d, 'aws_apigatewayv2_integration', startIntegration);
        integration.request_parameters = { ...integration.request_parameters, input: '$request.body.input' };
      },
      /"request_parameters\.input"\): StepFunctions-StartExecution takes no parameter input/,
    ],
    [
      'StartExecution without StateMachineArn',
      (d) => {
        const integration = one(d, 'aws_apigatewayv2_integration', startIntegration);
        delete integration.request_parameters.StateMachineArn;
      },
      /"request_parameters"\): StepFunctions-StartExecution requires StateMachineArn/,
    ],
    [
      'a mapping expression API Gateway does not know',
      (d) => {
        const integration = one(d, 'aws_apigatewayv2_integration', startIntegration);
        integration.request_parameters = { ...integration.request_parameters, Input: '$requests.body.input' };
      },
      /"request_parameters\.Input"\): "\$requests\.body\.input" is not a mapping expression/,
    ],
    [
      'a start integration pointed at the worker function instead of the state machine',
      (d) => {
        const integration = one(d, 'aws_apigatewayv2_integration', startIntegration);
        integration.request_parameters = {
          ...integration.request_parameters,
          StateMachineArn: `\${${addressOf(d, 'aws_lambda_function', worker)}.arn}`,
        };
      },
      /"request_parameters\.StateMachineArn"\): .* is not the ARN of a states:statemachine/,
    ],
    [
      'payload format 2.0 on a Step Functions integration',
      (d) => (one(d, 'aws_apigatewayv2_integration', startIntegration).payload_format_version = '2.0'),
      /"payload_format_version"\): AWS service integrations support only payload format 1\.0/,
    ],
    [
      'a Lambda integration given the function ARN, not its invoke ARN',
      (d) => {
        const integration = one(d, 'aws_apigatewayv2_integration', lambdaIntegration);
        integration.integration_uri = String(integration.integration_uri).replace('.invoke_arn}', '.arn}');
      },
      /"integration_uri"\): .* must be a Lambda function's invoke_arn/,
    ],
    [
      'a status Lambda as slow as its integration',
      (d) => (one(d, 'aws_lambda_function', status).timeout = 10),
      /"timeout_milliseconds"\): 10000 ms does not exceed the timeout of aws_lambda_function\.\S+ \(10 s\)/,
    ],
    [
      "a task timeout no longer than its function's",
      (d) => {
        const machine = one(d, 'aws_sfn_state_machine', mainMachine);
        const definition = JSON.parse(machine.definition);
        definition.States[MAIN_TASK].TimeoutSeconds = MAIN.functions[0]!.timeoutSeconds;
        machine.definition = JSON.stringify(definition);
      },
      new RegExp(
        `"definition States\\["${MAIN_TASK_PATTERN}"\\]\\.TimeoutSeconds"\\): ${MAIN.functions[0]!.timeoutSeconds} must exceed the timeout of aws_lambda_function`,
      ),
    ],
    [
      'an execution timeout shorter than the retries',
      (d) => {
        const machine = one(d, 'aws_sfn_state_machine', mainMachine);
        const definition = JSON.parse(machine.definition);
        definition.TimeoutSeconds = 1;
        machine.definition = JSON.stringify(definition);
      },
      /"definition TimeoutSeconds"\): 1 is shorter than the worst case of its tasks and retries/,
    ],
    [
      'a hard-coded partition in a China region',
      (d) => {
        d.provider.aws[0].region = 'cn-north-1';
        const machine = one(d, 'aws_sfn_state_machine', mainMachine);
        machine.definition = String(machine.definition).replace(/arn:aws:states:::/, 'arn:aws:states:::');
      },
      /is neither an arn:aws-cn:states:::<service>:<action> integration/,
    ],
    [
      'an environment of 4,097 bytes, mostly one value (names and values count)',
      (d) => (one(d, 'aws_lambda_function', status).environment.variables = { AB: 'x'.repeat(4095) }),
      /"environment\.variables"\): 4097 bytes of variables; the limit is 4 KB/,
    ],
    [
      'an environment of 2,049 two-byte characters (4,100 bytes, 2,051 characters)',
      (d) => (one(d, 'aws_lambda_function', status).environment.variables = { AB: 'é'.repeat(2049) }),
      /"environment\.variables"\): 4100 bytes of variables; the limit is 4 KB/,
    ],
    [
      'an environment variable Lambda reserves',
      (d) => (one(d, 'aws_lambda_function', status).environment.variables.AWS_REGION = 'eu-west-1'),
      /"environment\.variables\.AWS_REGION"\): AWS_REGION is reserved by Lambda/,
    ],
    [
      'a log retention CloudWatch does not offer',
      (d) => (Object.values(d.resource.aws_cloudwatch_log_group as Record<string, Json>)[0]!.retention_in_days = 45),
      /"retention_in_days"\): 45 is not one of 1, 3, 5/,
    ],
    [
      'a Lambda permission whose source is not an API',
      (d) => {
        one(d, 'aws_lambda_permission', (r) => String(r.function_name).includes('describe-execution')).source_arn =
          'arn:aws:states:us-east-1:123456789012:stateMachine:x';
      },
      /"source_arn"\): .* is not an execute-api ARN/,
    ],
    [
      'a dead-letter queue kept longer than SQS allows',
      (d) => {
        one(d, 'aws_sqs_queue', (q) => q.name === 'async-api-dev-webhook-dead-letters').message_retention_seconds =
          30 * 24 * 60 * 60;
      },
      /"message_retention_seconds"\): 2592000 is above the maximum 1209600 \(SQS MessageRetentionPeriod/,
    ],
    [
      'a schedule retried more often than EventBridge Scheduler allows',
      (d) => {
        (
          one(d, 'aws_scheduler_schedule').target as Json as { retry_policy: Json }
        ).retry_policy.maximum_retry_attempts = 186;
      },
      /aws_scheduler_schedule\..* \(attribute "target\.retry_policy\.maximum_retry_attempts"\): 186 is above the maximum 185 \(EventBridge Scheduler RetryPolicy/,
    ],
    [
      'a dashboard name with a character CloudWatch refuses',
      (d) => {
        one(d, 'aws_cloudwatch_dashboard').dashboard_name = 'async-api-dev/jobs';
      },
      /"dashboard_name"\): .* does not match/,
    ],
    [
      'an EventBridge rule name longer than 64 characters',
      (d) => {
        one(d, 'aws_cloudwatch_event_rule', (r) => !String(r.event_pattern).includes('prefix')).name =
          `async-api-dev-${'x'.repeat(60)}`;
      },
      /"name"\): .* is 74 characters; the limit is 64 \(EventBridge PutRule Name/,
    ],
    [
      "a function's dead-letter target that is not a queue",
      (d) => {
        one(d, 'aws_lambda_function', (f) => f.dead_letter_config !== undefined).dead_letter_config = {
          target_arn: 'arn:aws:sns:us-east-1:123456789012:not-a-queue',
        };
      },
      /"dead_letter_config.target_arn"\): .*not-a-queue/,
    ],
    [
      'a misspelled condition operator',
      (d) => {
        const policy = one(d, 'aws_iam_role', (r) => r.name === `async-api-dev-${MAIN.name}-states`);
        policy.assume_role_policy = String(policy.assume_role_policy).replace('StringEquals', 'StringEqual');
      },
      /condition operator "StringEqual" does not exist/,
    ],
    [
      'a route key without the leading "/"',
      (d) => {
        Object.values(d.resource.aws_apigatewayv2_route as Record<string, Json>)[0]!.route_key = 'POST start-execution';
      },
      /"route_key"\): "POST start-execution" is neither \$default nor/,
    ],
    [
      'a route key with a lower-case method',
      (d) => {
        Object.values(d.resource.aws_apigatewayv2_route as Record<string, Json>)[0]!.route_key =
          'post /start-execution';
      },
      /"route_key"\): "post \/start-execution"/,
    ],
    [
      'a route target that is not an integration',
      (d) => {
        const route = Object.values(d.resource.aws_apigatewayv2_route as Record<string, Json>)[0]!;
        route.target = String(route.target).replace(/^integrations\//, '');
      },
      /"target"\): .* must be "integrations\/<integration id>"/,
    ],
    [
      'an access log format without the request id',
      (d) => {
        const stage = one(d, 'aws_apigatewayv2_stage');
        stage.access_log_settings.format = JSON.stringify({ status: '$context.status' });
      },
      /"access_log_settings\.format"\): must include \$context\.requestId/,
    ],
    [
      'a negative burst limit',
      (d) => (one(d, 'aws_apigatewayv2_stage').default_route_settings.throttling_burst_limit = -1),
      /"default_route_settings\.throttling_burst_limit"\): -1 must be a whole number of at least 0/,
    ],
    [
      "a function given the state machine's role",
      (d) => {
        const machineRole = addressOf(d, 'aws_iam_role', (r) => r.name === `async-api-dev-${MAIN.name}-states`);
        one(d, 'aws_lambda_function', worker).role = `\${${machineRole}.arn}`;
      },
      /aws_lambda_function\.\S+ \(attribute "role"\): aws_iam_role\.\S+ does not trust lambda\.amazonaws\.com/,
    ],
    [
      'an integration given a Lambda execution role as credentials',
      (d) => {
        const fnRole = addressOf(d, 'aws_iam_role', (r) => String(r.name).endsWith('describe-execution'));
        one(d, 'aws_apigatewayv2_integration', startIntegration).credentials_arn = `\${${fnRole}.arn}`;
      },
      /"credentials_arn"\): aws_iam_role\.\S+ does not trust apigateway\.amazonaws\.com/,
    ],
    [
      'a misspelled service principal',
      (d) => {
        const role = one(d, 'aws_iam_role', (r) => r.name === `async-api-dev-${MAIN.name}-start`);
        role.assume_role_policy = String(role.assume_role_policy).replace(
          'apigateway.amazonaws.com',
          'apigateway.amazonaws',
        );
      },
      /is not a service principal/,
    ],
    [
      'encrypt = true in the backend',
      (d) => (d.terraform.backend.s3.encrypt = true),
      /terraform\.backend\.s3 \(attribute "encrypt"\): true without kms_key_id/,
    ],
    [
      'use_lockfile without a Terraform version that has it',
      (d) => delete d.terraform.required_version,
      /terraform \(attribute "required_version"\): .*use_lockfile needs ">= 1\.11\.0"/,
    ],
    [
      'a state bucket name S3 refuses',
      (d) => (d.terraform.backend.s3.bucket = 'My_State'),
      /terraform\.backend\.s3 \(attribute "bucket"\): "My_State" breaks S3's bucket naming rules/,
    ],
  ])('%s', (_label, change, expected) => {
    // Act
    const problems = withMistake(change);

    // Assess
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it.each([
    ['ASCII', { AB: 'x'.repeat(4094) }],
    ['two-byte characters', { AB: 'é'.repeat(2047) }],
    ['several variables', { AB: 'x'.repeat(2046), CD: 'y'.repeat(2046) }],
  ])('accepts an environment of exactly 4,096 bytes (%s)', (_label, variables) => {
    const problems = withMistake((d) => (one(d, 'aws_lambda_function', status).environment.variables = variables));

    expect(problems).toEqual([]);
  });

  it.each<[string, string, (doc: Json) => void, RegExp]>([
    [
      'a state bucket name S3 refuses',
      'state-bucket',
      (d) => (one(d, 'aws_s3_bucket').bucket = 'state..bucket'),
      /aws_s3_bucket\.\S+ \(attribute "bucket"\): "state\.\.bucket" breaks S3's bucket naming rules/,
    ],
    [
      'a CI role name over 64 characters',
      'ci-access',
      (d) => (one(d, 'aws_iam_role', (r) => String(r.name).endsWith('-plan')).name = 'p'.repeat(65)),
      /"name"\): "p{65}" is 65 characters; the limit is 64/,
    ],
    [
      'an OIDC thumbprint that is not 40 hex digits',
      'ci-access',
      (d) => {
        const provider = Object.values((d.resource.aws_iam_openid_connect_provider ?? {}) as Record<string, Json>)[0];
        if (provider) provider.thumbprint_list = ['abc'];
        else
          d.resource.aws_iam_openid_connect_provider = {
            p: {
              url: 'https://token.actions.githubusercontent.com',
              client_id_list: ['sts.amazonaws.com'],
              thumbprint_list: ['abc'],
            },
          };
      },
      /"thumbprint_list"\): "abc" is 3 characters; the minimum is 40/,
    ],
    [
      'a deploy-role statement on a bucket of the wrong service',
      'ci-access',
      (d) => {
        const policy = one(d, 'aws_iam_role_policy', (r) => String(r.name).endsWith('-deploy'));
        policy.policy = String(policy.policy).replace(
          /arn:aws:s3:::test-state\/async-api\/dev\/terraform\.tfstate"/,
          'arn:aws:dynamodb:us-east-1:123456789012:table/test-state"',
        );
      },
      /is not an ARN s3:\w+ acts on/,
    ],
  ])('%s (%s stack)', (_label, stack, change, expected) => {
    expect(withMistake(change, stack)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });
});
