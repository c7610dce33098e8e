import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack, Token } from 'cdktf';
import type { Construct } from 'constructs';
import type { AppConfig } from './config';
import { AsyncJobApi } from './constructs/async-job-api';
import { JobAlarms } from './constructs/job-alarms';
import { JobSchedules } from './constructs/job-schedules';
import { JobsDashboard } from './constructs/jobs-dashboard';
import { applyPermissionsBoundary } from './constructs/service-role';
import { WebhookNotifications } from './constructs/webhook-notifications';
import { apiResourceNames, type JobDefinition } from './job';
import { JOBS } from './jobs';
import { Naming } from './naming';
import { partitionOf } from './partition';
import { addS3Backend } from './s3-backend';
import type { AlarmSettings, ApiAlarmName, ExtraSchedules, ScheduleAlarmName } from './schedules';

export { jobStartRoute, ROUTES } from './constructs/async-job-api';

export interface AsyncApiStackProps {
  readonly config: AppConfig;
  /** The jobs to serve. Default: the registry, `stacks/jobs.ts`. */
  readonly jobs?: readonly JobDefinition[];
  /** Where Lambda bundles are written (outside the source tree). */
  readonly buildDir: string;
  /** Schedules added to the registry's, by job name (e.g. on one stage only). Default none. */
  readonly extraSchedules?: ExtraSchedules;
  /** Overrides of the API-wide alarms. Default: each on with its defaults. */
  readonly apiAlarms?: Readonly<Partial<Record<ApiAlarmName, AlarmSettings>>>;
  /** Overrides of the missed-run alarms (made only when a job has a schedule). Default: each on. */
  readonly scheduleAlarms?: Readonly<Partial<Record<ScheduleAlarmName, AlarmSettings>>>;
}

/**
 * The deployable product: the provider, the state backend and one {@link AsyncJobApi} serving the
 * registry's jobs, with the outputs the client and tools read.
 */
export class AsyncApiStack extends TerraformStack {
  readonly api: AsyncJobApi;
  readonly apiEndpoint: TerraformOutput;
  readonly stateMachineArn: TerraformOutput;
  readonly notifications: WebhookNotifications;
  readonly schedules: JobSchedules;
  readonly alarms: JobAlarms;
  /** Absent with `CLOUDWATCH_DASHBOARD=false`. */
  readonly dashboard?: JobsDashboard;

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

    const registry = props.jobs ?? JOBS;
    const api = new AsyncJobApi(this, 'api', {
      naming,
      jobs: registry,
      region: config.region,
      buildDir: props.buildDir,
      auth: config.apiAuth,
      throttling: config.throttling,
      logRetentionDays: config.logRetentionDays,
      stateMachineLogLevel: config.stateMachineLogLevel,
      logExecutionData: config.logExecutionData,
      corsAllowedOrigins: config.corsAllowedOrigins,
      ...(props.extraSchedules ? { extraSchedules: props.extraSchedules } : {}),
    });
    this.api = api;
    this.notifications = new WebhookNotifications(this, 'notifications', {
      naming,
      stateMachineArns: Object.values(api.jobs).map((job) => job.stateMachine.stateMachine.arn),
      registrations: api.webhookRegistrations,
      buildDir: props.buildDir,
      logRetentionDays: config.logRetentionDays,
      partition: partitionOf(config.region),
    });

    const operations = this.addOperations(naming, props);
    this.schedules = operations.schedules;
    this.alarms = operations.alarms;
    if (operations.dashboard) this.dashboard = operations.dashboard;

    this.apiEndpoint = new TerraformOutput(this, 'api_endpoint', { value: api.http.api.apiEndpoint });
    new TerraformOutput(this, 'api_auth', { value: config.apiAuth.mode });
    new TerraformOutput(this, 'region', { value: config.region });
    new TerraformOutput(this, 'start_execution_url', { value: api.urls.start });
    new TerraformOutput(this, 'describe_execution_url', { value: api.urls.describe });
    new TerraformOutput(this, 'stop_execution_url', { value: api.urls.stop });
    new TerraformOutput(this, 'list_executions_url', { value: api.urls.list });
    new TerraformOutput(this, 'get_execution_history_url', { value: api.urls.history });
    new TerraformOutput(this, 'redrive_execution_url', { value: api.urls.redrive });
    this.stateMachineArn = new TerraformOutput(this, 'state_machine_arn', {
      value: api.jobs[api.defaultJobName]!.stateMachine.stateMachine.arn,
    });
    // As a token: cdktf walks a plain object with the deprecated util.isArray, which warns on stderr.
    new TerraformOutput(this, 'jobs', { value: Token.asAny(jobsOutput(api, registry)) });
    new TerraformOutput(this, 'default_job', { value: api.defaultJobName });
    new TerraformOutput(this, 'execution_ended_topic_arn', { value: this.notifications.topic.arn });
    new TerraformOutput(this, 'webhook_signing_secret_arn', { value: this.notifications.secret.arn });
    new TerraformOutput(this, 'alarm_topic_arn', { value: this.alarms.topic.arn });
    new TerraformOutput(this, 'schedules', { value: Token.asAny(schedulesOutput(this.schedules)) });
  }

  /** Schedules, alarms and the dashboard: what runs the jobs in production (issue 26). */
  private addOperations(naming: Naming, props: AsyncApiStackProps) {
    const { config } = props;
    const machines = Object.fromEntries(
      Object.entries(this.api.jobs).map(([name, job]) => [name, job.stateMachine.stateMachine.arn]),
    );
    const jobs = Object.values(this.api.jobs).map((job) => job.definition);
    const partition = partitionOf(config.region);
    const schedules = new JobSchedules(this, 'job-schedules', {
      naming,
      jobs,
      ...(props.extraSchedules ? { extraSchedules: props.extraSchedules } : {}),
      stateMachineArns: machines,
      partition,
      logRetentionDays: config.logRetentionDays,
    });
    const api = apiResourceNames(naming);
    const alarms = new JobAlarms(this, 'alarms', {
      naming,
      jobs,
      stateMachineArns: machines,
      webhookDeadLetterQueueName: this.notifications.deadLetterQueue.name,
      apiId: this.api.http.api.id,
      routeFunctionNames: [api.statusFunction, api.listFunction, api.historyFunction, api.redriveFunction],
      ...(props.apiAlarms ? { apiAlarms: props.apiAlarms } : {}),
      ...(schedules.launcher && schedules.deadLetterQueue
        ? {
            schedules: {
              launcherStateMachineArn: schedules.launcher.stateMachine.arn,
              deadLetterQueueName: schedules.deadLetterQueue.name,
            },
          }
        : {}),
      ...(props.scheduleAlarms ? { scheduleAlarms: props.scheduleAlarms } : {}),
      enabled: config.cloudwatch.alarms,
      region: config.region,
      partition,
    });
    const dashboard = config.cloudwatch.dashboard
      ? new JobsDashboard(this, 'jobs-dashboard', { naming, stateMachineArns: machines, region: config.region })
      : undefined;
    return { schedules, alarms, dashboard };
  }
}

/** The `jobs` output: each job's route and state machine, and the registry's description and example. */
function jobsOutput(api: AsyncJobApi, registry: readonly JobDefinition[]): Record<string, JobOutput> {
  const jobs: Record<string, JobOutput> = {};
  for (const [name, job] of Object.entries(api.jobs)) {
    const definition = registry.find((j) => j.name === name)!;
    jobs[name] = {
      start_execution_url: job.startUrl,
      state_machine_arn: job.stateMachine.stateMachine.arn,
      description: terraformLiteral(definition.description),
      example_input: terraformLiteral(JSON.stringify(definition.exampleInput)),
    };
  }
  return jobs;
}

/** The `schedules` output: what the client lists of each schedule. */
function schedulesOutput(schedules: AsyncApiStack['schedules']) {
  return schedules.schedules.map(({ job, definition, schedule }) => ({
    job,
    name: definition.name,
    schedule_name: schedule.name,
    expression: definition.expression,
    time_zone: definition.timeZone ?? 'UTC',
    enabled: definition.enabled !== false,
  }));
}

/**
 * One job in the `jobs` output. `description` and `example_input` (a JSON text) are the registry's:
 * the dashboard and the banner read them from the synthesized stack, which follows a watch reload.
 */
interface JobOutput {
  readonly start_execution_url: string;
  readonly state_machine_arn: string;
  readonly description: string;
  readonly example_input: string;
}

/** A string Terraform takes as it is: `${` and `%{` would start an interpolation or a directive. */
function terraformLiteral(text: string): string {
  return text.replaceAll('${', '$${').replaceAll('%{', '%%{');
}
