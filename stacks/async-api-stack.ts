import { join } from 'node:path';
import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { AppConfig } from './config';
import { Naming } from './naming';
import { partitionOf } from './partition';
import { addS3Backend } from './s3-backend';
import { HttpApi } from './constructs/http-api';
import { LambdaIntegration } from './constructs/lambda-integration';
import { NodejsFunction } from './constructs/nodejs-function';
import { applyPermissionsBoundary } from './constructs/service-role';
import { StateMachine } from './constructs/state-machine';
import { StepFunctionsIntegration } from './constructs/step-functions-integration';

const ROOT = join(__dirname, '..');

/** Paths of the sources the stack packages; exported so tests and tools name the same files. */
export const SOURCES = {
  worker: join(ROOT, 'lambda-src', 'ramen-timer', 'index.ts'),
  status: join(ROOT, 'lambda-src', 'describe-execution', 'index.ts'),
  definition: join(ROOT, 'statemachine', 'ramen-timer.asl.json'),
} as const;

/** The HTTP API's routes; the local runtime and client use the same paths. */
export const ROUTES = {
  start: 'POST /start-execution',
  describe: 'POST /describe-execution',
  stop: 'POST /stop-execution',
} as const;

export interface AsyncApiStackProps {
  readonly config: AppConfig;
  /** Where Lambda bundles are written (outside the source tree). */
  readonly buildDir: string;
}

/**
 * The deployable product: an HTTP API whose routes start and stop executions of the ramen-timer
 * state machine through Step Functions service integrations, and a status Lambda that describes
 * them. The stack only wires constructs together; each AWS concern lives in its own construct.
 */
export class AsyncApiStack extends TerraformStack {
  readonly apiEndpoint: TerraformOutput;
  readonly stateMachineArn: TerraformOutput;

  constructor(scope: Construct, id: string, props: AsyncApiStackProps) {
    super(scope, id);
    const { config } = props;
    const naming = new Naming('async-api', config.stage);

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { ...naming.tags, 'managed-by': 'cdktf' } }],
    });
    addS3Backend(this, config.state);
    // Every role below gets it, including roles added later (the CI deploy role creates no role without it).
    if (config.rolePermissionsBoundaryArn) applyPermissionsBoundary(this, config.rolePermissionsBoundaryArn);

    const account = new DataAwsCallerIdentity(this, 'account').accountId;
    const partition = partitionOf(config.region);

    const worker = new NodejsFunction(this, 'ramen-timer', {
      functionName: naming.name('ramen-timer'),
      description: 'Ramen timer: waits the requested seconds, then says the ramen is boiled.',
      entry: SOURCES.worker,
      buildDir: props.buildDir,
      environment: { RAMEN_TIMER_SECONDS: String(config.ramenTimerSeconds) },
      timeoutSeconds: config.workerTimeoutSeconds,
      // The worker only waits; the smallest size is enough.
      memorySizeMb: 128,
      logGroupName: naming.lambdaLogGroup(naming.name('ramen-timer')),
      logRetentionDays: config.logRetentionDays,
    });

    const stateMachineName = naming.name('ramen-timer', 80);
    const executionArnPattern = `arn:${partition}:states:${config.region}:${account}:execution:${stateMachineName}:*`;
    const machine = new StateMachine(this, 'state-machine', {
      stateMachineName,
      // Not the machine's own name: the worker's role already has it.
      roleName: naming.name('ramen-timer-states'),
      definitionFile: SOURCES.definition,
      partition,
      substitutions: {
        RamenTimerFunctionArn: worker.function.arn,
        // Longer than the function's own timeout, so a slow worker fails with Lambda's timeout
        // error (which the Catch reports) rather than the task's.
        TaskTimeoutSeconds: config.workerTimeoutSeconds + 30,
        // ExecutionTimeoutSeconds is left to the construct: the worst case of every retry, from the ASL.
      },
      invokableFunctionArns: [worker.function.arn],
      accountId: account,
      logGroupName: naming.vendedLogGroup('ramen-timer-states'),
      logRetentionDays: config.logRetentionDays,
      logLevel: config.stateMachineLogLevel,
      includeExecutionData: config.logExecutionData,
    });

    const status = new NodejsFunction(this, 'describe-execution', {
      functionName: naming.name('describe-execution'),
      description: 'Describes an execution of the ramen-timer state machine for POST /describe-execution.',
      entry: SOURCES.status,
      buildDir: props.buildDir,
      environment: { STATE_MACHINE_ARN: machine.stateMachine.arn },
      // Below its integration's 10 s (with room for a cold start), so a slow call ends in the
      // handler's own 429/500 rather than the gateway's 503 (checked at synth: stacks/validation).
      timeoutSeconds: 8,
      // More memory means more CPU: the SDK's cold start is the latency callers feel.
      memorySizeMb: 256,
      logGroupName: naming.lambdaLogGroup(naming.name('describe-execution')),
      logRetentionDays: config.logRetentionDays,
      statements: [{ sid: 'DescribeOwnExecutions', actions: ['states:DescribeExecution'], resources: [executionArnPattern] }],
    });

    const http = new HttpApi(this, 'http-api', {
      apiName: naming.name('api'),
      description: 'Starts, describes and stops ramen-timer executions.',
      auth: config.apiAuth,
      accessLogGroupName: naming.vendedLogGroup('api-access'),
      logRetentionDays: config.logRetentionDays,
      throttling: config.throttling,
    });

    const start = new StepFunctionsIntegration(this, 'start-execution', {
      apiId: http.api.id,
      subtype: 'StepFunctions-StartExecution',
      roleName: naming.name('api-start-execution'),
      stateMachineArn: machine.stateMachine.arn,
      executionArnPattern,
      requestParameters: {
        StateMachineArn: machine.stateMachine.arn,
        Input: '$request.body.input',
        Name: '$request.body.name',
      },
    });
    const stop = new StepFunctionsIntegration(this, 'stop-execution', {
      apiId: http.api.id,
      subtype: 'StepFunctions-StopExecution',
      roleName: naming.name('api-stop-execution'),
      stateMachineArn: machine.stateMachine.arn,
      executionArnPattern,
      requestParameters: {
        ExecutionArn: '$request.body.executionArn',
        Error: '$request.body.error',
        Cause: '$request.body.cause',
      },
    });
    const describe = new LambdaIntegration(this, 'describe-execution-integration', {
      apiId: http.api.id,
      apiExecutionArn: http.api.executionArn,
      functionName: status.function.functionName,
      functionInvokeArn: status.function.invokeArn,
      routePath: ROUTES.describe.split(' ')[1]!,
    });

    http.addRoute('start-route', ROUTES.start, start.integration.id);
    http.addRoute('describe-route', ROUTES.describe, describe.integration.id);
    http.addRoute('stop-route', ROUTES.stop, stop.integration.id);

    const url = (route: string) => `${http.api.apiEndpoint}${route.split(' ')[1]}`;
    this.apiEndpoint = new TerraformOutput(this, 'api_endpoint', { value: http.api.apiEndpoint });
    new TerraformOutput(this, 'api_auth', { value: config.apiAuth.mode });
    new TerraformOutput(this, 'region', { value: config.region });
    new TerraformOutput(this, 'start_execution_url', { value: url(ROUTES.start) });
    new TerraformOutput(this, 'describe_execution_url', { value: url(ROUTES.describe) });
    new TerraformOutput(this, 'stop_execution_url', { value: url(ROUTES.stop) });
    this.stateMachineArn = new TerraformOutput(this, 'state_machine_arn', { value: machine.stateMachine.arn });
  }
}
