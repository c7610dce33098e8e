/**
 * A job's schedules and alarm settings, as data (the registry's `schedules` and `alarms`), with the
 * synth-time checks that make a bad entry fail with one line naming the job and the field, and the
 * defaults every alarm starts from.
 */
import type { Naming } from './naming';
import { scheduleExpressionProblem, timeZoneProblem } from './schedule-expression';
import { START_EXECUTION_INPUT } from './validation/schedule-limits';

/** One schedule of a job: EventBridge Scheduler on AWS, the local runtime's clock under `npm start`. */
export interface JobSchedule {
  /**
   * Lower-case letters, digits and `-`, unique within the job. The schedule is named
   * `<project>-<stage>-<job>-<name>` (64 characters at most) and its executions by the launcher
   * `<name>-<scheduled time>`, e.g. `nightly-20270101T020000Z` (80 characters at most, as the prefix
   * leaves at most 58 for the name).
   */
  readonly name: string;
  /** `rate(1 hour)`, `cron(0 2 * * ? *)` (minutes hours day-of-month month day-of-week year) or `at(2027-01-01T00:00:00)`. */
  readonly expression: string;
  /** IANA time zone the cron or at expression is read in. Default `UTC`. */
  readonly timeZone?: string;
  /** The execution's input: a JSON object of at most 256 KiB (StartExecution's limit). Default `{}`. */
  readonly input?: Readonly<Record<string, unknown>>;
  /** Default `true`; `false` keeps the schedule (and its history) but fires nothing. */
  readonly enabled?: boolean;
}

/** CloudWatch's treatment of a period with no data point. */
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

/** One alarm's settings; every field overrides the default ({@link ALARM_DEFAULTS}). */
export interface AlarmSettings {
  /** The alarm fires when the statistic is at or above this (a count, or a percentage for 5xx). */
  readonly threshold?: number;
  /** Length of one evaluation period, in seconds: a multiple of 60. */
  readonly periodSeconds?: number;
  /** How many consecutive periods must breach. */
  readonly evaluationPeriods?: number;
  readonly treatMissingData?: TreatMissingData;
  /** `true` removes the alarm. */
  readonly off?: boolean;
}

/** The per-job alarms: one per Step Functions execution metric. */
export const JOB_ALARMS = {
  executionsFailed: 'ExecutionsFailed',
  executionsTimedOut: 'ExecutionsTimedOut',
  executionThrottled: 'ExecutionThrottled',
  executionsAborted: 'ExecutionsAborted',
} as const;
export type JobAlarmName = keyof typeof JOB_ALARMS;

/** The API-wide alarms. */
export const API_ALARMS = ['webhookDeadLetters', 'api5xx', 'statusFunctionErrors'] as const;
export type ApiAlarmName = (typeof API_ALARMS)[number];

/**
 * The missed-run alarms, per stage when it has schedules: the launcher's executions that failed or
 * timed out (the job was not started: denied, deleted, throttled past the retries) and the schedules'
 * dead-letter queue (Scheduler could not start the launcher).
 */
export const SCHEDULE_ALARMS = ['launcherFailed', 'launcherTimedOut', 'scheduleDeadLetters'] as const;
export type ScheduleAlarmName = (typeof SCHEDULE_ALARMS)[number];

/** Every alarm's name. */
export type AlarmName = JobAlarmName | ApiAlarmName | ScheduleAlarmName;

/** Resolved settings of one alarm. */
export type ResolvedAlarm = Required<Omit<AlarmSettings, 'off'>> & { readonly off: boolean };

const ANY_EXECUTION: ResolvedAlarm = {
  threshold: 1,
  periodSeconds: 300,
  evaluationPeriods: 1,
  // No executions is no failure.
  treatMissingData: 'notBreaching',
  off: false,
};

/** Defaults: one failed, timed-out, throttled or aborted execution in five minutes is worth a look. */
export const ALARM_DEFAULTS: Readonly<Record<AlarmName, ResolvedAlarm>> = {
  executionsFailed: ANY_EXECUTION,
  executionsTimedOut: ANY_EXECUTION,
  executionThrottled: ANY_EXECUTION,
  executionsAborted: ANY_EXECUTION,
  // A dead letter is a webhook nobody got.
  webhookDeadLetters: { ...ANY_EXECUTION, threshold: 1 },
  // Percent of requests answered 5xx, over two five-minute periods so one bad minute does not page.
  api5xx: { ...ANY_EXECUTION, threshold: 5, evaluationPeriods: 2 },
  statusFunctionErrors: { ...ANY_EXECUTION, threshold: 5 },
  // One missed run is one report nobody got.
  launcherFailed: ANY_EXECUTION,
  launcherTimedOut: ANY_EXECUTION,
  scheduleDeadLetters: ANY_EXECUTION,
};

/** An alarm's settings: the defaults with the override applied. */
export function resolveAlarm(name: AlarmName, override: AlarmSettings | undefined): ResolvedAlarm {
  return { ...ALARM_DEFAULTS[name], ...(override ?? {}), off: override?.off ?? false };
}

/** Why one alarm override is invalid, as `[field, problem]`, or undefined. */
export function alarmSettingsProblem(settings: AlarmSettings): [string, string] | undefined {
  const known = new Set(['threshold', 'periodSeconds', 'evaluationPeriods', 'treatMissingData', 'off']);
  const unknown = Object.keys(settings).find((key) => !known.has(key));
  if (unknown) return [unknown, `is not a setting; use ${[...known].join(', ')}`];
  const { threshold, periodSeconds, evaluationPeriods, treatMissingData } = settings;
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold >= 0))
    return ['threshold', `${threshold} must be a number >= 0`];
  // The execution metrics are standard resolution (one data point a minute): shorter periods are empty.
  if (
    periodSeconds !== undefined &&
    !(Number.isInteger(periodSeconds) && periodSeconds >= 60 && periodSeconds % 60 === 0)
  )
    return ['periodSeconds', `${periodSeconds} must be a multiple of 60 seconds`];
  if (evaluationPeriods !== undefined && !(Number.isInteger(evaluationPeriods) && evaluationPeriods >= 1))
    return ['evaluationPeriods', `${evaluationPeriods} must be a whole number >= 1`];
  const span = (periodSeconds ?? 300) * (evaluationPeriods ?? 1);
  if (span > 86_400)
    return [
      'evaluationPeriods',
      `periods of ${periodSeconds ?? 300} s x ${evaluationPeriods ?? 1} span ${span} s; CloudWatch evaluates one day at most`,
    ];
  if (treatMissingData !== undefined && !['missing', 'ignore', 'breaching', 'notBreaching'].includes(treatMissingData))
    return [
      'treatMissingData',
      `${JSON.stringify(treatMissingData)} must be missing, ignore, breaching or notBreaching`,
    ];
  return undefined;
}

/**
 * Checks a stage's overrides of its API-wide or missed-run alarms (`apiAlarms`, `scheduleAlarms`) as
 * the registry's per-job overrides are checked: an unknown alarm or a bad setting fails synth with one
 * line naming the field, instead of at plan or apply.
 */
export function stageAlarmOverridesProblem(
  field: 'apiAlarms' | 'scheduleAlarms',
  overrides: Readonly<Record<string, AlarmSettings | undefined>> | undefined,
): string | undefined {
  const names: readonly string[] = field === 'apiAlarms' ? API_ALARMS : SCHEDULE_ALARMS;
  for (const [alarm, settings] of Object.entries(overrides ?? {})) {
    if (!names.includes(alarm)) return `${field}.${alarm} is not an alarm; use ${names.join(', ')}`;
    const problem = alarmSettingsProblem(settings ?? {});
    if (problem) return `${field}.${alarm}.${problem[0]} ${problem[1]}`;
  }
  return undefined;
}

const SCHEDULE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** EventBridge Scheduler's limit on a schedule's name. */
export const SCHEDULE_NAME_MAX = 64;

/** Names of one schedule's resources. */
export function scheduleResourceNames(naming: Naming, job: string, schedule: Pick<JobSchedule, 'name'>) {
  return { schedule: naming.name(`${job}-${schedule.name}`, SCHEDULE_NAME_MAX) } as const;
}

/**
 * Why one schedule is invalid, as `[field, problem]` (field relative to the schedule), or undefined.
 * The checks follow Scheduler and StartExecution, the stricter where they differ.
 */
export function scheduleProblem(naming: Naming, job: string, schedule: JobSchedule): [string, string] | undefined {
  if (!SCHEDULE_NAME.test(schedule.name))
    return [
      'name',
      `${JSON.stringify(schedule.name)} must be lower-case letters, digits and single "-", starting with a letter`,
    ];
  try {
    scheduleResourceNames(naming, job, schedule);
  } catch (err) {
    return ['name', (err as Error).message];
  }
  const expression = scheduleExpressionProblem(schedule.expression);
  if (expression) return ['expression', expression];
  if (schedule.timeZone !== undefined) {
    const zone = timeZoneProblem(schedule.timeZone);
    if (zone) return ['timeZone', zone];
  }
  if (schedule.input !== undefined) {
    let text: string | undefined;
    try {
      text = JSON.stringify(schedule.input);
    } catch {
      text = undefined;
    }
    if (text === undefined || !text.startsWith('{')) return ['input', 'must be a JSON object'];
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > START_EXECUTION_INPUT.max!)
      return ['input', `is ${bytes} bytes of JSON; ${START_EXECUTION_INPUT.source}`];
  }
  if (schedule.enabled !== undefined && typeof schedule.enabled !== 'boolean')
    return ['enabled', `${JSON.stringify(schedule.enabled)} must be true or false`];
  return undefined;
}

/** What {@link validateSchedules} reads of a job. */
export interface ScheduledJob {
  readonly name: string;
  readonly schedules?: readonly JobSchedule[];
  readonly alarms?: Readonly<Partial<Record<JobAlarmName, AlarmSettings>>>;
}

/** Schedules the app adds to the registry's, by job name (e.g. only on the production stage). */
export type ExtraSchedules = Readonly<Record<string, readonly JobSchedule[]>>;

/** Every job's schedules: its own, then the app's extra ones. */
export function schedulesOf(job: ScheduledJob, extra: ExtraSchedules = {}): readonly JobSchedule[] {
  return [...(job.schedules ?? []), ...(Object.hasOwn(extra, job.name) ? extra[job.name]! : [])];
}

/**
 * Checks every job's schedules and alarm settings, and that extra schedules name a job that exists.
 * @param fail throws the registry's one-line error naming the job and the field.
 */
export function validateSchedules(
  jobs: readonly ScheduledJob[],
  naming: Naming,
  extra: ExtraSchedules,
  fail: (job: string, field: string, problem: string) => never,
): void {
  for (const name of Object.keys(extra)) {
    if (!jobs.some((job) => job.name === name))
      fail(
        name,
        'schedules',
        `no job ${JSON.stringify(name)} in the registry; jobs are ${jobs.map((j) => j.name).join(', ')}`,
      );
  }
  // `<job>-<schedule>` can repeat across jobs (job `a-b` with `c`, job `a` with `b-c`).
  const resourceOwners = new Map<string, string>();
  for (const job of jobs) {
    const seen = new Set<string>();
    schedulesOf(job, extra).forEach((schedule, i) => {
      const problem = scheduleProblem(naming, job.name, schedule);
      if (problem) fail(job.name, `schedules[${i}].${problem[0]}`, problem[1]);
      if (seen.has(schedule.name))
        fail(job.name, `schedules[${i}].name`, `another schedule of the job is named ${JSON.stringify(schedule.name)}`);
      seen.add(schedule.name);
      const resource = scheduleResourceNames(naming, job.name, schedule).schedule;
      const owner = resourceOwners.get(resource);
      if (owner)
        fail(job.name, `schedules[${i}].name`, `its schedule would be named ${resource}, as ${owner}'s is; rename one`);
      resourceOwners.set(resource, `job ${JSON.stringify(job.name)}`);
    });
    for (const [alarm, settings] of Object.entries(job.alarms ?? {})) {
      if (!Object.hasOwn(JOB_ALARMS, alarm))
        fail(job.name, `alarms.${alarm}`, `is not an alarm; use ${Object.keys(JOB_ALARMS).join(', ')}`);
      const problem = alarmSettingsProblem(settings ?? {});
      if (problem) fail(job.name, `alarms.${alarm}.${problem[0]}`, problem[1]);
    }
  }
}
