/**
 * `npm run cost:operations`: what the schedules, alarms and dashboard cost per month at rest, counted
 * from the synthesized stack (the registry as it is) and priced from AWS's public price lists. Prints
 * the Markdown table docs/jobs.md shows between `<!-- operations-cost:start -->` and
 * `<!-- operations-cost:end -->`; a test compares the two.
 *
 * Prices are US East (N. Virginia) list prices; other regions differ a little. Free tiers are left
 * out of the sums and named below the table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { AsyncApiStack } from '../../stacks/async-api-stack';
import { parseConfig } from '../../stacks/config';
import { ALARM_MEANINGS } from '../../stacks/constructs/job-alarms';
import type { JobDefinition } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { ALARM_DEFAULTS, type AlarmName, JOB_ALARMS, type JobAlarmName, SCHEDULE_ALARMS } from '../../stacks/schedules';

/** A price, where it is published, and when it was read there. */
export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

/** The prices used (us-east-1), read from the AWS pricing pages on 2026-12-06. */
export const PRICES = {
  alarmMetric: {
    usd: 0.1,
    unit: 'standard-resolution alarm metric per month (a metric-math alarm is billed per metric it reads)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  dashboard: { usd: 3, unit: 'custom dashboard per month', source: 'https://aws.amazon.com/cloudwatch/pricing/' },
  kmsKey: { usd: 1, unit: 'customer managed KMS key per month', source: 'https://aws.amazon.com/kms/pricing/' },
} as const satisfies Record<string, Price>;

interface Synthesized {
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

/** Metrics an alarm reads: one, or each `metric` of its metric queries. */
function alarmMetrics(alarm: Record<string, unknown>): number {
  const queries = alarm['metric_query'] as { metric?: unknown }[] | undefined;
  return queries ? queries.filter((q) => q.metric !== undefined).length : 1;
}

/** The stack `npm run synth` makes of these jobs, as Terraform JSON. */
function synthesize(jobs: readonly JobDefinition[]): Synthesized {
  const buildDir = mkdtempSync(join(tmpdir(), 'async-api-cost-'));
  try {
    const stack = new AsyncApiStack(Testing.app(), 'async-api-dev', {
      config: parseConfig({ TF_STATE_BUCKET: 'cost-unused' }),
      buildDir,
      jobs,
    });
    return JSON.parse(Testing.synth(stack)) as Synthesized;
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The alarm rows: per job (averaged over the jobs), the API's, and the missed-run ones. */
function alarmRows(doc: Synthesized, jobCount: number): string[][] {
  const alarms = Object.values(doc.resource['aws_cloudwatch_metric_alarm'] ?? {});
  const metrics = (list: readonly Record<string, unknown>[]) => list.reduce((n, a) => n + alarmMetrics(a), 0);
  const missedRun = alarms.filter((a) =>
    SCHEDULE_ALARMS.some((name) => String(a['alarm_description']).includes(`(${name})`)),
  );
  const perJob = alarms.filter(
    (a) => !missedRun.includes(a) && JSON.stringify(a['dimensions'] ?? {}).includes('StateMachineArn'),
  );
  const stage = alarms.filter((a) => !perJob.includes(a) && !missedRun.includes(a));
  const row = (what: string, added: string, list: readonly Record<string, unknown>[], per = 1) => [
    what,
    added,
    `${list.length / per} alarms, ${metrics(list) / per} metrics`,
    usd((metrics(list) / per) * PRICES.alarmMetric.usd),
  ];
  return [
    row('execution alarms (failed, timed out, throttled, aborted)', 'per job', perJob, jobCount),
    row('API alarms (webhook dead letters, 5xx rate, route functions errors)', 'per stage', stage),
    row(
      'missed-run alarms (launcher failed, timed out; schedule dead letters), with a schedule',
      'per stage',
      missedRun,
    ),
  ];
}

/** The rows: what is added per job, per schedule and per stage, with its monthly cost at rest. */
export function operationsCost(jobs: readonly JobDefinition[] = JOBS): string[][] {
  const doc = synthesize(jobs);
  const all = (type: string) => Object.values(doc.resource[type] ?? {});
  const keys = all('aws_kms_key').filter((k) => String(k['description']).includes('alarm topic')).length;
  const dashboards = all('aws_cloudwatch_dashboard').length;
  const named = (type: string, attribute: string, suffix: string) =>
    all(type).filter((r) => String(r[attribute]).endsWith(suffix)).length;
  const free =
    named('aws_sns_topic', 'name', '-alarms') +
    all('aws_scheduler_schedule_group').length +
    named('aws_iam_role', 'name', '-scheduler') +
    named('aws_sqs_queue', 'name', '-schedule-dead-letters');
  const launcher =
    named('aws_sfn_state_machine', 'name', '-schedule-launcher') +
    named('aws_iam_role', 'name', '-schedule-launcher-states') +
    named('aws_cloudwatch_log_group', 'name', '-schedule-launcher-states');
  const [jobAlarms, apiAlarms, missedRunAlarms] = alarmRows(doc, jobs.length);
  return [
    ['what', 'added', 'count', 'USD per month at rest'],
    jobAlarms!,
    ['EventBridge Scheduler schedule', 'per schedule', '1', `${usd(0)} (billed per invocation)`],
    apiAlarms!,
    missedRunAlarms!,
    ['CloudWatch dashboard', 'per stage', String(dashboards), usd(dashboards * PRICES.dashboard.usd)],
    ['KMS key of the alarm topic', 'per stage', String(keys), usd(keys * PRICES.kmsKey.usd)],
    [
      'alarm topic, schedule group, scheduler role, schedule dead-letter queue',
      'per stage',
      String(free),
      `${usd(0)} (billed per request)`,
    ],
    [
      'schedule launcher: state machine, its role and log group',
      'per stage',
      String(launcher),
      `${usd(0)} (billed per state transition)`,
    ],
  ];
}

/** The Markdown the docs show. */
export function renderOperationsCost(rows: string[][] = operationsCost()): string {
  const [head, ...body] = rows;
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(head!),
    line(head!.map(() => '---')),
    ...body.map(line),
    '',
    `Printed by \`npm run cost:operations\` from the synthesized stack; prices (us-east-1): ${Object.values(PRICES)
      .map((p) => `$${p.usd.toFixed(2)} per ${p.unit} (${p.source})`)
      .join(
        '; ',
      )}. Not in the sums: CloudWatch's free tier (10 alarm metrics and 3 dashboards of up to 50 metrics per account) and Scheduler's (14 million invocations a month).`,
  ].join('\n');
}

/** What to do when each alarm fires (docs/jobs.md, "Alarms"). */
const WHEN_IT_FIRES: Readonly<Record<AlarmName, string>> = {
  executionsFailed:
    '`async-api list --job <job> --status FAILED`, then `async-api history <arn>` for the error and cause; fix the input or the code, then `async-api redrive <arn>`',
  executionsTimedOut:
    'the job ran past its `executionTimeoutSeconds`: look for a stuck task in its history; raise the timeout in the registry if the work really takes longer',
  executionThrottled:
    "too many starts or transitions for the account's Step Functions quotas: spread the schedules, or ask for a quota increase",
  executionsAborted: 'someone or something called stop: check who (CloudTrail) before starting it again',
  webhookDeadLetters:
    'a webhook could not be delivered: read the messages in the `webhook-dead-letters` queue; the receiver was down or refused the signature',
  api5xx: "the API answers with errors: the access log and the route functions' logs name the failing route",
  statusFunctionErrors: "the status, list, history or redrive function threw: read its log group's newest errors",
  launcherFailed:
    'the run was not started: the failed execution of the `<project>-<stage>-schedule-launcher` state machine names the error (`AWSStepFunctionsException` with AccessDenied in its cause: the launcher role; `StateMachineDoesNotExist`: the job was removed); fix it, then start the run by hand under its scheduled name ("A scheduled run was missed" below)',
  launcherTimedOut:
    'the launcher hung past its timeout: `async-api list --job <job>` shows whether the run started; if not, start it by hand under its scheduled name',
  scheduleDeadLetters:
    'Scheduler could not start the launcher for an hour (its role, the launcher gone, quotas): each message in the `schedule-dead-letters` queue is one missed run; fix the cause, start those runs by hand, delete the messages',
};

/** The alarm table docs/jobs.md shows between `<!-- alarms:start -->` and `<!-- alarms:end -->`. */
export function renderAlarmTable(): string {
  const metricOf = (name: AlarmName) =>
    name in JOB_ALARMS
      ? `AWS/States ${JOB_ALARMS[name as JobAlarmName]}`
      : (
          {
            webhookDeadLetters: 'AWS/SQS ApproximateNumberOfMessagesVisible (max)',
            api5xx: 'AWS/ApiGateway 5xx / Count, in %',
            statusFunctionErrors: 'AWS/Lambda Errors, summed',
            launcherFailed: "AWS/States ExecutionsFailed of the stage's schedule launcher",
            launcherTimedOut: "AWS/States ExecutionsTimedOut of the stage's schedule launcher",
            scheduleDeadLetters: 'AWS/SQS ApproximateNumberOfMessagesVisible (max) of the schedule dead-letter queue',
          } as Record<string, string>
        )[name];
  const perOf = (name: AlarmName) =>
    name in JOB_ALARMS
      ? 'job'
      : (SCHEDULE_ALARMS as readonly string[]).includes(name)
        ? 'stage with a schedule'
        : 'stage';
  const rows = (Object.keys(ALARM_DEFAULTS) as AlarmName[]).map((name) => {
    const d = ALARM_DEFAULTS[name];
    return `| \`${name}\` | ${perOf(name)} | ${metricOf(name)} | >= ${d.threshold}, ${d.evaluationPeriods} x ${d.periodSeconds} s, missing data ${d.treatMissingData} | ${ALARM_MEANINGS[name]} | ${WHEN_IT_FIRES[name]} |`;
  });
  return [
    '| alarm | per | metric | fires at (default) | means | when it fires |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'Printed by `npm run cost:operations -- --alarms` from `ALARM_DEFAULTS` (stacks/schedules.ts).',
  ].join('\n');
}

if (require.main === module)
  process.stdout.write(`${process.argv.includes('--alarms') ? renderAlarmTable() : renderOperationsCost()}\n`);
