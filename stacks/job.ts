/**
 * What a job is, as data: its ASL file, its Lambda functions, the values of its placeholders, the extra
 * IAM its ASL needs and an example input. The registry (`stacks/jobs.ts`) lists them; the
 * `AsyncJobApi` construct turns each into a state machine, functions and a start route.
 *
 * {@link validateJobs} is what makes a bad entry fail synth with one line naming the job and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { AslTemplateError, type AslValue, placeholdersOf } from './asl';
import type { PolicyStatement } from './constructs/service-role';
import { renderStateMachineDefinition } from './constructs/state-machine';
import type { Naming } from './naming';
import {
  type AlarmSettings,
  type ExtraSchedules,
  type JobAlarmName,
  type JobSchedule,
  validateSchedules,
} from './schedules';

/** Lambda's hard limit on a function's timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** One Lambda function of a job; its code lives in `lambda-src/<name>/`. */
export interface JobFunction {
  /**
   * Unique among all functions of the API; the function is named `<project>-<stage>-<name>` and its ASL
   * placeholder is `${<Name>FunctionArn}` (PascalCase of the name, e.g. `${RamenTimerFunctionArn}`).
   */
  readonly name: string;
  readonly description: string;
  /** Absolute path of the TypeScript entry that exports `handler`. */
  readonly entry: string;
  /** 1–900 seconds (Lambda's limit). The Task's timeout placeholder is derived from it. */
  readonly timeoutSeconds: number;
  /** 128–10,240 MB; more memory also means more CPU. */
  readonly memorySizeMb: number;
  /** The function's settings; this is where a job's own configuration lives. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Permissions beyond writing its own logs and traces (e.g. reading one S3 bucket). */
  readonly statements?: readonly PolicyStatement[];
}

/** One job: one state machine behind `POST /<name>/start-execution`. */
export interface JobDefinition {
  /**
   * Lower-case letters, digits and `-`, starting with a letter: it is a URL path segment and part of
   * resource names.
   */
  readonly name: string;
  readonly description: string;
  /** Answers `POST /start-execution` too. Default: the first job, when no job sets it. */
  readonly default?: boolean;
  /** Absolute path of the job's ASL file (`statemachine/<name>.asl.json`). */
  readonly definitionFile: string;
  /** The Lambda functions the ASL invokes; the state machine may invoke these and nothing else. */
  readonly functions: readonly JobFunction[];
  /**
   * Values of the ASL's own placeholders, besides the ones the construct provides
   * ({@link builtInPlaceholders}). Every value must be used by the file.
   */
  readonly substitutions?: Readonly<Record<string, AslValue>>;
  /**
   * Extra statements of the state machine's role, for tasks that are not Lambda invocations
   * (`.waitForTaskToken` with SQS, ECS `.sync`, ...); see docs/jobs.md.
   */
  readonly statements?: readonly PolicyStatement[];
  /**
   * A small input that finishes in seconds, used by the banner, the smoke test, the load test and the
   * bench.
   */
  readonly exampleInput: Readonly<Record<string, unknown>>;
  /**
   * The execution's own timeout (ASL `${ExecutionTimeoutSeconds}`). Default: computed from the ASL, the
   * worst case of every task and retry plus slack. Required for a job with a Map state (its item count
   * is known only at run time); it may not be shorter than the worst case the ASL allows to compute.
   */
  readonly executionTimeoutSeconds?: number;
  /** When the job starts on its own (EventBridge Scheduler; docs/jobs.md "Schedules"). Default none. */
  readonly schedules?: readonly JobSchedule[];
  /** Overrides of the job's alarms, each on by default (docs/jobs.md "Alarms"). */
  readonly alarms?: Readonly<Partial<Record<JobAlarmName, AlarmSettings>>>;
}

/** Thrown when a job entry is invalid; the message is one line naming the job and the field. */
export class JobDefinitionError extends Error {
  constructor(job: string, field: string, problem: string) {
    super(`job ${JSON.stringify(job)}: ${field}: ${problem}`);
    this.name = 'JobDefinitionError';
  }
}

const JOB_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Why `name` is not a valid job name, or undefined when it is. */
export function jobNameProblem(name: string): string | undefined {
  if (!JOB_NAME.test(name)) {
    return `${JSON.stringify(name)} is not a valid job name: use lower-case letters, digits and single "-" between them, starting with a letter (it is a URL path segment)`;
  }
  return undefined;
}

/** `ramen-timer` → `RamenTimer`: how a function's name appears in its placeholders. */
export function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The placeholder that receives a function's ARN, e.g. `RamenTimerFunctionArn`. */
export function functionArnPlaceholder(functionName: string): string {
  return `${pascalCase(functionName)}FunctionArn`;
}

/** The placeholder that receives a function's Task timeout, e.g. `RamenTimerTaskTimeoutSeconds`. */
export function taskTimeoutPlaceholder(functionName: string): string {
  return `${pascalCase(functionName)}TaskTimeoutSeconds`;
}

/**
 * A Task's timeout: longer than the function's own, so a slow function fails with Lambda's timeout
 * error (which the Catch reports) rather than the task's.
 */
export function taskTimeoutSeconds(fn: Pick<JobFunction, 'timeoutSeconds'>): number {
  return fn.timeoutSeconds + 30;
}

/**
 * The placeholders the construct fills for a job: each function's ARN (required: a function the ASL
 * never invokes is a mistake) and Task timeout, and the job's execution timeout when it sets one
 * (both optional). `${Partition}` and a computed `${ExecutionTimeoutSeconds}` come from the state
 * machine construct. Function ARNs are given by `functionArn` so the caller can pass tokens.
 */
export function builtInPlaceholders(
  job: JobDefinition,
  functionArn: (fn: JobFunction) => string,
): { required: Record<string, AslValue>; optional: Record<string, AslValue> } {
  const required: Record<string, AslValue> = {};
  const optional: Record<string, AslValue> =
    job.executionTimeoutSeconds === undefined ? {} : { ExecutionTimeoutSeconds: job.executionTimeoutSeconds };
  for (const fn of job.functions) {
    required[functionArnPlaceholder(fn.name)] = functionArn(fn);
    optional[taskTimeoutPlaceholder(fn.name)] = taskTimeoutSeconds(fn);
  }
  return { required, optional };
}

/**
 * The values to render a job's ASL with: the job's own substitutions, its function ARNs, and the
 * optional built-ins the file actually uses (so `renderAsl` can still refuse unused values).
 * @throws JobDefinitionError when a substitution reuses a built-in name.
 */
export function aslValues(
  job: JobDefinition,
  template: string,
  functionArn: (fn: JobFunction) => string,
): Record<string, AslValue> {
  const { required, optional } = builtInPlaceholders(job, functionArn);
  for (const name of Object.keys(job.substitutions ?? {})) {
    if (name in required || name in optional || name === 'Partition' || name === 'ExecutionTimeoutSeconds') {
      throw new JobDefinitionError(
        job.name,
        `substitutions.${name}`,
        'is filled in by the construct; remove it from substitutions',
      );
    }
  }
  const used = placeholdersOf(template);
  const values: Record<string, AslValue> = { ...(job.substitutions ?? {}), ...required };
  for (const [name, value] of Object.entries(optional)) if (used.has(name)) values[name] = value;
  return values;
}

/**
 * Renders a job's ASL file with its values, as the construct does; tests and validation pass fake
 * function ARNs.
 * @throws AslTemplateError when placeholders and values do not match; JobDefinitionError as
 *   {@link aslValues}; Error when the execution timeout is missing or too short.
 */
export function renderJobAsl(job: JobDefinition, functionArn: (fn: JobFunction) => string, partition = 'aws'): unknown {
  const template = readFileSync(job.definitionFile, 'utf8');
  return renderStateMachineDefinition(template, {
    source: job.definitionFile,
    name: job.name,
    substitutions: aslValues(job, template, functionArn),
    partition,
  });
}

/** Names one job's resources; the single place job resource names are derived. */
export function jobResourceNames(naming: Naming, job: Pick<JobDefinition, 'name'>) {
  return {
    stateMachine: naming.name(job.name, 80),
    stateMachineRole: naming.name(`${job.name}-states`),
    stateMachineLogGroup: naming.vendedLogGroup(`${job.name}-states`),
    startRole: naming.name(`${job.name}-start`),
  } as const;
}

/** The names of the API's own resources, which jobs may not take. */
export function apiResourceNames(naming: Naming) {
  return {
    api: naming.name('api'),
    /** The JWT authorizer (only with API_AUTH=JWT). */
    authorizer: naming.name('api-jwt'),
    statusFunction: naming.name('describe-execution'),
    listFunction: naming.name('list-executions'),
    historyFunction: naming.name('get-execution-history'),
    redriveFunction: naming.name('redrive-execution'),
    stopRole: naming.name('api-stop-execution'),
    accessLogGroup: naming.vendedLogGroup('api-access'),
    webhookStartFunction: naming.name('webhook-start'),
    webhookSenderFunction: naming.name('webhook-sender'),
    webhookRegistrationsTable: naming.name('webhook-registrations'),
    /** The role EventBridge Scheduler starts the schedule launcher with. */
    schedulerRole: naming.name('scheduler'),
    /** The state machine that starts each scheduled run of a job once (`statemachine/schedule-launcher.asl.json`). */
    launcherStateMachine: naming.name('schedule-launcher', 80),
    launcherRole: naming.name('schedule-launcher-states'),
    launcherLogGroup: naming.vendedLogGroup('schedule-launcher-states'),
  } as const;
}

/** The job behind `POST /start-execution`: the one marked default, else the first. */
export function defaultJob<T extends Pick<JobDefinition, 'name' | 'default'>>(jobs: readonly T[]): T {
  const marked = jobs.filter((j) => j.default);
  const job = marked[0] ?? jobs[0];
  if (!job) throw new Error('at least one job is required');
  return job;
}

/**
 * Checks every entry of a registry as synth would, so bad input fails before Terraform with one line
 * naming the job and the field: invalid or duplicate names, a missing ASL file or function entry, an
 * ASL whose placeholders and values do not match, a limit of Lambda, or a resource name over its AWS
 * limit once prefixed.
 * @throws JobDefinitionError for the first problem found.
 */
export function validateJobs(
  jobs: readonly JobDefinition[],
  naming: Naming,
  extraSchedules: ExtraSchedules = {},
): void {
  if (jobs.length === 0)
    throw new JobDefinitionError('(none)', 'jobs', 'the registry lists no job; add one with npm run new-job -- <name>');
  const api = apiResourceNames(naming);
  const roleOwners = new Map<string, string>(
    [
      api.stopRole,
      api.statusFunction,
      api.listFunction,
      api.historyFunction,
      api.redriveFunction,
      api.webhookStartFunction,
      api.webhookSenderFunction,
      api.schedulerRole,
      // Also keeps a job from being named schedule-launcher, whose state machine would take the launcher's name.
      api.launcherRole,
    ].map((role) => [role, 'the API']),
  );
  const functionOwners = new Map<string, string>([
    ['describe-execution', 'the API (status function)'],
    ['list-executions', 'the API (list function)'],
    ['get-execution-history', 'the API (history function)'],
    ['redrive-execution', 'the API (redrive function)'],
    ['webhook-start', 'the API (webhook start function)'],
    ['webhook-sender', 'the API (webhook sender)'],
  ]);
  const jobNames = new Set<string>();
  const defaults: string[] = [];

  for (const job of jobs) {
    const fail = (field: string, problem: string): never => {
      throw new JobDefinitionError(job.name, field, problem);
    };
    const nameProblem = jobNameProblem(job.name);
    if (nameProblem) fail('name', nameProblem);
    if (jobNames.has(job.name)) fail('name', 'another job has the same name');
    jobNames.add(job.name);
    if (job.default) defaults.push(job.name);
    if (defaults.length > 1)
      fail('default', `job ${JSON.stringify(defaults[0])} is the default already; only one job may be`);

    const claimRole = (roleName: string, field: string) => {
      const owner = roleOwners.get(roleName);
      if (owner) fail(field, `its IAM role name ${roleName} is taken by ${owner}`);
      roleOwners.set(roleName, `job ${JSON.stringify(job.name)} (${field})`);
    };
    try {
      const names = jobResourceNames(naming, job);
      claimRole(names.stateMachineRole, 'name');
      claimRole(names.startRole, 'name');
    } catch (err) {
      if (err instanceof JobDefinitionError) throw err;
      fail('name', (err as Error).message);
    }

    if (job.functions.length === 0) fail('functions', 'a job needs at least one function');
    for (const [i, fn] of job.functions.entries()) {
      const field = `functions[${i}]`;
      if (!JOB_NAME.test(fn.name))
        fail(`${field}.name`, `${JSON.stringify(fn.name)} must be lower-case letters, digits and single "-"`);
      const owner = functionOwners.get(fn.name);
      if (owner)
        fail(`${field}.name`, `${JSON.stringify(fn.name)} is used by ${owner}; function names are unique in the API`);
      functionOwners.set(fn.name, `job ${JSON.stringify(job.name)}`);
      try {
        claimRole(naming.name(fn.name), `${field}.name`);
      } catch (err) {
        if (err instanceof JobDefinitionError) throw err;
        fail(`${field}.name`, (err as Error).message);
      }
      if (!existsSync(fn.entry)) fail(`${field}.entry`, `${fn.entry} does not exist`);
      if (
        !Number.isInteger(fn.timeoutSeconds) ||
        fn.timeoutSeconds < 1 ||
        fn.timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS
      ) {
        fail(
          `${field}.timeoutSeconds`,
          `${fn.timeoutSeconds} is not a whole number from 1 to ${LAMBDA_MAX_TIMEOUT_SECONDS} (Lambda's limit)`,
        );
      }
      if (!Number.isInteger(fn.memorySizeMb) || fn.memorySizeMb < 128 || fn.memorySizeMb > 10_240) {
        fail(`${field}.memorySizeMb`, `${fn.memorySizeMb} is not a whole number from 128 to 10240 (Lambda's limit)`);
      }
    }

    if (!existsSync(job.definitionFile)) fail('definitionFile', `${job.definitionFile} does not exist`);
    try {
      renderJobAsl(job, (fn) => `arn:aws:lambda:us-east-1:123456789012:function:${fn.name}`);
    } catch (err) {
      if (err instanceof JobDefinitionError) throw err;
      if (err instanceof AslTemplateError) fail('definitionFile', err.message);
      // The state machine's own checks (execution timeout), reworded for the registry's field.
      fail(
        job.executionTimeoutSeconds === undefined ? 'definitionFile' : 'executionTimeoutSeconds',
        (err as Error).message.replace(/^StateMachine [^:]+: /, ''),
      );
    }
    if (job.executionTimeoutSeconds !== undefined) {
      // Step Functions' limit for a Standard execution: one year.
      if (
        !Number.isInteger(job.executionTimeoutSeconds) ||
        job.executionTimeoutSeconds < 1 ||
        job.executionTimeoutSeconds > 31_536_000
      ) {
        fail(
          'executionTimeoutSeconds',
          `${job.executionTimeoutSeconds} is not a whole number from 1 to 31536000 (one year)`,
        );
      }
    }
    let example: string | undefined;
    try {
      example = JSON.stringify(job.exampleInput);
    } catch {
      example = undefined;
    }
    if (example === undefined || !example.startsWith('{')) fail('exampleInput', 'must be a JSON object');
  }
  validateSchedules(jobs, naming, extraSchedules, (job, field, problem) => {
    throw new JobDefinitionError(job, field, problem);
  });
  // The route functions get every job and its machine's ARN in one variable, JOB_STATE_MACHINES
  // ({"<job>":"<arn>",...}); Lambda allows 4 KB of environment.
  const longestScope = 'arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:'.length;
  const variableBytes = jobs.reduce(
    (sum, job) => sum + `"${job.name}":"",`.length + longestScope + jobResourceNames(naming, job).stateMachine.length,
    'JOB_STATE_MACHINES{}'.length,
  );
  if (variableBytes > LAMBDA_ENVIRONMENT_BYTES) {
    throw new JobDefinitionError(
      jobs.at(-1)!.name,
      'jobs',
      `${jobs.length} jobs make the route functions' JOB_STATE_MACHINES up to ${variableBytes} bytes; Lambda allows ${LAMBDA_ENVIRONMENT_BYTES} bytes of environment`,
    );
  }
}

/** Lambda's limit on a function's environment variables, all together. */
export const LAMBDA_ENVIRONMENT_BYTES = 4096;
