import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { type App, Testing } from 'cdktf';
import { AsyncApiStack, jobStartRoute, ROUTES } from '../../stacks/async-api-stack';
import { SOURCE_MAP_ENVIRONMENT } from '../../stacks/constructs/nodejs-function';
import { apiResourceNames, defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { jobWebhookStartRoute, Naming } from '../../stacks/naming';
import { parse, statementsOf, tempBuildDir, testConfig } from './helpers';

const MAIN = defaultJob(JOBS);
const machineName = (job: string, stage = 'dev') => `async-api-${stage}-${job}`;

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

  it('serves the shared routes and one start route per job', () => {
    const keys = Object.values(out.resources('aws_apigatewayv2_route')).map((r) => r.route_key);

    expect(keys.sort()).toEqual(
      [...Object.values(ROUTES), ...JOBS.flatMap((j) => [jobStartRoute(j.name), jobWebhookStartRoute(j.name)])]
        .map((r) => r.key)
        .sort(),
    );
    for (const key of keys)
      expect(out.text).toHaveResourceWithProperties(Apigatewayv2Route, {
        route_key: key,
        authorization_type: 'AWS_IAM',
      });
  });

  it("maps each job's start body to StartExecution on that job's machine, with the name for idempotent starts", () => {
    const machines = out.resources('aws_sfn_state_machine');
    for (const job of JOBS) {
      const id = Object.entries(machines).find(([, m]) => m.name === machineName(job.name))![0];

      expect(out.text).toHaveResourceWithProperties(Apigatewayv2Integration, {
        integration_subtype: 'StepFunctions-StartExecution',
        request_parameters: {
          StateMachineArn: `\${aws_sfn_state_machine.${id}.arn}`,
          Input: '$request.body.input',
          Name: '$request.body.name',
        },
      });
    }
  });

  it('starts the default job on POST /start-execution, with the same integration as its own route', () => {
    const routes = Object.values(out.resources('aws_apigatewayv2_route'));
    const target = (key: string) => routes.find((r) => r.route_key === key)!.target;

    expect(target(ROUTES.start.key)).toBe(target(jobStartRoute(MAIN.name).key));
  });

  it('creates one state machine per job, each with its own role and log group, traced', () => {
    // The schedule launcher (there when a job has a schedule) is not a job: job-schedules' tests cover it.
    const machines = jobMachines(out);

    expect(machines.map((m) => m.name).sort()).toEqual(JOBS.map((j) => machineName(j.name)).sort());
    expect(new Set(machines.map((m) => m.role_arn)).size).toBe(JOBS.length);
    expect(
      new Set(machines.map((m) => (m.logging_configuration as { log_destination: string }).log_destination)).size,
    ).toBe(JOBS.length);
    for (const m of machines) expect(m.tracing_configuration).toEqual({ enabled: true });
  });

  it("lets each state machine invoke only its own job's functions", () => {
    const policies = Object.values(out.resources('aws_iam_role_policy'));
    for (const job of JOBS) {
      const policy = policies.find((p) => p.name === `async-api-dev-${job.name}-states`)!;
      const invoke = statementsOf(policy.policy).find((s) => s.Action.includes('lambda:InvokeFunction'))!;
      const functionIds = job.functions.map(
        (fn) =>
          Object.entries(out.resources('aws_lambda_function')).find(
            ([, f]) => f.function_name === `async-api-dev-${fn.name}`,
          )![0],
      );

      expect(invoke.Resource.sort()).toEqual(
        functionIds
          .flatMap((id) => [`\${aws_lambda_function.${id}.arn}`, `\${aws_lambda_function.${id}.arn}:*`])
          .sort(),
      );
    }
  });

  it('maps the stop body to StopExecution, error and cause included', () => {
    expect(out.text).toHaveResourceWithProperties(Apigatewayv2Integration, {
      integration_subtype: 'StepFunctions-StopExecution',
      request_parameters: {
        ExecutionArn: '$request.body.executionArn',
        Error: '$request.body.error',
        Cause: '$request.body.cause',
      },
    });
  });

  it('gives each Step Functions integration its own credentials role', () => {
    const roles = Object.values(out.resources('aws_apigatewayv2_integration'))
      .filter((i) => String(i.integration_subtype).startsWith('StepFunctions-'))
      .map((i) => i.credentials_arn);

    expect(roles).toHaveLength(JOBS.length + 1);
    expect(new Set(roles).size).toBe(JOBS.length + 1);
  });

  it("routes describe-execution to the status Lambda, which knows every job's state machine", () => {
    const route = Object.values(out.resources('aws_apigatewayv2_route')).find(
      (r) => r.route_key === ROUTES.describe.key,
    )!;
    const integrationId = /aws_apigatewayv2_integration\.([^.]+)\.id/.exec(String(route.target))![1]!;
    const integration = out.resources('aws_apigatewayv2_integration')[integrationId]!;
    const fnId = /aws_lambda_function\.([^.]+)\.invoke_arn/.exec(String(integration.integration_uri))![1]!;
    const fn = out.resources('aws_lambda_function')[fnId]!;

    const variables = (fn.environment as { variables: Record<string, string> }).variables;
    const machines = JSON.parse(variables.JOB_STATE_MACHINES!) as Record<string, string>;

    expect(fn.function_name).toBe('async-api-dev-describe-execution');
    expect(Object.keys(machines)).toEqual(JOBS.map((j) => j.name));
    for (const arn of Object.values(machines)) expect(arn).toMatch(/^\$\{aws_sfn_state_machine\.[^}]+\.arn\}$/);
    expect(new Set(Object.values(machines)).size).toBe(JOBS.length);
    expect(out.text).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'async-api-dev-describe-execution',
      environment: {
        variables: {
          JOB_STATE_MACHINES: expect.any(String),
          ...SOURCE_MAP_ENVIRONMENT,
        },
      },
    });
  });

  it('passes each function its settings from the registry', () => {
    for (const fn of JOBS.flatMap((j) => j.functions).filter((f) => f.environment)) {
      expect(out.text).toHaveResourceWithProperties(LambdaFunction, {
        function_name: `async-api-dev-${fn.name}`,
        timeout: fn.timeoutSeconds,
        memory_size: fn.memorySizeMb,
        environment: { variables: { ...fn.environment, ...SOURCE_MAP_ENVIRONMENT } },
      });
    }
  });

  it("renders every job's ASL with no placeholder left", () => {
    for (const machine of Object.values(out.resources('aws_sfn_state_machine'))) {
      expect(String(machine.definition).replace(/\$\{(aws_|data\.)[^}]+\}/g, '')).not.toMatch(/\$\{|%\{/);
    }
  });

  it("stores state in S3 with S3-native locking, leaving encryption to the bucket's KMS default", () => {
    expect(out.json.terraform.backend).toEqual({
      s3: {
        bucket: 'test-state-bucket',
        key: 'async-api/dev/terraform.tfstate',
        region: 'us-east-1',
        use_lockfile: true,
      },
    });
    expect(out.json.terraform.required_version).toBe('>= 1.11.0');
  });

  it('never grants Action "*", and grants Resource "*" only for actions without resource-level permissions', () => {
    const statements = allStatements(out);

    expect(statements.flatMap((s) => s.Action).filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    const starred = statements.filter((s) => s.Resource.includes('*'));
    expect(new Set(starred.flatMap((s) => s.Action.map((a) => a.split(':')[0])))).toEqual(new Set(['xray', 'logs']));
    expect(new Set(starred.map((s) => s.Sid))).toEqual(
      new Set(['XRayWriteNoResourceLevelPermissions', 'LogDeliveryNoResourceLevelPermissions']),
    );
  });

  it("scopes execution-level actions to the executions of this API's machines", () => {
    const executionActions = [
      'states:StopExecution',
      'states:DescribeExecution',
      'states:GetExecutionHistory',
      'states:RedriveExecution',
    ];
    const scoped = allStatements(out).filter((s) => s.Action.some((a) => executionActions.includes(a)));

    // Stop; describe and its progress read; history; describe-then-redrive.
    expect(scoped.map((s) => s.Sid).sort()).toEqual(
      [
        'DescribeOwnExecutions',
        'ReadOwnExecutionHistory',
        'ReadOwnExecutionHistory',
        'RedriveOwnExecutions',
        'StopExecutions',
      ].sort(),
    );
    for (const s of scoped) {
      expect(s.Resource.sort()).toEqual(
        JOBS.map((j) => j.name)
          .sort()
          .map((name) =>
            expect.stringMatching(
              new RegExp(
                `^arn:aws:states:us-east-1:\\$\\{data\\.aws_caller_identity\\.[^}]+\\.account_id\\}:execution:${machineName(name)}:\\*$`,
              ),
            ),
          ),
      );
    }
  });

  it("grants ListExecutions on this API's state machines only, to the list function only", () => {
    const listing = allStatements(out).filter((s) => s.Action.includes('states:ListExecutions'));

    expect(listing).toHaveLength(1);
    expect(listing[0]!.Action).toEqual(['states:ListExecutions']);
    expect(listing[0]!.Resource.sort()).toEqual(
      jobMachines(out).map(() => expect.stringMatching(/^\$\{aws_sfn_state_machine\.[^}]+\.arn\}$/)),
    );
    expect(new Set(listing[0]!.Resource).size).toBe(JOBS.length);
  });

  it('publishes the endpoint, the auth mode, each route URL, the default machine and every job', () => {
    expect(Object.keys(out.json.output).sort()).toEqual([
      'alarm_topic_arn',
      'api_auth',
      'api_endpoint',
      'default_job',
      'describe_execution_url',
      'execution_ended_topic_arn',
      'get_execution_history_url',
      'jobs',
      'list_executions_url',
      'redrive_execution_url',
      'region',
      'schedules',
      'start_execution_url',
      'state_machine_arn',
      'stop_execution_url',
      'webhook_signing_secret_arn',
    ]);
    expect(out.json.output.start_execution_url.value).toMatch(
      /^\$\{aws_apigatewayv2_api\.[^}]+\.api_endpoint\}\/start-execution$/,
    );
    expect(out.json.output.default_job.value).toBe(MAIN.name);
    expect(Object.keys(out.json.output.jobs.value).sort()).toEqual(JOBS.map((j) => j.name).sort());
    for (const job of JOBS) {
      expect(out.json.output.jobs.value[job.name]).toEqual({
        start_execution_url: expect.stringMatching(
          new RegExp(`^\\$\\{aws_apigatewayv2_api\\.[^}]+\\.api_endpoint\\}/${job.name}/start-execution$`),
        ),
        state_machine_arn: expect.stringMatching(/^\$\{aws_sfn_state_machine\.[^}]+\.arn\}$/),
        description: job.description,
        example_input: JSON.stringify(job.exampleInput),
      });
    }
    expect(out.json.output.state_machine_arn.value).toBe(out.json.output.jobs.value[MAIN.name].state_machine_arn);
  });

  it('gives every role and every inline policy a unique name', () => {
    const roleNames = Object.values(out.resources('aws_iam_role')).map((r) => r.name);

    expect(roleNames.length).toBeGreaterThanOrEqual(5);
    expect(new Set(roleNames).size).toBe(roleNames.length);
  });

  it('names every resource after the stage', () => {
    const prod = synthStack({ STAGE: 'prod' });
    const names = Object.values(prod.resources('aws_lambda_function')).map((f) => f.function_name);

    expect(names.sort()).toEqual(
      [
        'describe-execution',
        'list-executions',
        'get-execution-history',
        'redrive-execution',
        'webhook-sender',
        'webhook-start',
        ...JOBS.flatMap((j) => j.functions.map((f) => f.name)),
      ]
        .map((n) => `async-api-prod-${n}`)
        .sort(),
    );
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

/** The jobs' state machines, without the schedule launcher. */
function jobMachines(out: ReturnType<typeof parse>) {
  return Object.values(out.resources('aws_sfn_state_machine')).filter(
    (m) => m.name !== apiResourceNames(new Naming('async-api', 'dev')).launcherStateMachine,
  );
}
