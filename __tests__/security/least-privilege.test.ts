import { assumeRoleContext } from '../../local/iam/authorizer';
import {
  type Decision,
  managedPolicyArn,
  mayAssume,
  mayAssumeWithWebIdentity,
  mayPerform,
  type RoleUnderTest,
  resourcePolicyAllows,
  rolesOf,
} from '../../security/least-privilege';
import { resolveTemplate, SCAN_IDENTITY, type ScannedResource } from '../../security/terraform';
import { appBoundaryPolicyName } from '../../stacks/ci-access-stack';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { SCAN_ENV, type SynthesizedApp, synthesizeApp } from './fixtures';

/**
 * For every role: the (action, resource) pairs it needs are allowed, and its neighbours are denied.
 * A neighbour is what a slightly-too-wide policy would also allow: another state machine, another
 * function, a name that shares a prefix, another action on the same resource, passing roles,
 * deleting things. ARNs are built from the synthesized names, in the test account.
 */

const ACCOUNT = SCAN_IDENTITY.accountId;
const OTHER_ACCOUNT = '210987654321';
const REGION = 'us-east-1';
const STAGE_PREFIX = 'async-api-dev';
/** Construct-path suffixes of each job's roles (the construct names them `<job>-...`). */
const JOB_ROLE_SUFFIXES = JOBS.flatMap((job) => [
  `/${job.name}-state-machine/role/role`,
  `/${job.name}-start-execution/credentials/role`,
  ...job.functions.map((fn) => `/${job.name}-${fn.name}/execution-role/role`),
]);
const FUNCTION_ROLE_SUFFIXES = JOBS.flatMap((job) =>
  job.functions.map((fn) => `/${job.name}-${fn.name}/execution-role/role`),
);
const MAIN_JOB = defaultJob(JOBS);
/** The API's Lambda-backed routes beyond describe (issue 13): construct id = function name suffix. */
const ROUTE_FUNCTIONS = ['list-executions', 'get-execution-history', 'redrive-execution'] as const;
const ROUTE_ROLE_SUFFIXES = ROUTE_FUNCTIONS.map((id) => `/${id}/execution-role/role`);

/** The `ci-access` boundary policy's ARN in the test account: what CI sets ROLE_PERMISSIONS_BOUNDARY_ARN to. */
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/${appBoundaryPolicyName('dev')}`;

const arn = {
  fn: (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
  machine: (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`,
  execution: (machine: string, name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine}:${name}`,
  logStream: (group: string, stream: string) =>
    `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:log-stream:${stream}`,
  role: (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`,
  object: (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`,
  bucket: (bucket: string) => `arn:aws:s3:::${bucket}`,
};

/** One request and the decision it must get. */
interface Expectation {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
  readonly why: string;
}

interface RoleSpec {
  readonly allowed: readonly Expectation[];
  readonly denied: readonly Expectation[];
}

/** The one resource whose construct path ends with `suffix`. */
function byPath(resources: readonly ScannedResource[], type: string, suffix: string): ScannedResource {
  const found = resources.filter((r) => r.type === type && r.path.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} at */${suffix}, found ${found.length}`);
  return found[0]!;
}

async function decisions(role: RoleUnderTest, list: readonly Expectation[]): Promise<string[]> {
  const out: string[] = [];
  for (const e of list)
    out.push(`${e.action} ${e.resource} (${e.why}): ${await mayPerform(role, e.action, e.resource, e.context)}`);
  return out;
}

const allowedAll = (list: readonly Expectation[]) => list.map((e) => `${e.action} ${e.resource} (${e.why}): Allowed`);
const notAllowed = (lines: string[]) => lines.filter((l) => l.endsWith(': Allowed'));

/** The same role as deployed without ROLE_PERMISSIONS_BOUNDARY_ARN (a deploy by hand). */
function withoutBoundary(role: RoleUnderTest): RoleUnderTest {
  const { permissionsBoundary: _dropped, ...rest } = role;
  return rest;
}

describe('least privilege, simulated with iam-simulate', () => {
  let app: SynthesizedApp;
  let roles: RoleUnderTest[];
  let names: {
    /** The default job's first function: the stand-in for "an application function". */
    worker: string;
    status: string;
    /** The default job's state machine: the stand-in for "an application machine". */
    machine: string;
    statusLogs: string;
    /** Log group of each route function in {@link ROUTE_FUNCTIONS}. */
    routeLogs: Record<(typeof ROUTE_FUNCTIONS)[number], string>;
    bucket: string;
    stateKey: string;
    ciStateKey: string;
    /** Per job: its machine's name and, per function, the registry name (id), function name and log group. */
    jobs: { name: string; machine: string; functions: { id: string; name: string; logs: string }[] }[];
  };
  let specs: Map<string, RoleSpec>;

  const role = (pathSuffix: string) => {
    const found = roles.filter((r) => r.path.endsWith(pathSuffix));
    if (found.length !== 1) throw new Error(`expected one role at */${pathSuffix}, found ${found.length}`);
    return found[0]!;
  };

  beforeAll(() => {
    // Prepare: the real app as CI deploys it (every application role under the ci-access boundary),
    // its roles, and the names the expectations are about.
    app = synthesizeApp({ ROLE_PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN });
    roles = rolesOf(app.resources);
    const r = app.resources;
    const jobs = JOBS.map((job) => ({
      name: job.name,
      machine: String(byPath(r, 'aws_sfn_state_machine', `/${job.name}-state-machine/state-machine`).config['name']),
      functions: job.functions.map((fn) => ({
        id: fn.name,
        name: String(byPath(r, 'aws_lambda_function', `/${job.name}-${fn.name}/function`).config['function_name']),
        logs: String(byPath(r, 'aws_cloudwatch_log_group', `/${job.name}-${fn.name}/logs`).config['name']),
      })),
    }));
    const main = jobs.find((j) => j.name === MAIN_JOB.name)!;
    names = {
      worker: main.functions[0]!.name,
      status: String(byPath(r, 'aws_lambda_function', '/describe-execution/function').config['function_name']),
      machine: main.machine,
      statusLogs: String(byPath(r, 'aws_cloudwatch_log_group', '/describe-execution/logs').config['name']),
      routeLogs: Object.fromEntries(
        ROUTE_FUNCTIONS.map((id) => [id, String(byPath(r, 'aws_cloudwatch_log_group', `/${id}/logs`).config['name'])]),
      ) as Record<(typeof ROUTE_FUNCTIONS)[number], string>,
      bucket: SCAN_ENV.TF_STATE_BUCKET,
      stateKey: `async-api/dev/terraform.tfstate`,
      ciStateKey: `async-api/dev/ci-access.tfstate`,
      jobs,
    };
    const n = names;
    const execution = arn.execution(n.machine, 'job-1');
    const otherMachine = `${STAGE_PREFIX}-other`;
    const allFunctions = jobs.flatMap((j) => j.functions);
    const common: Expectation[] = [
      {
        action: 'iam:PassRole',
        resource: arn.role(n.worker),
        context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
        why: 'no role passes roles',
      },
      {
        action: 'sts:AssumeRole',
        resource: arn.role(`${STAGE_PREFIX}-api-stop-execution`),
        why: 'no role chains into another',
      },
      {
        action: 'states:DeleteStateMachine',
        resource: arn.machine(n.machine),
        why: 'nothing at runtime deletes a machine',
      },
      { action: 'lambda:UpdateFunctionCode', resource: arn.fn(n.worker), why: 'nothing at runtime changes code' },
    ];
    const lambdaBasics = (group: string): Expectation[] => [
      {
        action: 'logs:CreateLogStream',
        resource: arn.logStream(group, '2026/11/24/[$LATEST]0123abcd'),
        why: 'its own log group',
      },
      {
        action: 'logs:PutLogEvents',
        resource: arn.logStream(group, '2026/11/24/[$LATEST]0123abcd'),
        why: 'its own log group',
      },
      {
        action: 'xray:PutTraceSegments',
        resource: '*',
        why: 'active tracing (X-Ray has no resource-level permissions)',
      },
      { action: 'xray:PutTelemetryRecords', resource: '*', why: 'active tracing' },
    ];

    specs = new Map<string, RoleSpec>();
    for (const job of jobs) {
      const own = arn.execution(job.machine, 'job-1');
      // Shares the machine's name as a prefix: `execution:<machine>:*` must not reach it.
      const prefixMachine = `${job.machine}-v2`;
      const others = jobs.filter((j) => j !== job);
      specs.set(`/${job.name}-state-machine/role/role`, {
        allowed: [
          ...job.functions.flatMap((fn): Expectation[] => [
            { action: 'lambda:InvokeFunction', resource: arn.fn(fn.name), why: "a Task invokes the job's function" },
            {
              action: 'lambda:InvokeFunction',
              resource: `${arn.fn(fn.name)}:$LATEST`,
              why: 'unqualified invokes run $LATEST',
            },
            { action: 'lambda:InvokeFunction', resource: `${arn.fn(fn.name)}:1`, why: 'a published version' },
          ]),
          { action: 'logs:CreateLogDelivery', resource: '*', why: 'execution logging (no resource-level permissions)' },
          { action: 'xray:PutTraceSegments', resource: '*', why: 'tracing' },
        ],
        denied: [
          { action: 'lambda:InvokeFunction', resource: arn.fn(n.status), why: 'another function: the status function' },
          ...job.functions.map((fn) => ({
            action: 'lambda:InvokeFunction',
            resource: arn.fn(`${fn.name}-v2`),
            why: "a function named with the job's as prefix",
          })),
          ...others.flatMap((o) =>
            o.functions.map((fn) => ({
              action: 'lambda:InvokeFunction',
              resource: arn.fn(fn.name),
              why: `another job's function (${o.name})`,
            })),
          ),
          {
            action: 'states:StartExecution',
            resource: arn.machine(job.machine),
            why: 'the machine does not start itself',
          },
          ...job.functions.map((fn) => ({
            action: 'logs:PutLogEvents',
            resource: arn.logStream(fn.logs, 's'),
            why: "Lambda log groups are the functions' own",
          })),
          ...common,
        ],
      });
      specs.set(`/${job.name}-start-execution/credentials/role`, {
        allowed: [
          {
            action: 'states:StartExecution',
            resource: arn.machine(job.machine),
            why: `POST /${job.name}/start-execution`,
          },
        ],
        denied: [
          { action: 'states:StartExecution', resource: arn.machine(otherMachine), why: 'another state machine' },
          ...others.map((o) => ({
            action: 'states:StartExecution',
            resource: arn.machine(o.machine),
            why: `another job's machine (${o.name})`,
          })),
          {
            action: 'states:StartExecution',
            resource: arn.machine(prefixMachine),
            why: 'a machine named with ours as prefix',
          },
          { action: 'states:StartSyncExecution', resource: arn.machine(job.machine), why: 'another start action' },
          { action: 'states:StopExecution', resource: own, why: "stopping is the stop role's" },
          { action: 'states:DescribeExecution', resource: own, why: "describing is the status function's" },
          { action: 'states:UpdateStateMachine', resource: arn.machine(job.machine), why: 'changing the machine' },
          ...job.functions.map((fn) => ({
            action: 'lambda:InvokeFunction',
            resource: arn.fn(fn.name),
            why: 'functions are invoked by the machine only',
          })),
          ...common,
        ],
      });
      for (const fn of job.functions) {
        specs.set(`/${job.name}-${fn.id}/execution-role/role`, {
          allowed: lambdaBasics(fn.logs),
          denied: [
            {
              action: 'logs:PutLogEvents',
              resource: arn.logStream(n.statusLogs, 's'),
              why: "the status function's log group",
            },
            ...allFunctions
              .filter((f) => f !== fn)
              .map((f) => ({
                action: 'logs:PutLogEvents',
                resource: arn.logStream(f.logs, 's'),
                why: "another function's log group",
              })),
            {
              action: 'logs:CreateLogGroup',
              resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${fn.logs}`,
              why: 'Terraform owns the log group',
            },
            { action: 'states:DescribeExecution', resource: own, why: 'a worker needs no Step Functions API' },
            {
              action: 'states:StartExecution',
              resource: arn.machine(job.machine),
              why: 'a worker needs no Step Functions API',
            },
            { action: 'lambda:InvokeFunction', resource: arn.fn(fn.name), why: 'not even itself' },
            ...common,
          ],
        });
      }
    }
    const everyExecution = jobs.map((j) => arn.execution(j.machine, 'job-1'));
    const foreign = (action: string, why: string): Expectation[] => [
      { action, resource: arn.execution(otherMachine, 'job-1'), why: `${why}: an execution of another machine` },
      ...jobs.map((j) => ({
        action,
        resource: arn.execution(`${j.machine}-v2`, 'job-1'),
        why: `${why}: an execution of a machine named with ${j.name}'s as prefix`,
      })),
    ];
    specs.set('/stop-execution/credentials/role', {
      allowed: [
        ...everyExecution.map((e) => ({
          action: 'states:StopExecution',
          resource: e,
          why: 'POST /stop-execution, any job',
        })),
        {
          action: 'states:StopExecution',
          resource: arn.execution(n.machine, 'any-other-name'),
          why: 'any execution of our machines',
        },
      ],
      denied: [
        ...foreign('states:StopExecution', 'stop'),
        { action: 'states:StartExecution', resource: arn.machine(n.machine), why: "starting is the start roles'" },
        { action: 'states:DescribeExecution', resource: execution, why: "describing is the status function's" },
        { action: 'states:RedriveExecution', resource: execution, why: 'another action on the same execution' },
        ...common,
      ],
    });
    specs.set('/describe-execution/execution-role/role', {
      allowed: [
        ...everyExecution.map((e) => ({
          action: 'states:DescribeExecution',
          resource: e,
          why: 'POST /describe-execution, any job',
        })),
        ...everyExecution.map((e) => ({
          action: 'states:GetExecutionHistory',
          resource: e,
          why: "a RUNNING execution's progress, any job",
        })),
        ...lambdaBasics(n.statusLogs),
      ],
      denied: [
        ...foreign('states:DescribeExecution', 'describe'),
        ...foreign('states:GetExecutionHistory', 'progress'),
        { action: 'states:ListExecutions', resource: arn.machine(n.machine), why: "listing is the list function's" },
        { action: 'states:RedriveExecution', resource: execution, why: 'the status function only reads' },
        { action: 'states:StopExecution', resource: execution, why: 'the status function only reads' },
        { action: 'states:StartExecution', resource: arn.machine(n.machine), why: 'the status function only reads' },
        ...allFunctions.map((f) => ({
          action: 'logs:PutLogEvents',
          resource: arn.logStream(f.logs, 's'),
          why: "a worker's log group",
        })),
        {
          action: 'logs:CreateLogGroup',
          resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${n.statusLogs}`,
          why: 'Terraform owns the log group',
        },
        ...allFunctions.map((f) => ({
          action: 'lambda:InvokeFunction',
          resource: arn.fn(f.name),
          why: 'another function',
        })),
        ...common,
      ],
    });
    // The other Lambda-backed routes: each its one Step Functions read or write, on this API's own
    // machines (ListExecutions) or their executions (the others), and its own log group.
    const otherLogs = (own: string): Expectation[] =>
      [n.statusLogs, ...Object.values(n.routeLogs), ...allFunctions.map((f) => f.logs)]
        .filter((group) => group !== own)
        .map((group) => ({
          action: 'logs:PutLogEvents',
          resource: arn.logStream(group, 's'),
          why: 'another log group',
        }));
    const writes: Expectation[] = [
      { action: 'states:StopExecution', resource: execution, why: "stopping is the stop role's" },
      { action: 'states:StartExecution', resource: arn.machine(n.machine), why: "starting is the start roles'" },
      ...allFunctions.map((f) => ({ action: 'lambda:InvokeFunction', resource: arn.fn(f.name), why: 'a worker' })),
    ];
    specs.set('/list-executions/execution-role/role', {
      allowed: [
        ...jobs.map((j) => ({
          action: 'states:ListExecutions',
          resource: arn.machine(j.machine),
          why: `POST /list-executions, ${j.name}`,
        })),
        ...lambdaBasics(n.routeLogs['list-executions']),
      ],
      denied: [
        { action: 'states:ListExecutions', resource: arn.machine(otherMachine), why: 'another state machine' },
        ...jobs.map((j) => ({
          action: 'states:ListExecutions',
          resource: arn.machine(`${j.machine}-v2`),
          why: `a machine named with ${j.name}'s as prefix`,
        })),
        {
          action: 'states:ListExecutions',
          resource: `arn:aws:states:${REGION}:${OTHER_ACCOUNT}:stateMachine:${n.machine}`,
          why: 'the same name in another account',
        },
        { action: 'states:ListStateMachines', resource: '*', why: 'the jobs come from configuration' },
        { action: 'states:DescribeExecution', resource: execution, why: 'a list item is all it returns' },
        { action: 'states:GetExecutionHistory', resource: execution, why: "history is the history function's" },
        ...writes,
        ...otherLogs(n.routeLogs['list-executions']),
        ...common,
      ],
    });
    specs.set('/get-execution-history/execution-role/role', {
      allowed: [
        ...everyExecution.map((e) => ({
          action: 'states:GetExecutionHistory',
          resource: e,
          why: 'POST /get-execution-history, any job',
        })),
        ...lambdaBasics(n.routeLogs['get-execution-history']),
      ],
      denied: [
        ...foreign('states:GetExecutionHistory', 'history'),
        { action: 'states:DescribeExecution', resource: execution, why: "describing is the status function's" },
        { action: 'states:ListExecutions', resource: arn.machine(n.machine), why: "listing is the list function's" },
        { action: 'states:RedriveExecution', resource: execution, why: 'the history function only reads' },
        ...writes,
        ...otherLogs(n.routeLogs['get-execution-history']),
        ...common,
      ],
    });
    specs.set('/redrive-execution/execution-role/role', {
      allowed: [
        ...everyExecution.flatMap((e) => [
          { action: 'states:RedriveExecution', resource: e, why: 'POST /redrive-execution, any job' },
          { action: 'states:DescribeExecution', resource: e, why: 'status and stop date before redriving' },
        ]),
        ...lambdaBasics(n.routeLogs['redrive-execution']),
      ],
      denied: [
        ...foreign('states:RedriveExecution', 'redrive'),
        ...foreign('states:DescribeExecution', 'describe before redrive'),
        { action: 'states:GetExecutionHistory', resource: execution, why: "history is the history function's" },
        { action: 'states:ListExecutions', resource: arn.machine(n.machine), why: "listing is the list function's" },
        ...writes,
        ...otherLogs(n.routeLogs['redrive-execution']),
        ...common,
      ],
    });

    // The webhook start function: starts any job's machine, and nothing else.
    const webhookStartLogs = String(
      byPath(app.resources, 'aws_cloudwatch_log_group', '/webhook-start/function/logs').config['name'],
    );
    specs.set('/webhook-start/function/execution-role/role', {
      allowed: [
        ...jobs.map((j) => ({
          action: 'states:StartExecution',
          resource: arn.machine(j.machine),
          why: `POST /${j.name}/start-execution-with-webhook`,
        })),
        ...lambdaBasics(webhookStartLogs),
      ],
      denied: [
        { action: 'states:StartExecution', resource: arn.machine(otherMachine), why: 'another state machine' },
        ...jobs.map((j) => ({
          action: 'states:StartExecution',
          resource: arn.machine(`${j.machine}-v2`),
          why: `a machine named with ${j.name}'s as prefix`,
        })),
        { action: 'states:StopExecution', resource: execution, why: "stopping is the stop role's" },
        { action: 'states:DescribeExecution', resource: execution, why: "describing is the status function's" },
        ...allFunctions.map((f) => ({ action: 'lambda:InvokeFunction', resource: arn.fn(f.name), why: 'a worker' })),
        ...common,
      ],
    });

    // The webhook sender: its own secret and its own dead-letter queue, nothing of the jobs.
    const senderFn = byPath(app.resources, 'aws_lambda_function', '/notifications/sender/function').config as {
      environment: { variables: Record<string, string> }[] | { variables: Record<string, string> };
      dead_letter_config: { target_arn: string }[] | { target_arn: string };
    };
    const first = <T>(v: T[] | T): T => (Array.isArray(v) ? v[0]! : v);
    const sender = {
      logs: String(byPath(app.resources, 'aws_cloudwatch_log_group', '/notifications/sender/logs').config['name']),
      secret: first(senderFn.environment).variables['SIGNING_SECRET_ARN']!,
      queue: first(senderFn.dead_letter_config).target_arn,
    };
    specs.set('/notifications/sender/execution-role/role', {
      allowed: [
        { action: 'secretsmanager:GetSecretValue', resource: sender.secret, why: 'signs with the secret' },
        { action: 'sqs:SendMessage', resource: sender.queue, why: 'dead-letters what it could not deliver' },
        ...lambdaBasics(sender.logs),
      ],
      denied: [
        {
          action: 'secretsmanager:GetSecretValue',
          resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:another-app-secret-AbCdEf`,
          why: "another application's secret",
        },
        { action: 'secretsmanager:PutSecretValue', resource: sender.secret, why: 'it only reads the secret' },
        {
          action: 'sqs:SendMessage',
          resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:another-queue`,
          why: 'another queue',
        },
        { action: 'sqs:ReceiveMessage', resource: sender.queue, why: 'it only writes dead letters' },
        { action: 'states:DescribeExecution', resource: execution, why: 'the event carries what it sends' },
        ...allFunctions.map((f) => ({ action: 'lambda:InvokeFunction', resource: arn.fn(f.name), why: 'a worker' })),
        ...common,
      ],
    });

    // The scheduler role (issue 26): starts the launcher and dead-letters, nothing else; the launcher's
    // role starts the scheduled jobs' executions, nothing else.
    const scheduleQueue = `arn:aws:sqs:${REGION}:${ACCOUNT}:${String(byPath(app.resources, 'aws_sqs_queue', '/job-schedules/dead-letters').config['name'])}`;
    const launcher = String(
      byPath(app.resources, 'aws_sfn_state_machine', '/job-schedules/launcher/state-machine').config['name'],
    );
    const scheduled = jobs.filter((j) => (JOBS.find((job) => job.name === j.name)!.schedules ?? []).length > 0);
    const unscheduled = jobs.filter((j) => !scheduled.includes(j));
    const noLambda = (why: string): Expectation[] =>
      allFunctions.map((f) => ({ action: 'lambda:InvokeFunction', resource: arn.fn(f.name), why }));
    specs.set('/job-schedules/role/role', {
      allowed: [
        { action: 'states:StartExecution', resource: arn.machine(launcher), why: 'Scheduler starts the launcher' },
        { action: 'sqs:SendMessage', resource: scheduleQueue, why: 'dead-letters a start it could not deliver' },
      ],
      denied: [
        ...jobs.map((j) => ({
          action: 'states:StartExecution',
          resource: arn.machine(j.machine),
          why: `the launcher starts ${j.name}, not Scheduler`,
        })),
        {
          action: 'states:StartExecution',
          resource: arn.machine(`${launcher}-v2`),
          why: 'a machine named with its as prefix',
        },
        { action: 'states:StartExecution', resource: arn.machine(otherMachine), why: 'another machine of the stage' },
        {
          action: 'sqs:SendMessage',
          resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:${STAGE_PREFIX}-webhook-dead-letters`,
          why: "the webhooks' queue",
        },
        { action: 'sqs:ReceiveMessage', resource: scheduleQueue, why: 'it only writes dead letters' },
        ...noLambda('no Lambda in between'),
        ...common,
      ],
    });
    specs.set('/job-schedules/launcher/role/role', {
      allowed: scheduled.map((j) => ({
        action: 'states:StartExecution',
        resource: arn.machine(j.machine),
        why: `${j.name} has a schedule`,
      })),
      denied: [
        ...unscheduled.map((j) => ({
          action: 'states:StartExecution',
          resource: arn.machine(j.machine),
          why: `${j.name} has no schedule`,
        })),
        ...scheduled.map((j) => ({
          action: 'states:StartExecution',
          resource: arn.machine(`${j.machine}-v2`),
          why: 'a machine named with its as prefix',
        })),
        { action: 'states:StartExecution', resource: arn.machine(launcher), why: 'it never starts itself' },
        { action: 'states:StartExecution', resource: arn.machine(otherMachine), why: 'another machine of the stage' },
        { action: 'states:StopExecution', resource: execution, why: 'a launcher only starts' },
        { action: 'sqs:SendMessage', resource: scheduleQueue, why: "Scheduler's dead letters are not its" },
        ...noLambda('it invokes no function'),
        ...common,
      ],
    });

    const deployRole = roles.find((x) => x.path.endsWith('/deploy-role/role'))!;
    const planRole = roles.find((x) => x.path.endsWith('/plan-role/role'))!;
    const ciCommon: Expectation[] = [
      { action: 'iam:PutRolePolicy', resource: deployRole.arn, why: 'a CI role must not widen its own access' },
      { action: 'iam:UpdateAssumeRolePolicy', resource: planRole.arn, why: 'nor change who may assume a CI role' },
      {
        action: 'iam:DeleteOpenIDConnectProvider',
        resource: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
        why: 'the ci-access stack is applied by a person',
      },
      {
        action: 's3:PutObject',
        resource: arn.object(n.bucket, n.ciStateKey),
        why: "nor rewrite the ci-access stack's state",
      },
      { action: 's3:GetObject', resource: arn.object('another-bucket', n.stateKey), why: 'another bucket' },
      {
        action: 'lambda:UpdateFunctionCode',
        resource: arn.fn('other-app-worker'),
        why: 'a function of another application',
      },
    ];
    specs.set('/plan-role/role', {
      allowed: [
        { action: 's3:ListBucket', resource: arn.bucket(n.bucket), why: 'reading state needs the listing' },
        {
          action: 's3:GetObject',
          resource: arn.object(n.bucket, n.stateKey),
          why: 'plan reads the application state',
        },
        { action: 'lambda:GetFunction', resource: arn.fn(n.worker), why: 'refresh reads the functions' },
        { action: 'states:DescribeStateMachine', resource: arn.machine(n.machine), why: 'refresh reads the machine' },
      ],
      denied: [
        { action: 's3:PutObject', resource: arn.object(n.bucket, n.stateKey), why: 'plan never writes state' },
        {
          action: 's3:PutObject',
          resource: arn.object(n.bucket, `${n.stateKey}.tflock`),
          why: 'plan runs with -lock=false: a pull request can never take the lock',
        },
        {
          action: 's3:DeleteObject',
          resource: arn.object(n.bucket, `${n.stateKey}.tflock`),
          why: "nor break a running deploy's lock",
        },
        { action: 'lambda:UpdateFunctionCode', resource: arn.fn(n.worker), why: 'plan never changes resources' },
        {
          action: 'states:UpdateStateMachine',
          resource: arn.machine(n.machine),
          why: 'plan never changes resources',
        },
        {
          action: 'iam:PassRole',
          resource: arn.role(n.worker),
          context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
          why: 'plan passes no role',
        },
        ...ciCommon,
      ],
    });
    specs.set('/deploy-role/role', {
      allowed: [
        {
          action: 's3:PutObject',
          resource: arn.object(n.bucket, n.stateKey),
          why: 'apply writes the application state',
        },
        { action: 'lambda:UpdateFunctionCode', resource: arn.fn(n.worker), why: 'apply deploys code' },
        { action: 'states:UpdateStateMachine', resource: arn.machine(n.machine), why: 'apply updates the machine' },
        {
          action: 'iam:PassRole',
          resource: arn.role(n.worker),
          context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
          why: 'creating a function passes its role',
        },
      ],
      denied: [
        {
          action: 'iam:PassRole',
          resource: arn.role(n.worker),
          context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
          why: 'passing an application role to another service',
        },
        {
          action: 'iam:PassRole',
          resource: deployRole.arn,
          context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
          why: 'passing a CI role',
        },
        {
          action: 's3:DeleteObject',
          resource: arn.object(n.bucket, n.stateKey),
          why: 'deleting the state (versions keep it, but still)',
        },
        ...ciCommon,
      ],
    });
  });

  it('finds a specification for every role of the app (a new role must be added here)', () => {
    // Assess
    const unspecified = roles
      .filter((r) => ![...specs.keys()].some((suffix) => r.path.endsWith(suffix)))
      .map((r) => r.path);
    expect(unspecified).toEqual([]);
  });

  it('gives every role a unique name (IAM role names are unique per account)', () => {
    // Assess
    const byName = new Map<string, string[]>();
    for (const r of roles) byName.set(r.name, [...(byName.get(r.name) ?? []), r.path]);
    expect([...byName].filter(([, paths]) => paths.length > 1)).toEqual([]);
  });

  it('grants every role its permissions in policies the simulation can read', () => {
    // Assess: no role has a managed policy the app does not define (an AWS-managed one, say)
    expect(roles.filter((r) => r.managedPolicyArns.length > 0 || r.policies.length === 0).map((r) => r.path)).toEqual(
      [],
    );
    // The deploy role's managed policies are read (named by their ARN), so the check above saw some.
    expect(roles.some((r) => r.policies.some((p) => p.name.startsWith('arn:')))).toBe(true);
  });

  it('refuses to judge a role by only some of its policies', () => {
    // Prepare: a role with an attached managed policy whose document the app does not hold.
    const withForeignPolicy: RoleUnderTest = {
      ...roles[0]!,
      managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    };

    // Act, Assess
    expect(() => mayPerform(withForeignPolicy, 's3:GetObject', arn.object(names.bucket, names.stateKey))).toThrow(
      /managed policies arn:aws:iam::aws:policy\/ReadOnlyAccess are not policies of the app/,
    );
  });

  it('puts every application role, and no CI role, under a boundary whose document the simulation reads', () => {
    // Prepare: the ci-access policies that are no role's own (the deploy role's are attached to it;
    // rolesOf names a managed policy the app defines by its ARN).
    const attached = new Set(roles.flatMap((r) => r.policies.map((p) => p.name)));
    const boundaryPolicies = app.resources.filter(
      (r) => r.type === 'aws_iam_policy' && r.stack === app.ciAccessStackId && !attached.has(managedPolicyArn(r)),
    );
    const ci = (r: RoleUnderTest) => r.address.startsWith(`${app.ciAccessStackId}:`);

    // Assess
    expect(boundaryPolicies.map((p) => managedPolicyArn(p))).toEqual([BOUNDARY_ARN]);
    expect(
      roles
        .filter((r) => !ci(r))
        .map((r) => [r.path, r.permissionsBoundary?.arn, r.permissionsBoundary?.policy !== undefined]),
    ).toEqual(roles.filter((r) => !ci(r)).map((r) => [r.path, BOUNDARY_ARN, true]));
    expect(
      roles
        .filter(ci)
        .filter((r) => r.permissionsBoundary)
        .map((r) => r.path),
    ).toEqual([]);
  });

  describe.each([
    ...JOB_ROLE_SUFFIXES.map((suffix) => [suffix]),
    ['/stop-execution/credentials/role'],
    ['/describe-execution/execution-role/role'],
    ...ROUTE_ROLE_SUFFIXES.map((suffix) => [suffix]),
    ['/notifications/sender/execution-role/role'],
    ['/webhook-start/function/execution-role/role'],
    ['/job-schedules/role/role'],
    ['/job-schedules/launcher/role/role'],
    ['/plan-role/role'],
    ['/deploy-role/role'],
  ])('role at *%s', (suffix) => {
    // Under the boundary, as CI deploys it; and without, as a deploy by hand does (where a denial
    // must come from the role's own policy, not from the boundary).
    describe.each([
      ['as deployed by CI', (r: RoleUnderTest) => r],
      ['without the boundary', withoutBoundary],
    ])('%s', (_mode, configure) => {
      it('is allowed exactly what it needs', async () => {
        // Prepare
        const spec = specs.get(suffix)!;

        // Act
        const got = await decisions(configure(role(suffix)), spec.allowed);

        // Assess
        expect(got).toEqual(allowedAll(spec.allowed));
      });

      it('is denied its neighbours', async () => {
        // Prepare
        const spec = specs.get(suffix)!;

        // Act
        const got = await decisions(configure(role(suffix)), spec.denied);

        // Assess
        expect(got).toHaveLength(spec.denied.length);
        expect(notAllowed(got)).toEqual([]);
      });
    });
  });

  describe('the permissions boundary closes privilege escalation through the deploy role', () => {
    const target = arn.role(`${STAGE_PREFIX}-x`);
    const withBoundary = (policyArn: string = BOUNDARY_ARN) => ({ 'iam:PermissionsBoundary': policyArn });

    it('the deploy role creates and changes application roles only with the boundary', async () => {
      // Prepare
      const deploy = role('/deploy-role/role');

      // Act
      const decided = {
        createWithTheBoundary: await mayPerform(deploy, 'iam:CreateRole', target, withBoundary()),
        createWithoutABoundary: await mayPerform(deploy, 'iam:CreateRole', target),
        createWithAnotherBoundary: await mayPerform(
          deploy,
          'iam:CreateRole',
          target,
          withBoundary(`arn:aws:iam::${ACCOUNT}:policy/wide-open`),
        ),
        createWithAdministratorAccessAsBoundary: await mayPerform(
          deploy,
          'iam:CreateRole',
          target,
          withBoundary('arn:aws:iam::aws:policy/AdministratorAccess'),
        ),
        putPolicyOnABoundedRole: await mayPerform(deploy, 'iam:PutRolePolicy', target, withBoundary()),
        putPolicyOnAnUnboundedRole: await mayPerform(deploy, 'iam:PutRolePolicy', target),
        retrustAnUnboundedRole: await mayPerform(deploy, 'iam:UpdateAssumeRolePolicy', target),
        swapTheBoundary: await mayPerform(
          deploy,
          'iam:PutRolePermissionsBoundary',
          target,
          withBoundary(`arn:aws:iam::${ACCOUNT}:policy/wide-open`),
        ),
        removeTheBoundary: await mayPerform(deploy, 'iam:DeleteRolePermissionsBoundary', target, withBoundary()),
      };

      // Assess
      expect(decided).toEqual({
        createWithTheBoundary: 'Allowed',
        createWithoutABoundary: 'ImplicitlyDenied',
        createWithAnotherBoundary: 'ImplicitlyDenied',
        createWithAdministratorAccessAsBoundary: 'ImplicitlyDenied',
        putPolicyOnABoundedRole: 'Allowed',
        putPolicyOnAnUnboundedRole: 'ImplicitlyDenied',
        retrustAnUnboundedRole: 'ImplicitlyDenied',
        swapTheBoundary: 'ImplicitlyDenied',
        removeTheBoundary: 'ExplicitlyDenied',
      });
    });

    it.each([
      ['iam:CreatePolicyVersion'],
      ['iam:SetDefaultPolicyVersion'],
      ['iam:DeletePolicyVersion'],
      ['iam:DeletePolicy'],
    ])('the deploy role can never %s on the boundary policy', async (action) => {
      expect(await mayPerform(role('/deploy-role/role'), action, BOUNDARY_ARN)).toBe('ExplicitlyDenied');
    });

    it('a role it could create with an administrator policy is still held to what the application needs', async () => {
      // Prepare: what merged code could ask the deploy role for: a role named like ours, allowed everything.
      const boundary = role(FUNCTION_ROLE_SUFFIXES[0]!).permissionsBoundary!;
      const admin: RoleUnderTest = {
        address: 'hypothetical',
        path: 'hypothetical/role',
        name: `${STAGE_PREFIX}-x`,
        arn: target,
        trustPolicy: {},
        policies: [
          {
            name: 'admin',
            policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
          },
        ],
        managedPolicyArns: [],
        permissionsBoundary: boundary,
      };
      const requests: [string, string][] = [
        ['iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/mallory`],
        ['s3:GetObject', arn.object(names.bucket, names.stateKey)],
        ['iam:PutRolePolicy', target],
        ['lambda:UpdateFunctionCode', arn.fn(names.worker)],
        ['lambda:InvokeFunction', arn.fn('billing-nightly')],
        ['states:StartExecution', arn.machine('billing-nightly')],
      ];

      // Act
      const bounded = await Promise.all(
        requests.map(async ([action, resource]) => `${action}: ${await mayPerform(admin, action, resource)}`),
      );
      const unbounded = await Promise.all(
        requests.map(
          async ([action, resource]) => `${action}: ${await mayPerform(withoutBoundary(admin), action, resource)}`,
        ),
      );
      const ownWork = await mayPerform(admin, 'lambda:InvokeFunction', arn.fn(names.worker));

      // Assess: the boundary, not the role's policy, is what refuses; and it is not a blanket deny.
      expect(bounded).toEqual(requests.map(([action]) => `${action}: ImplicitlyDenied`));
      expect(unbounded).toEqual(requests.map(([action]) => `${action}: Allowed`));
      expect(ownWork).toBe('Allowed');
    });
  });

  describe('trust policies', () => {
    const assume = async (suffix: string, principal: string, context: Record<string, string> = {}): Promise<Decision> =>
      mayAssume(role(suffix), principal, context);
    const here = { 'aws:SourceAccount': ACCOUNT };
    const elsewhere = { 'aws:SourceAccount': OTHER_ACCOUNT };
    const mallory = `arn:aws:iam::${ACCOUNT}:user/mallory`;

    it.each([...JOBS.map((job) => [`/${job.name}-state-machine/role/role`]), ['/job-schedules/launcher/role/role']])(
      'role at *%s: only Step Functions, on behalf of this account, may assume it',
      async (suffix) => {
        // Act
        const decided = {
          service: await assume(suffix, 'states.amazonaws.com', here),
          otherAccount: await assume(suffix, 'states.amazonaws.com', elsewhere),
          otherService: await assume(suffix, 'lambda.amazonaws.com', here),
          userOfThisAccount: await assume(suffix, mallory),
        };

        // Assess
        expect(decided).toEqual({
          service: 'Allowed',
          otherAccount: 'ImplicitlyDenied',
          otherService: 'ImplicitlyDenied',
          userOfThisAccount: 'ImplicitlyDenied',
        });
      },
    );

    it.each([
      ...JOBS.map((job) => [`/${job.name}-start-execution/credentials/role`]),
      ['/stop-execution/credentials/role'],
    ])(
      'role at *%s: API Gateway may assume it with the context it really sends (no aws:SourceAccount), nobody else may',
      async (suffix) => {
        // Prepare: what API Gateway sends when it assumes an integration's credentials role (nothing).
        const apiGatewayContext = assumeRoleContext('apigateway.amazonaws.com', ACCOUNT);

        // Act
        const decided = {
          apigateway: await assume(suffix, 'apigateway.amazonaws.com', apiGatewayContext),
          otherService: await assume(suffix, 'states.amazonaws.com', here),
          userOfThisAccount: await assume(suffix, mallory),
        };

        // Assess
        expect(apiGatewayContext).toEqual({});
        expect(decided).toEqual({
          apigateway: 'Allowed',
          otherService: 'ImplicitlyDenied',
          userOfThisAccount: 'ImplicitlyDenied',
        });
      },
    );

    it.each([
      ['/describe-execution/execution-role/role'],
      ...ROUTE_ROLE_SUFFIXES.map((suffix) => [suffix]),
      ...FUNCTION_ROLE_SUFFIXES.map((suffix) => [suffix]),
      ['/notifications/sender/execution-role/role'],
      ['/webhook-start/function/execution-role/role'],
    ])('role at *%s: only Lambda may assume it', async (suffix) => {
      // Act
      const decided = {
        lambda: await assume(suffix, 'lambda.amazonaws.com'),
        states: await assume(suffix, 'states.amazonaws.com'),
        apigateway: await assume(suffix, 'apigateway.amazonaws.com'),
        userOfThisAccount: await assume(suffix, mallory),
      };

      // Assess
      expect(decided).toEqual({
        lambda: 'Allowed',
        states: 'ImplicitlyDenied',
        apigateway: 'ImplicitlyDenied',
        userOfThisAccount: 'ImplicitlyDenied',
      });
    });

    it("the scheduler role: only EventBridge Scheduler, for this account's schedule group, may assume it", async () => {
      // Prepare: the context Scheduler sends (the group's ARN as aws:SourceArn, docs/aws-behaviour.md
      // §12.3), and its neighbours: another group, a schedule in our group, the group in another account.
      const suffix = '/job-schedules/role/role';
      const groupName = String(
        byPath(app.resources, 'aws_scheduler_schedule_group', '/job-schedules/group').config['name'],
      );
      const groupArn = (account: string, name: string) =>
        `arn:aws:scheduler:${REGION}:${account}:schedule-group/${name}`;
      const sent = (account: string, sourceArn: string) =>
        assumeRoleContext('scheduler.amazonaws.com', account, sourceArn);
      const ours = groupArn(ACCOUNT, groupName);
      const bySchedulerWith = (context: Record<string, string>) => assume(suffix, 'scheduler.amazonaws.com', context);

      // Act
      const decided = {
        scheduler: await bySchedulerWith(sent(ACCOUNT, ours)),
        otherGroup: await bySchedulerWith(sent(ACCOUNT, groupArn(ACCOUNT, `${groupName}-x`))),
        groupNamePrefix: await bySchedulerWith(sent(ACCOUNT, groupArn(ACCOUNT, groupName.slice(0, -1)))),
        aScheduleInTheGroup: await bySchedulerWith(
          sent(ACCOUNT, `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${groupName}/any`),
        ),
        otherAccountsGroup: await bySchedulerWith(sent(OTHER_ACCOUNT, groupArn(OTHER_ACCOUNT, groupName))),
        otherAccountOurGroup: await bySchedulerWith({ ...sent(ACCOUNT, ours), ...elsewhere }),
        noSourceArn: await bySchedulerWith(here),
        events: await assume(suffix, 'events.amazonaws.com', sent(ACCOUNT, ours)),
        userOfThisAccount: await assume(suffix, mallory),
      };

      // Assess
      expect(decided).toEqual({
        scheduler: 'Allowed',
        otherGroup: 'ImplicitlyDenied',
        groupNamePrefix: 'ImplicitlyDenied',
        aScheduleInTheGroup: 'ImplicitlyDenied',
        otherAccountsGroup: 'ImplicitlyDenied',
        otherAccountOurGroup: 'ImplicitlyDenied',
        noSourceArn: 'ImplicitlyDenied',
        events: 'ImplicitlyDenied',
        userOfThisAccount: 'ImplicitlyDenied',
      });
    });

    it('CI roles: only GitHub jobs of the one repository, in the expected context, may assume them', async () => {
      // Prepare
      const repo = SCAN_ENV.GITHUB_REPOSITORY;
      const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
      const token = (sub: string, aud = 'sts.amazonaws.com', provider = providerArn) => ({
        providerArn: provider,
        sub,
        aud,
      });
      const plan = role('/plan-role/role');
      const deploy = role('/deploy-role/role');

      // Act
      const decided = {
        planFromPullRequest: await mayAssumeWithWebIdentity(plan, token(`repo:${repo}:pull_request`)),
        planFromAnotherRepository: await mayAssumeWithWebIdentity(plan, token('repo:evil-org/async-api:pull_request')),
        planFromARepositoryWithOurNameAsPrefix: await mayAssumeWithWebIdentity(
          plan,
          token(`repo:${repo}-fork:pull_request`),
        ),
        planFromAPush: await mayAssumeWithWebIdentity(plan, token(`repo:${repo}:ref:refs/heads/main`)),
        planWithAnotherAudience: await mayAssumeWithWebIdentity(
          plan,
          token(`repo:${repo}:pull_request`, 'https://github.com/example-org'),
        ),
        planFromAnotherProvider: await mayAssumeWithWebIdentity(
          plan,
          token(`repo:${repo}:pull_request`, 'sts.amazonaws.com', `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`),
        ),
        deployFromTheEnvironment: await mayAssumeWithWebIdentity(deploy, token(`repo:${repo}:environment:production`)),
        deployFromAPullRequest: await mayAssumeWithWebIdentity(deploy, token(`repo:${repo}:pull_request`)),
        deployFromAnotherEnvironment: await mayAssumeWithWebIdentity(deploy, token(`repo:${repo}:environment:staging`)),
        deployFromAnotherRepository: await mayAssumeWithWebIdentity(
          deploy,
          token('repo:evil-org/async-api:environment:production'),
        ),
        deployByAUserOfThisAccount: await mayAssume(deploy, mallory),
      };

      // Assess
      expect(decided).toEqual({
        planFromPullRequest: 'Allowed',
        planFromAnotherRepository: 'ImplicitlyDenied',
        planFromARepositoryWithOurNameAsPrefix: 'ImplicitlyDenied',
        planFromAPush: 'ImplicitlyDenied',
        planWithAnotherAudience: 'ImplicitlyDenied',
        planFromAnotherProvider: 'ImplicitlyDenied',
        deployFromTheEnvironment: 'Allowed',
        deployFromAPullRequest: 'ImplicitlyDenied',
        deployFromAnotherEnvironment: 'ImplicitlyDenied',
        deployFromAnotherRepository: 'ImplicitlyDenied',
        deployByAUserOfThisAccount: 'ImplicitlyDenied',
      });
    });
  });

  describe('resource policies', () => {
    it('the state bucket refuses every request made without TLS, even from an administrator', async () => {
      // Prepare
      const policy = JSON.parse(
        String(
          app.resources.find((r) => r.type === 'aws_s3_bucket_policy' && r.stack === 'state-bucket')!.config['policy'],
        ),
      );
      const admin = `arn:aws:iam::${ACCOUNT}:role/administrator`;
      const object = arn.object(names.bucket, names.stateKey);

      // Act
      const decided = {
        getWithoutTls: await resourcePolicyAllows(policy, admin, 's3:GetObject', object, {
          'aws:SecureTransport': 'false',
        }),
        putWithoutTls: await resourcePolicyAllows(policy, admin, 's3:PutObject', object, {
          'aws:SecureTransport': 'false',
        }),
        listWithoutTls: await resourcePolicyAllows(policy, admin, 's3:ListBucket', arn.bucket(names.bucket), {
          'aws:SecureTransport': 'false',
        }),
        getWithTls: await resourcePolicyAllows(policy, admin, 's3:GetObject', object, {
          'aws:SecureTransport': 'true',
        }),
      };

      // Assess
      expect(decided).toEqual({
        getWithoutTls: 'ExplicitlyDenied',
        putWithoutTls: 'ExplicitlyDenied',
        listWithoutTls: 'ExplicitlyDenied',
        getWithTls: 'Allowed',
      });
    });

    it.each<[string]>([['describe-execution'], ...ROUTE_FUNCTIONS.map((id): [string] => [id])])(
      "API Gateway may invoke the %s function from this API's own route of that name only",
      async (id) => {
        // Prepare: the function's resource policy, as Lambda builds it from aws_lambda_permission.
        const permission = app.resources.find((r) => r.type === 'aws_lambda_permission' && r.path.includes(`/${id}`))!;
        const api = app.resources.find((r) => r.type === 'aws_apigatewayv2_api')!;
        const stack = app.stacks.find((s) => s.id === api.stack)!;
        const apiExecutionArn = resolveTemplate(stack, `\${aws_apigatewayv2_api.${api.name}.execution_arn}`);
        const functionName = String(
          byPath(app.resources, 'aws_lambda_function', `/${id}/function`).config['function_name'],
        );
        const functionArn = arn.fn(functionName);
        const policy = {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: permission.config['statement_id'],
              Effect: 'Allow',
              Principal: { Service: permission.config['principal'] },
              Action: permission.config['action'],
              Resource: functionArn,
              Condition: { ArnLike: { 'AWS:SourceArn': permission.config['source_arn'] } },
            },
          ],
        };
        const invoke = (sourceArn: string) =>
          resourcePolicyAllows(policy, 'apigateway.amazonaws.com', 'lambda:InvokeFunction', functionArn, {
            'aws:SourceArn': sourceArn,
            'aws:SourceAccount': ACCOUNT,
          });
        const otherRoute = id === 'describe-execution' ? 'list-executions' : 'describe-execution';

        // Act
        const decided = {
          ownRoute: await invoke(`${apiExecutionArn}/$default/POST/${id}`),
          anotherRoute: await invoke(`${apiExecutionArn}/$default/POST/${otherRoute}`),
          startRoute: await invoke(`${apiExecutionArn}/$default/POST/start-execution`),
          anotherApi: await invoke(`arn:aws:execute-api:${REGION}:${ACCOUNT}:otherapi01/$default/POST/${id}`),
        };

        // Assess
        expect(permission.config['function_name']).toBe(functionName);
        expect(decided).toEqual({
          ownRoute: 'Allowed',
          anotherRoute: 'ImplicitlyDenied',
          startRoute: 'ImplicitlyDenied',
          anotherApi: 'ImplicitlyDenied',
        });
      },
    );
  });
});
