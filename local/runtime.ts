/**
 * Starts the local runtime programmatically: reads the synthesized stack, builds its model, and
 * serves the HTTP API and the Step Functions API on one loopback port, with the stack's Lambda
 * functions run by the local Lambda service and every service-to-service call checked by IAM.
 * `npm start` (local/index.ts) and the tests use this; tests pass `port: 0` and a temporary `dataDir`.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { WEBHOOK_TABLE_VAR } from '../lambda-src/shared/webhook-table';
import { HttpApiGateway } from './apigw/gateway';
import { CredentialStore } from './auth/credentials';
import { createDashboard, DASHBOARD_PATH, type Dashboard } from './dashboard/server';
import { LocalDynamoDb } from './events/registrations';
import { LocalSecretsManager, localSigningSecret, signingSecretPath } from './events/secrets';
import { deadLetterDir, WebhookDelivery } from './events/webhooks';
import { IamAuthorizer } from './iam/authorizer';
import { createLambdaService } from './lambda';
import type { LambdaService } from './lambda/types';
import { LocalAlarms } from './scheduler/alarms';
import { type ExecutionAlarmModel, readExecutionAlarms, readSchedules, type ScheduleModel } from './scheduler/read';
import { LocalScheduler, type SchedulerClock } from './scheduler/scheduler';
import { createRuntimeServer, type Handlers } from './server';
import { StepFunctionsApi } from './stepfunctions/api';
import { TaskTokens } from './stepfunctions/callbacks';
import { DefinitionRevisions } from './stepfunctions/definitions';
import { ExecutionEngine, type ExecutionHandle } from './stepfunctions/engine';
import { StatusChanges } from './stepfunctions/events';
import { DefinitionOperations } from './stepfunctions/operations';
import { StepFunctionsService } from './stepfunctions/service';
import { type ExecutionRecord, ExecutionStore } from './stepfunctions/store';
import type { TerraformJson } from './terraform/document';
import { buildStackModel, type StackModel, type StateMachineModel } from './terraform/model';
import { ResolutionError } from './terraform/resolver';
import { loadSynthesizedStack } from './terraform/stack';

/** The repository root (this file lives in `<root>/local`). */
export const REPO_ROOT = resolve(__dirname, '..');

/** Local stand-in for the AWS account id in every ARN. */
export const LOCAL_ACCOUNT_ID = '123456789012';

/** Options of {@link startRuntime}. */
export interface RuntimeOptions {
  /** cdktf output folder holding `manifest.json` (default `<repo>/cdktf.out`). */
  readonly outdir?: string;
  /** Stack to serve (default: the one with an HTTP API). */
  readonly stackId?: string;
  /** Serve this document instead of reading one (its assets are resolved against `stackDir`). */
  readonly stack?: { readonly doc: TerraformJson; readonly stackDir: string };
  /** Changes the parsed document before it is served (tests strip a permission this way). */
  readonly transform?: (doc: TerraformJson) => TerraformJson;
  /** Port on 127.0.0.1; 0 picks a free one. Default 3000. */
  readonly port?: number;
  /** Where executions, credentials and unpacked functions live (default `<repo>/.local`). */
  readonly dataDir?: string;
  /** Runtime messages (denials, integration failures, restarts). Default: stderr. */
  readonly log?: (line: string) => void;
  /** Access-log lines of the stage. Default: stdout. `false`: none, and no line is even rendered. */
  readonly accessLog?: ((line: string) => void) | false;
  /** Output of the functions. Default: stderr with the function name. */
  readonly functionLog?: (functionName: string, line: string) => void;
  /** Lambda's account concurrency (default 1000, Lambda's quota). */
  readonly accountConcurrency?: number;
  /**
   * Test-only: every `Retry` of the state machine waits this many milliseconds instead of the delay
   * the definition computes (IntervalSeconds, BackoffRate, MaxDelaySeconds, JitterStrategy), so
   * fault tests can run a retrier to exhaustion quickly. Which errors are retried and MaxAttempts
   * are unchanged. Default: the definition's delays.
   */
  readonly retryIntervalMs?: number;
  /** The clock schedules fire on (tests fire a `rate(1 minute)` schedule without waiting). Default: the system's. */
  readonly schedulerClock?: SchedulerClock;
}

/** A running runtime. */
/** Log options that drop every line: for callers that read the runtime's state instead (tests, the bench). */
export const SILENT_LOGS: Pick<RuntimeOptions, 'log' | 'accessLog' | 'functionLog'> = {
  log: () => undefined,
  accessLog: () => undefined,
  functionLog: () => undefined,
};

export interface Runtime {
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** The dashboard, e.g. http://127.0.0.1:3000/_dashboard/ */
  readonly dashboardUrl: string;
  readonly port: number;
  /** Id of the stack served now in `cdktf.out` (e.g. `async-api-dev`). */
  readonly stackId: string;
  /** The stack served now (a reload replaces it). */
  readonly model: StackModel;
  /** The local developer's credentials (sign AWS_IAM routes and Step Functions calls with them). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly sfn: StepFunctionsService;
  readonly iam: IamAuthorizer;
  /** Webhooks (local/events): where the signing secret and the dead letters are, and a wait for deliveries. */
  readonly webhooks: {
    readonly signingSecretPath: string;
    readonly deadLetterDir: string;
    /** Resolves when every delivery started so far has ended. */
    idle(): Promise<void>;
  };
  /** The stack's schedules, fired on the runtime's clock (local/scheduler). */
  readonly scheduler: LocalScheduler;
  /** The stack's execution alarms, evaluated on the runtime's executions. */
  readonly alarms: LocalAlarms;
  /** Executions found RUNNING from a previous run and closed as ABORTED at start. */
  readonly abortedAtStart: readonly ExecutionRecord[];
  /** Executions closed since start (any status). */
  readonly closedCount: () => number;
  /**
   * Serves another synthesized stack on the same port (watch mode), keeping every execution: the
   * finished ones stay listed, and the running ones finish on the stack (definition, functions) they
   * started with, whose function processes are stopped once the last of them ends. When the new
   * stack cannot be served this throws and the runtime keeps serving the current one.
   * @throws ResolutionError / StackNotFoundError
   */
  reload(source: StackSource): Promise<void>;
  /**
   * Stops serving, aborts running executions (cause says the runtime stopped), stops function
   * processes and closes files. Safe to call twice.
   */
  close(): Promise<void>;
}

/** Where a stack comes from: a cdktf output folder, or a parsed document. */
export type StackSource =
  | { readonly outdir: string; readonly stackId?: string }
  | { readonly stack: { readonly doc: TerraformJson; readonly stackDir: string; readonly stackId?: string } };

/** Error/cause of executions cut off by a shutdown or a crash of the runtime. */
export const INTERRUPTED = {
  shutdownError: 'LocalRuntime.Shutdown',
  shutdownCause: 'The local runtime was stopped while this execution was running; executions do not survive a restart.',
  restartError: 'LocalRuntime.Restarted',
  restartCause:
    'The local runtime stopped unexpectedly while this execution was running (found RUNNING at the next start); executions do not survive a restart.',
} as const;

// How often a replaced stack checks whether its last execution has ended (its functions then stop).
const RETIRE_POLL_MS = 500;

/**
 * Starts the runtime.
 * @throws ResolutionError / StackNotFoundError when the stack cannot be served (nothing keeps running then).
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dataDir = options.dataDir ?? join(REPO_ROOT, '.local');
  const first = readSource(
    options.stack
      ? { stack: options.stack }
      : {
          outdir: options.outdir ?? join(REPO_ROOT, 'cdktf.out'),
          ...(options.stackId ? { stackId: options.stackId } : {}),
        },
    options,
  );

  let handlers: Handlers | undefined;
  let dashboard: Dashboard | undefined;
  const server = createRuntimeServer(
    () => handlers,
    () => dashboard,
  );
  server.listen(options.port ?? 3000, '127.0.0.1');
  // once() rejects on 'error' by itself.
  await once(server, 'listening').catch((err: unknown) =>
    Promise.reject(portError(err as Error, options.port ?? 3000)),
  );
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  let current: Generation | undefined;
  let store: ExecutionStore | undefined;
  let definitions: DefinitionRevisions | undefined;
  try {
    const credentials = CredentialStore.open(dataDir, LOCAL_ACCOUNT_ID);
    const prepared = await prepare(first, url, log);
    const opened = ExecutionStore.open(join(dataDir, 'executions'), {
      error: INTERRUPTED.restartError,
      cause: INTERRUPTED.restartCause,
      now: Date.now(),
    });
    store = opened.store;
    definitions = new DefinitionRevisions(join(dataDir, 'executions'));
    for (const r of opened.aborted)
      log(`Execution ${r.executionArn} was cut off by a restart of the runtime: now ABORTED`);
    let closed = 0;
    // One map of running executions across reloads: StopExecution and shutdown reach the executions
    // still running on a replaced stack.
    const running = new Map<string, ExecutionHandle>();
    // Subscribers (dashboard, webhooks, alarms) subscribe here once; each stack's service feeds it
    // until that stack retires, so a reload neither adds a subscription nor keeps the old stack alive.
    const changes = new StatusChanges();
    const openStore = store;
    const openDefinitions = definitions;
    const activate = (p: Prepared): Generation =>
      activateGeneration(p, {
        url,
        dataDir,
        credentials,
        store: openStore,
        definitions: openDefinitions,
        running,
        changes,
        onClosed: () => closed++,
        log,
        options,
      });
    current = activate(prepared);
    handlers = current.handlers;
    const scheduler = new LocalScheduler({
      schedules: () => current!.schedules,
      sfn: () => current!.sfn,
      iam: () => current!.iam,
      ...(options.schedulerClock ? { clock: options.schedulerClock } : {}),
      log,
    });
    dashboard = createDashboard({
      port,
      sfn: () => current!.sfn,
      model: () => current!.model,
      scheduler: () => scheduler,
    });
    dashboard.attach(changes);
    localSigningSecret(dataDir);
    const webhooks = new WebhookDelivery({ dataDir, stack: () => current!, log });
    webhooks.attach(changes);
    const alarms = new LocalAlarms({ alarms: () => current!.alarms, log });
    alarms.attach(changes);
    scheduler.start();
    const retiring = new Set<Promise<void>>();

    let closing: Promise<void> | undefined;
    const runtime: Runtime = {
      url,
      dashboardUrl: `${url}${DASHBOARD_PATH}`,
      port,
      get stackId() {
        return current!.stackId;
      },
      get model() {
        return current!.model;
      },
      credentials: {
        accessKeyId: credentials.developer.accessKeyId,
        secretAccessKey: credentials.developer.secretAccessKey,
      },
      get sfn() {
        return current!.sfn;
      },
      get iam() {
        return current!.iam;
      },
      webhooks: {
        signingSecretPath: signingSecretPath(dataDir),
        deadLetterDir: deadLetterDir(dataDir),
        idle: () => webhooks.idle(),
      },
      scheduler,
      alarms,
      abortedAtStart: opened.aborted,
      closedCount: () => closed,
      reload: async (source) => {
        if (closing) throw new Error('the runtime is stopping');
        const next = await prepare(readSource(source, options), url, log);
        if (closing) throw new Error('the runtime is stopping');
        const previous = current!;
        const stillRunning = [...running.keys()];
        current = activate(next);
        handlers = current.handlers;
        scheduler.reload();
        // Executions still running on the replaced stack report through its service until the last
        // of them has ended; then its functions stop and it is let go.
        const retired = retire(previous, stillRunning, running, openStore).finally(() => retiring.delete(retired));
        retiring.add(retired);
      },
      close: () =>
        (closing ??= (async () => {
          server.close();
          dashboard?.close();
          await scheduler.stop();
          alarms.close();
          // Executions cut off by the shutdown are not sent: the sender is being stopped too.
          const deliveries = webhooks.close();
          const aborted = current!.sfn.abortAll(INTERRUPTED.shutdownError, INTERRUPTED.shutdownCause);
          if (aborted > 0) log(`Stopped ${aborted} running execution(s): ABORTED (${INTERRUPTED.shutdownError})`);
          server.closeAllConnections();
          await deliveries;
          await Promise.all([current!.lambda.close(), ...retiring]);
          current!.detach();
          openStore.dispose();
          openDefinitions.dispose();
        })()),
    };
    return runtime;
  } catch (err) {
    server.close();
    server.closeAllConnections();
    await current?.lambda.close();
    store?.dispose();
    definitions?.dispose();
    throw err;
  }
}

/** A document to serve, where its assets live, and its stack id (`stack` when it was handed in). */
interface Source {
  readonly doc: TerraformJson;
  readonly stackDir: string;
  readonly stackId: string;
}

// The document to serve, after the caller's transform.
function readSource(source: StackSource, options: RuntimeOptions): Source {
  const read =
    'stack' in source ? { stackId: 'stack', ...source.stack } : loadSynthesizedStack(source.outdir, source.stackId);
  return {
    doc: options.transform ? options.transform(structuredClone(read.doc)) : read.doc,
    stackDir: read.stackDir,
    stackId: read.stackId,
  };
}

/** What a stack needs before it can be served; building it may fail, and changes nothing running. */
interface Prepared {
  readonly stackId: string;
  readonly model: StackModel;
  readonly iam: IamAuthorizer;
  readonly schedules: readonly ScheduleModel[];
  readonly alarms: readonly ExecutionAlarmModel[];
}

async function prepare(source: Source, url: string, log: (line: string) => void): Promise<Prepared> {
  const model = buildStackModel(source.doc, source.stackDir, {
    accountId: LOCAL_ACCOUNT_ID,
    partition: 'aws',
    apiEndpoint: url,
  });
  const iam = await IamAuthorizer.create(model, log);
  await checkServiceRoles(model, iam);
  const identity = { accountId: LOCAL_ACCOUNT_ID, partition: 'aws', apiEndpoint: url };
  return {
    stackId: source.stackId,
    model,
    iam,
    schedules: readSchedules(source.doc, identity),
    alarms: readExecutionAlarms(source.doc, identity),
  };
}

/** One served stack with its services. */
interface Generation extends Prepared {
  readonly lambda: LambdaService;
  readonly sfn: StepFunctionsService;
  readonly handlers: Handlers;
  /** Executions this stack's service started (a replaced stack's parent may start a child). */
  readonly started: ReadonlySet<string>;
  /** Stops feeding the runtime's status changes. */
  readonly detach: () => void;
}

interface Shared {
  readonly url: string;
  readonly dataDir: string;
  readonly credentials: CredentialStore;
  readonly store: ExecutionStore;
  readonly definitions: DefinitionRevisions;
  readonly running: Map<string, ExecutionHandle>;
  readonly changes: StatusChanges;
  readonly onClosed: () => void;
  readonly log: (line: string) => void;
  readonly options: RuntimeOptions;
}

function activateGeneration({ stackId, model, iam, schedules, alarms }: Prepared, shared: Shared): Generation {
  const { url, credentials, options, log } = shared;
  const lambda = createLambdaService({
    functions: model.functions,
    workDir: join(shared.dataDir, 'lambda'),
    nodePath: [join(REPO_ROOT, 'node_modules')],
    runtimeEnvironment: (fn) => {
      const c = credentials.forRole(fn.roleArn);
      // What Lambda injects (the role's temporary credentials, the region) plus the endpoint that
      // sends the SDK's Step Functions calls to this runtime instead of AWS.
      return {
        AWS_ACCESS_KEY_ID: c.accessKeyId,
        AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
        AWS_SESSION_TOKEN: c.sessionToken ?? '',
        AWS_REGION: model.region,
        AWS_DEFAULT_REGION: model.region,
        AWS_ENDPOINT_URL_SFN: url,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
        AWS_ENDPOINT_URL_DYNAMODB: url,
        // A policy value, never a bypass: the webhook functions run the same checks, which then also
        // accept http://127.0.0.1 receivers and loopback addresses; on AWS it is unset (https, public only).
        ALLOW_LOOPBACK_HTTP: 'true',
      };
    },
    ...(options.accountConcurrency !== undefined ? { accountConcurrency: options.accountConcurrency } : {}),
    ...(options.functionLog ? { log: options.functionLog } : {}),
  });
  // One engine per state machine (one per job), all running functions of the same Lambda service.
  const taskTokens = new TaskTokens();
  const createEngine = (stateMachine: StateMachineModel): ExecutionEngine =>
    new ExecutionEngine({
      stateMachine,
      lambda,
      iam,
      region: model.region,
      accountId: model.accountId,
      partition: model.partition,
      taskTokens,
      // A state machine's StartExecution task calls the runtime's own API (defined below, called later).
      startExecution: (caller, request) => sfn.startExecution(caller, request),
      ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
    });
  const machines = model.stateMachines.map((stateMachine) => ({ stateMachine, engine: createEngine(stateMachine) }));
  let operations: DefinitionOperations | undefined;
  const sfn = new StepFunctionsService({
    machines,
    store: shared.store,
    definitions: shared.definitions,
    iam,
    createdAt: Date.now(),
    running: shared.running,
    onClosed: shared.onClosed,
    more: (operation, caller, request) => operations?.call(operation, caller, request),
  });
  operations = new DefinitionOperations({
    region: model.region,
    accountId: model.accountId,
    partition: model.partition,
    iam,
    tokens: taskTokens,
    createEngine,
    machines: {
      get: (arn) => sfn.machines.get(arn),
      add: (served) => void sfn.machines.set(served.stateMachine.arn, served),
      delete: (arn) => void sfn.machines.delete(arn),
    },
  });
  const started = new Set<string>();
  const detach = sfn.onStatusChange((change) => {
    if (change.status === 'RUNNING') started.add(change.executionArn);
    else started.delete(change.executionArn);
    shared.changes.emit(change);
  });
  const accessLog = options.accessLog ?? ((line: string) => process.stdout.write(`${line}\n`));
  const gateway = new HttpApiGateway({
    model,
    sfn,
    lambda,
    iam,
    credentials,
    ...(accessLog ? { accessLog: (line: string) => accessLog(line) } : {}),
    log,
  });
  const sfnApi = new StepFunctionsApi(sfn, credentials, model.region);
  const signingSecretArns = model.functions.flatMap((f) => f.environment['SIGNING_SECRET_ARN'] ?? []);
  const secrets = new LocalSecretsManager(
    signingSecretArns,
    () => localSigningSecret(shared.dataDir),
    credentials,
    iam,
    model.region,
  );
  const dynamoDb = new LocalDynamoDb({
    tables: [...new Set(model.functions.flatMap((f) => f.environment[WEBHOOK_TABLE_VAR] ?? []))],
    dataDir: shared.dataDir,
    credentials,
    iam,
    region: model.region,
    accountId: model.accountId,
    partition: model.partition,
  });
  return {
    stackId,
    model,
    iam,
    schedules,
    alarms,
    lambda,
    sfn,
    started,
    detach,
    handlers: {
      httpApi: (req) => gateway.handle(req),
      stepFunctions: (req) => sfnApi.handle(req),
      secretsManager: (req) => secrets.handle(req),
      dynamoDb: (req) => dynamoDb.handle(req),
    },
  };
}

// Waits until none of `arns` nor of the executions the replaced stack started since is running any
// more, and their ends are announced (after the commit), then unsubscribes it and stops its functions.
async function retire(
  previous: Generation,
  arns: readonly string[],
  running: ReadonlyMap<string, ExecutionHandle>,
  store: ExecutionStore,
): Promise<void> {
  const busy = (): boolean => [...arns, ...previous.started].some((arn) => running.has(arn));
  while (busy()) await new Promise((resolve) => setTimeout(resolve, RETIRE_POLL_MS));
  await new Promise<void>((resolve) => store.afterCommit(resolve));
  previous.detach();
  await previous.lambda.close();
}

// "listen EADDRINUSE: address already in use 127.0.0.1:3000" does not say what to change.
function portError(err: Error, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new Error(
      `port ${port} on 127.0.0.1 is already in use (another npm start?): stop that process or choose another port with PORT=<number>`,
    );
  if (code === 'EACCES')
    return new Error(
      `port ${port} on 127.0.0.1 may not be used by this user: choose another port with PORT=<number> (1024 or above)`,
    );
  return err;
}

// AWS refuses to create a function (or state machine) whose role its service cannot assume.
async function checkServiceRoles(model: StackModel, iam: IamAuthorizer): Promise<void> {
  const uses = [
    ...model.functions.map((f) => ({
      address: f.address,
      attribute: 'role',
      roleArn: f.roleArn,
      service: 'lambda.amazonaws.com',
      sourceArn: undefined as string | undefined,
    })),
    ...model.stateMachines.map((m) => ({
      address: m.address,
      attribute: 'role_arn',
      roleArn: m.roleArn,
      service: 'states.amazonaws.com',
      sourceArn: m.arn as string | undefined,
    })),
  ];
  for (const use of uses) {
    if (!iam.role(use.roleArn)) {
      throw new ResolutionError(
        use,
        `${use.roleArn} is not a role of this stack; the local runtime only knows the stack's roles`,
      );
    }
    const decision = await iam.authorizeAssumeRole(use.service, use.roleArn, use.sourceArn);
    if (!decision.allowed) {
      throw new ResolutionError(
        use,
        `the role's trust policy does not let ${use.service} assume it (AWS would refuse to create the resource)`,
      );
    }
  }
}
