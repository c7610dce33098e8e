import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { Construct } from 'constructs';
import {
  apiResourceNames,
  aslValues,
  defaultJob,
  type JobDefinition,
  type JobFunction,
  jobResourceNames,
  validateJobs,
} from '../job';
import { jobStartRoute, type Naming, ROUTES, type RouteName } from '../naming';
import { partitionOf } from '../partition';
import type { ExtraSchedules } from '../schedules';
import { type ApiAuth, HttpApi } from './http-api';
import { LambdaIntegration } from './lambda-integration';
import { NodejsFunction } from './nodejs-function';
import type { PolicyStatement } from './service-role';
import { StateMachine, type StateMachineLogLevel } from './state-machine';
import { StepFunctionsIntegration } from './step-functions-integration';
import { WebhookRegistrationTable } from './webhook-registrations';
import { WebhookStart } from './webhook-start';

/** Entry of the status function (`POST /describe-execution`), part of every API. */
export const STATUS_FUNCTION_ENTRY = join(__dirname, '..', '..', 'lambda-src', 'describe-execution', 'index.ts');

export { jobStartRoute, ROUTES } from '../naming';

/** Entries of the other read and redrive routes' functions, one Lambda per route. */
export const ROUTE_FUNCTION_ENTRIES = {
  list: join(__dirname, '..', '..', 'lambda-src', 'list-executions', 'index.ts'),
  history: join(__dirname, '..', '..', 'lambda-src', 'get-execution-history', 'index.ts'),
  redrive: join(__dirname, '..', '..', 'lambda-src', 'redrive-execution', 'index.ts'),
} as const;

/** Props of {@link AsyncJobApi}. Nothing here is read from the environment: the app hands it down. */
export interface AsyncJobApiProps {
  /** Derives every resource name (`<project>-<stage>-<component>`). */
  readonly naming: Naming;
  /** The jobs; validated at synth (see `validateJobs`). */
  readonly jobs: readonly JobDefinition[];
  /** The provider's region, used in execution ARN patterns. */
  readonly region: string;
  /** Folder for Lambda bundles, outside the source tree. */
  readonly buildDir: string;
  /** How every route authorizes callers. */
  readonly auth: ApiAuth;
  /** `$default` stage throttling. */
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  /** Retention of every log group created here. */
  readonly logRetentionDays: number;
  /** Step Functions log level. Default `ERROR`. */
  readonly stateMachineLogLevel?: StateMachineLogLevel;
  /** Whether execution input/output is logged (may hold user data). Default `false`. */
  readonly logExecutionData?: boolean;
  /** Browser origins allowed by the HTTP API's CORS configuration. Default none (no CORS configuration). */
  readonly corsAllowedOrigins?: readonly string[];
  /** Schedules added to the registry's, by job name; checked with the jobs (`JobSchedules` creates them). */
  readonly extraSchedules?: ExtraSchedules;
}

/** One of the Lambda-backed routes beyond describe: its function and integration. */
export interface LambdaRoute {
  readonly function: NodejsFunction;
  readonly integration: LambdaIntegration;
}

/** What one job became. */
export interface JobResources {
  readonly definition: JobDefinition;
  readonly stateMachine: StateMachine;
  /** The job's functions, by function name. */
  readonly functions: Readonly<Record<string, NodejsFunction>>;
  /** `POST /<job>/start-execution`'s integration (its own credentials role). */
  readonly start: StepFunctionsIntegration;
  /** Full URL of the job's start route. */
  readonly startUrl: string;
}

/**
 * Any number of jobs behind one HTTP API. Per job: a STANDARD state machine from its ASL file with its
 * own role (which may invoke only that job's functions, plus the job's extra statements), log group and
 * X-Ray tracing; one Lambda per function with its role and log group; and `POST /<job>/start-execution`
 * with a credentials role that may start only that machine. Shared: `POST /start-execution` (the
 * default job), `POST /describe-execution` (a status Lambda that describes every job's executions and
 * refuses others) and `POST /stop-execution` (may stop every job's executions, nothing else).
 *
 * Every resource it creates is a public readonly property.
 */
export class AsyncJobApi extends Construct {
  readonly http: HttpApi;
  readonly status: NodejsFunction;
  readonly stop: StepFunctionsIntegration;
  readonly describe: LambdaIntegration;
  /** `POST /list-executions`, `POST /get-execution-history`, `POST /redrive-execution`. */
  readonly list: LambdaRoute;
  readonly history: LambdaRoute;
  readonly redrive: LambdaRoute;
  /** Every job's resources, by job name, in registry order. */
  readonly jobs: Readonly<Record<string, JobResources>>;
  /** `POST /<job>/start-execution-with-webhook` (a Lambda that checks the URL first). */
  readonly webhookStart: WebhookStart;
  /** Each webhook execution's URL, written at start and read by the sender (`WebhookNotifications`). */
  readonly webhookRegistrations: WebhookRegistrationTable;
  /** Name of the job behind `POST /start-execution`. */
  readonly defaultJobName: string;
  /** Full URLs of the shared routes. */
  readonly urls: {
    readonly start: string;
    readonly describe: string;
    readonly stop: string;
    readonly list: string;
    readonly history: string;
    readonly redrive: string;
  };

  constructor(scope: Construct, id: string, props: AsyncJobApiProps) {
    super(scope, id);
    const { naming } = props;
    validateJobs(props.jobs, naming, props.extraSchedules);
    const apiNames = apiResourceNames(naming);
    const account = new DataAwsCallerIdentity(this, 'account').accountId;
    // Known at synth from the region (unlike the aws_partition data source), so every ARN is complete in the plan.
    const partition = partitionOf(props.region);
    const executionArnPattern = (machineName: string) =>
      `arn:${partition}:states:${props.region}:${account}:execution:${machineName}:*`;

    this.http = new HttpApi(this, 'http-api', {
      apiName: apiNames.api,
      authorizerName: apiNames.authorizer,
      description: `Starts, describes and stops executions of: ${props.jobs.map((j) => j.name).join(', ')}.`,
      auth: props.auth,
      accessLogGroupName: apiNames.accessLogGroup,
      logRetentionDays: props.logRetentionDays,
      throttling: props.throttling,
      ...(props.corsAllowedOrigins ? { corsAllowedOrigins: props.corsAllowedOrigins } : {}),
    });
    const url = (route: RouteName) => `${this.http.api.apiEndpoint}${route.path}`;

    const jobs: Record<string, JobResources> = {};
    for (const job of props.jobs)
      jobs[job.name] = this.addJob(job, props, { account, partition, executionArnPattern, url });
    const patterns = props.jobs.map((job) => executionArnPattern(jobResourceNames(naming, job).stateMachine));
    this.jobs = jobs;
    this.defaultJobName = defaultJob(props.jobs).name;
    const main = jobs[this.defaultJobName]!;

    const machineByJob = Object.fromEntries(
      Object.entries(jobs).map(([name, j]) => [name, j.stateMachine.stateMachine.arn]),
    );
    const jobMachines = JSON.stringify(machineByJob);
    this.status = new NodejsFunction(this, 'describe-execution', {
      functionName: apiNames.statusFunction,
      description: "Describes an execution of one of this API's state machines for POST /describe-execution.",
      entry: STATUS_FUNCTION_ENTRY,
      buildDir: props.buildDir,
      // The same variable and format as every Lambda-backed route (lambda-src/shared/jobs-config.ts).
      environment: { JOB_STATE_MACHINES: jobMachines },
      // Below its integration's 10 s (with room for a cold start), so a slow call ends in the
      // handler's own 429/500 rather than the gateway's 503 (checked at synth: stacks/validation).
      timeoutSeconds: 8,
      // More memory means more CPU: the SDK's cold start is the latency callers feel.
      memorySizeMb: 256,
      logGroupName: naming.lambdaLogGroup(apiNames.statusFunction),
      logRetentionDays: props.logRetentionDays,
      statements: [
        { sid: 'DescribeOwnExecutions', actions: ['states:DescribeExecution'], resources: patterns },
        // Progress of a RUNNING execution: a bounded read of its newest history events.
        { sid: 'ReadOwnExecutionHistory', actions: ['states:GetExecutionHistory'], resources: patterns },
      ],
    });

    this.stop = new StepFunctionsIntegration(this, 'stop-execution', {
      apiId: this.http.api.id,
      subtype: 'StepFunctions-StopExecution',
      roleName: apiNames.stopRole,
      stateMachineArn: main.stateMachine.stateMachine.arn,
      executionArnPatterns: patterns,
      requestParameters: {
        ExecutionArn: '$request.body.executionArn',
        Error: '$request.body.error',
        Cause: '$request.body.cause',
      },
    });
    this.describe = new LambdaIntegration(this, 'describe-execution-integration', {
      apiId: this.http.api.id,
      apiExecutionArn: this.http.api.executionArn,
      functionName: this.status.function.functionName,
      functionInvokeArn: this.status.function.invokeArn,
      routePath: ROUTES.describe.path,
    });

    const machineArns = Object.values(machineByJob);
    const lambdaRoute = (
      key: 'list' | 'history' | 'redrive',
      functionName: string,
      description: string,
      statements: PolicyStatement[],
    ): LambdaRoute => {
      const fn = new NodejsFunction(this, ROUTES[key].path.slice(1), {
        functionName,
        description,
        entry: ROUTE_FUNCTION_ENTRIES[key],
        buildDir: props.buildDir,
        // A JSON object: the list route needs job names as well as ARNs, in registry order.
        environment: { JOB_STATE_MACHINES: jobMachines },
        // As the status function: below the integration's 10 s, so a slow call ends in our own 429/500.
        timeoutSeconds: 8,
        memorySizeMb: 256,
        logGroupName: naming.lambdaLogGroup(functionName),
        logRetentionDays: props.logRetentionDays,
        statements,
      });
      const integration = new LambdaIntegration(this, `${ROUTES[key].path.slice(1)}-integration`, {
        apiId: this.http.api.id,
        apiExecutionArn: this.http.api.executionArn,
        functionName: fn.function.functionName,
        functionInvokeArn: fn.function.invokeArn,
        routePath: ROUTES[key].path,
      });
      this.http.addRoute(`${key}-route`, ROUTES[key].key, integration.integration.id);
      return { function: fn, integration };
    };
    this.list = lambdaRoute('list', apiNames.listFunction, "Lists this API's executions for POST /list-executions.", [
      // ListExecutions is authorized on the state machine, not on executions.
      { sid: 'ListOwnExecutions', actions: ['states:ListExecutions'], resources: machineArns },
    ]);
    this.history = lambdaRoute(
      'history',
      apiNames.historyFunction,
      "Pages an execution's history for POST /get-execution-history.",
      [{ sid: 'ReadOwnExecutionHistory', actions: ['states:GetExecutionHistory'], resources: patterns }],
    );
    this.redrive = lambdaRoute(
      'redrive',
      apiNames.redriveFunction,
      'Redrives a failed, timed-out or aborted execution for POST /redrive-execution.',
      [
        // Describe first: the handler refuses what cannot be redriven before asking Step Functions to.
        {
          sid: 'RedriveOwnExecutions',
          actions: ['states:DescribeExecution', 'states:RedriveExecution'],
          resources: patterns,
        },
      ],
    );

    this.http.addRoute('start-route', ROUTES.start.key, main.start.integration.id);
    this.http.addRoute('describe-route', ROUTES.describe.key, this.describe.integration.id);
    this.http.addRoute('stop-route', ROUTES.stop.key, this.stop.integration.id);
    this.urls = {
      start: url(ROUTES.start),
      describe: url(ROUTES.describe),
      stop: url(ROUTES.stop),
      list: url(ROUTES.list),
      history: url(ROUTES.history),
      redrive: url(ROUTES.redrive),
    };

    this.webhookRegistrations = new WebhookRegistrationTable(this, 'webhook-registrations', {
      tableName: apiNames.webhookRegistrationsTable,
    });
    this.webhookStart = new WebhookStart(this, 'webhook-start', {
      http: this.http,
      registrations: this.webhookRegistrations,
      functionName: apiNames.webhookStartFunction,
      logGroupName: naming.lambdaLogGroup(apiNames.webhookStartFunction),
      machines: machineByJob,
      buildDir: props.buildDir,
      logRetentionDays: props.logRetentionDays,
    });
  }

  /** One job's functions, state machine and start route. */
  private addJob(
    job: JobDefinition,
    props: AsyncJobApiProps,
    shared: {
      account: string;
      partition: string;
      executionArnPattern: (machineName: string) => string;
      url: (route: RouteName) => string;
    },
  ): JobResources {
    const { naming } = props;
    const names = jobResourceNames(naming, job);
    const functions: Record<string, NodejsFunction> = {};
    for (const fn of job.functions) {
      const functionName = naming.name(fn.name);
      functions[fn.name] = new NodejsFunction(this, `${job.name}-${fn.name}`, {
        functionName,
        description: fn.description,
        entry: fn.entry,
        buildDir: props.buildDir,
        ...(fn.environment ? { environment: fn.environment } : {}),
        timeoutSeconds: fn.timeoutSeconds,
        memorySizeMb: fn.memorySizeMb,
        logGroupName: naming.lambdaLogGroup(functionName),
        logRetentionDays: props.logRetentionDays,
        ...(fn.statements ? { statements: fn.statements } : {}),
      });
    }
    const arnOf = (fn: JobFunction) => functions[fn.name]!.function.arn;
    const machine = new StateMachine(this, `${job.name}-state-machine`, {
      stateMachineName: names.stateMachine,
      roleName: names.stateMachineRole,
      definitionFile: job.definitionFile,
      partition: shared.partition,
      substitutions: aslValues(job, readFileSync(job.definitionFile, 'utf8'), arnOf),
      invokableFunctionArns: job.functions.map(arnOf),
      ...(job.statements ? { statements: job.statements } : {}),
      accountId: shared.account,
      logGroupName: names.stateMachineLogGroup,
      logRetentionDays: props.logRetentionDays,
      logLevel: props.stateMachineLogLevel ?? 'ERROR',
      includeExecutionData: props.logExecutionData ?? false,
    });
    const start = new StepFunctionsIntegration(this, `${job.name}-start-execution`, {
      apiId: this.http.api.id,
      subtype: 'StepFunctions-StartExecution',
      roleName: names.startRole,
      stateMachineArn: machine.stateMachine.arn,
      executionArnPatterns: [shared.executionArnPattern(names.stateMachine)],
      requestParameters: {
        StateMachineArn: machine.stateMachine.arn,
        Input: '$request.body.input',
        Name: '$request.body.name',
      },
    });
    const route = jobStartRoute(job.name);
    this.http.addRoute(`${job.name}-start-route`, route.key, start.integration.id);
    return { definition: job, stateMachine: machine, functions, start, startUrl: shared.url(route) };
  }
}
