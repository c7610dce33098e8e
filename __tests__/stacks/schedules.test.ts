import { JobDefinitionError, validateJobs } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { Naming } from '../../stacks/naming';
import { nextRun, scheduleExpressionProblem, timeZoneProblem } from '../../stacks/schedule-expression';
import { type JobSchedule, type ScheduledJob, validateSchedules } from '../../stacks/schedules';

// A bad schedule or alarm setting fails synth with one line naming the job and the field.
const naming = new Naming('async-api', 'dev');
const fail = (job: string, field: string, problem: string): never => {
  throw new JobDefinitionError(job, field, problem);
};
const check =
  (schedule: Partial<JobSchedule>, job = 'report') =>
  () =>
    validateSchedules(
      [{ name: job, schedules: [{ name: 'nightly', expression: 'rate(1 hour)', ...schedule }] }],
      naming,
      {},
      fail,
    );
/** A JSON object whose text is exactly `bytes` UTF-8 bytes, padded with `pad`. */
const inputOf = (bytes: number, pad = 'x') => {
  const padBytes = Buffer.byteLength(pad);
  return { a: pad.repeat(Math.floor((bytes - 8) / padBytes)) + 'x'.repeat((bytes - 8) % padBytes) };
};

describe('schedule expressions (EventBridge Scheduler grammar)', () => {
  test.each([
    'rate(1 minute)',
    'rate(2 minutes)',
    'rate(1 hour)',
    'rate(24 hours)',
    'rate(1 day)',
    'cron(0 2 * * ? *)',
    'cron(59 23 31 12 ? 2199)',
    'cron(0 0 ? * 7 1970)',
    'cron(0/15 8-17 ? * MON-FRI *)',
    'cron(0 23-23 ? * SUN-SAT 2027-2027)',
    'cron(0 10 ? * 6#5 *)',
    'cron(0 10 ? * 6L *)',
    'cron(0 10 L * ? *)',
    'cron(0 10 15W * ? *)',
    'cron(0 10 1,15 JAN,JUL ? *)',
    'at(2028-02-29T00:00:00)',
    'at(2027-12-31T23:59:59)',
  ])('accepts %s', (expression) => expect(scheduleExpressionProblem(expression)).toBeUndefined());

  test.each([
    ['rate(1 minutes)', /use "minute" with 1/],
    ['rate(2 minute)', /use "minutes" with 2/],
    ['rate(0 minutes)', />= 1/],
    ['rate(1 second)', /not a schedule expression/],
    ['rate(1.5 hours)', /not a schedule expression/],
    ['cron(0 2 * * ?)', /6 fields.*got 5/],
    ['cron(0 2 * * ? * *)', /6 fields.*got 7/],
    ['cron(0  2 * * ? *)', /6 fields/],
    ['cron(60 2 * * ? *)', /minutes "60"/],
    ['cron(0 24 * * ? *)', /hours "24"/],
    ['cron(0 2 32 * ? *)', /day-of-month "32"/],
    ['cron(0 2 0 * ? *)', /day-of-month "0"/],
    ['cron(0 2 * 13 ? *)', /month "13"/],
    ['cron(0 2 ? * 8 *)', /day-of-week "8"/],
    ['cron(0 2 ? * 0 *)', /day-of-week "0"/],
    ['cron(0 10 ? * 6#6 *)', /day-of-week "6#6"/],
    ['cron(0 2 * * ? 2200)', /year "2200"/],
    ['cron(0 2 * * ? 1969)', /year "1969"/],
    ['cron(0 2 * * * *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 2 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0/0 2 * * ? *)', /step 0/],
    // The guide's table lists no "/" for day-of-week (it does for day-of-month).
    ['cron(0 2 ? * 1/2 *)', /day-of-week "1\/2": AWS documents no "\/" in day-of-week/],
    ['cron(0 2 ? * MON-FRI/2 *)', /day-of-week "MON-FRI\/2"/],
    // A range that wraps: undocumented, and croner (the local scheduler) refuses it.
    ['cron(0 22-2 * * ? *)', /hours "22-2": "22-2" runs backwards/],
    ['cron(0 2 ? * SAT-SUN *)', /day-of-week "SAT-SUN": "SAT-SUN" runs backwards/],
    ['cron(0 2 * * ? 2028-2027)', /year "2028-2027": "2028-2027" runs backwards/],
    ['0 2 * * *', /not a schedule expression/],
    ['at(2027-02-29T00:00:00)', /not a date and time that exists/],
    ['at(2027-12-31T24:00:00)', /not a date and time that exists/],
    ['at(2027-12-31 23:00:00)', /not a schedule expression/],
  ])('refuses %s', (expression, message) => expect(scheduleExpressionProblem(expression)).toMatch(message));
});

describe('time zones', () => {
  test.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Calcutta'])('accepts %s', (zone) =>
    expect(timeZoneProblem(zone)).toBeUndefined(),
  );
  // Exact names only: no case folding, no offsets (the stricter side).
  test.each(['utc', 'europe/berlin', 'Europe/Berln', 'CET+1', '+01:00', ''])('refuses %j', (zone) =>
    expect(timeZoneProblem(zone)).toMatch(/not an IANA time zone/),
  );
});

describe('validateSchedules', () => {
  test('input at StartExecution limit passes; one byte more fails, counted in UTF-8 bytes', () => {
    expect(check({ input: inputOf(262_144) })).not.toThrow();
    expect(check({ input: inputOf(262_145) })).toThrow('job "report": schedules[0].input: is 262145 bytes of JSON');
    // 131,068 two-byte characters: under the limit in characters, over it in bytes.
    expect(check({ input: inputOf(262_146, 'é') })).toThrow(/262146 bytes/);
  });

  test('the field that is wrong is named, in one line', () => {
    expect(check({ expression: 'rate(5 minute)' })).toThrow(
      /^job "report": schedules\[0\]\.expression: rate\(5 minute\)/,
    );
    expect(check({ timeZone: 'Mars/Olympus' })).toThrow('job "report": schedules[0].timeZone: "Mars/Olympus"');
    expect(check({ input: [] as never })).toThrow('schedules[0].input: must be a JSON object');
    expect(check({ name: 'Nightly' })).toThrow('schedules[0].name');
    expect(check({ enabled: 'yes' as never })).toThrow('schedules[0].enabled');
    let message = '';
    try {
      check({ timeZone: 'Mars/Olympus' })();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain('\n');
  });

  test("a schedule's resource name is held to Scheduler's 64 characters", () => {
    // async-api-dev-<job>-<schedule>: 14 + 6 + 1 + 43 = 64 characters.
    expect(check({ name: `n${'a'.repeat(42)}` })).not.toThrow();
    expect(check({ name: `n${'a'.repeat(43)}` })).toThrow(/schedules\[0\]\.name: .*65 characters; the limit is 64/);
  });

  test('two schedules of a job may not share a name', () => {
    const job: ScheduledJob = {
      name: 'report',
      schedules: [
        { name: 'nightly', expression: 'rate(1 day)' },
        { name: 'nightly', expression: 'rate(2 days)' },
      ],
    };
    expect(() => validateSchedules([job], naming, {}, fail)).toThrow('schedules[1].name');
  });

  test("two jobs' schedules may not end up with the same resource name", () => {
    const jobs: ScheduledJob[] = [
      { name: 'a-b', schedules: [{ name: 'c', expression: 'rate(1 day)' }] },
      { name: 'a', schedules: [{ name: 'b-c', expression: 'rate(1 day)' }] },
    ];
    expect(() => validateSchedules(jobs, naming, {}, fail)).toThrow(
      'job "a": schedules[0].name: its schedule would be named async-api-dev-a-b-c, as job "a-b"\'s is; rename one',
    );
  });

  test('an extra schedule on a job that does not exist fails, naming it', () => {
    const extra = { reprot: [{ name: 'nightly', expression: 'rate(1 day)' }] };
    expect(() => validateSchedules([{ name: 'report' }], naming, extra, fail)).toThrow(
      'job "reprot": schedules: no job "reprot" in the registry; jobs are report',
    );
    expect(() => validateSchedules([{ name: 'report' }], naming, { report: extra.reprot }, fail)).not.toThrow();
  });

  test('alarm overrides: periods in whole minutes, one day at most, known names only', () => {
    const alarms =
      (settings: object, name = 'executionsFailed') =>
      () =>
        validateSchedules([{ name: 'report', alarms: { [name]: settings } }], naming, {}, fail);
    expect(alarms({ periodSeconds: 60 })).not.toThrow();
    expect(alarms({ periodSeconds: 90 })).toThrow('alarms.executionsFailed.periodSeconds');
    expect(alarms({ periodSeconds: 30 })).toThrow('alarms.executionsFailed.periodSeconds');
    expect(alarms({ periodSeconds: 3600, evaluationPeriods: 24 })).not.toThrow();
    expect(alarms({ periodSeconds: 3600, evaluationPeriods: 25 })).toThrow(/evaluationPeriods: .*one day/);
    expect(alarms({ threshold: 0 })).not.toThrow();
    expect(alarms({ threshold: -1 })).toThrow('alarms.executionsFailed.threshold');
    expect(alarms({ treatMissingData: 'notbreaching' })).toThrow('treatMissingData');
    expect(alarms({ off: true })).not.toThrow();
    expect(alarms({ thresold: 2 })).toThrow('alarms.executionsFailed.thresold: is not a setting');
    expect(alarms({}, 'executionFailed')).toThrow('alarms.executionFailed: is not an alarm');
  });

  test('validateJobs checks the registry entries schedules', () => {
    const job = { ...JOBS[0]!, schedules: [{ name: 'nightly', expression: 'cron(0 2 * * ? *)', timeZone: 'Berlin' }] };
    expect(() => validateJobs([job], naming)).toThrow(`job "${job.name}": schedules[0].timeZone`);
    expect(() => validateJobs([JOBS[0]!], naming, { missing: [] })).toThrow('job "missing": schedules: no job');
  });
});

describe('nextRun', () => {
  test('a rate fires on multiples of its interval, strictly after the given time', () => {
    expect(nextRun('rate(1 minute)', 'UTC', new Date('2026-12-06T12:00:30Z'))).toEqual(
      new Date('2026-12-06T12:01:00Z'),
    );
    expect(nextRun('rate(1 minute)', 'UTC', new Date('2026-12-06T12:01:00Z'))).toEqual(
      new Date('2026-12-06T12:02:00Z'),
    );
    expect(nextRun('rate(2 hours)', 'UTC', new Date('2026-12-06T13:00:00Z'))).toEqual(new Date('2026-12-06T14:00:00Z'));
  });

  test('a cron is read in its time zone, with AWS day-of-week numbers (1 = Sunday)', () => {
    // 02:00 in Berlin is 01:00 UTC in winter, 00:00 UTC in summer.
    expect(nextRun('cron(0 2 * * ? *)', 'Europe/Berlin', new Date('2026-12-06T12:00:00Z'))).toEqual(
      new Date('2026-12-07T01:00:00Z'),
    );
    expect(nextRun('cron(0 2 * * ? *)', 'Europe/Berlin', new Date('2026-07-01T12:00:00Z'))).toEqual(
      new Date('2026-07-02T00:00:00Z'),
    );
    // 2026-12-06 is a Sunday: day 1 is today (past 10:00), day 2 tomorrow.
    expect(nextRun('cron(0 10 ? * 1 *)', 'UTC', new Date('2026-12-06T12:00:00Z'))).toEqual(
      new Date('2026-12-13T10:00:00Z'),
    );
    expect(nextRun('cron(0 10 ? * 2 *)', 'UTC', new Date('2026-12-06T12:00:00Z'))).toEqual(
      new Date('2026-12-07T10:00:00Z'),
    );
    expect(nextRun('cron(0 10 ? * 6#3 *)', 'UTC', new Date('2026-12-06T12:00:00Z'))).toEqual(
      new Date('2026-12-18T10:00:00Z'),
    );
  });

  test('years and at() end a schedule', () => {
    expect(nextRun('cron(0 10 1 1 ? 2028)', 'UTC', new Date('2026-12-06T12:00:00Z'))).toEqual(
      new Date('2028-01-01T10:00:00Z'),
    );
    expect(nextRun('cron(0 10 1 1 ? 2026)', 'UTC', new Date('2026-12-06T12:00:00Z'))).toBeUndefined();
    expect(nextRun('at(2027-01-01T00:00:00)', 'Europe/Berlin', new Date('2026-12-06T12:00:00Z'))).toEqual(
      new Date('2026-12-31T23:00:00Z'),
    );
    expect(nextRun('at(2026-01-01T00:00:00)', 'UTC', new Date('2026-12-06T12:00:00Z'))).toBeUndefined();
  });

  test("AWS's <start>/<step> runs to the field's end (croner refuses it unspelt)", () => {
    expect(nextRun('cron(0/15 * * * ? *)', 'UTC', new Date('2026-12-06T12:44:59Z'))).toEqual(
      new Date('2026-12-06T12:45:00Z'),
    );
    expect(nextRun('cron(0/15 * * * ? *)', 'UTC', new Date('2026-12-06T12:45:00Z'))).toEqual(
      new Date('2026-12-06T13:00:00Z'),
    );
    expect(nextRun('cron(0 0 10/7 * ? *)', 'UTC', new Date('2026-12-24T12:00:00Z'))).toEqual(
      new Date('2026-12-31T00:00:00Z'),
    );
  });

  test("the year field is the schedule's zone's year, on both sides of UTC's new year", () => {
    // New year in Tokyo (UTC+9) is still 2026 in UTC; 20:00 on 31 December in New York is 2027 in UTC.
    expect(nextRun('cron(0 0 1 1 ? 2027)', 'Asia/Tokyo', new Date('2026-12-06T12:00:00Z'))).toEqual(
      new Date('2026-12-31T15:00:00Z'),
    );
    expect(nextRun('cron(0 20 31 12 ? 2026)', 'America/New_York', new Date('2026-12-06T12:00:00Z'))).toEqual(
      new Date('2027-01-01T01:00:00Z'),
    );
  });

  test("a frequent cron limited to a later year fires at that year's first instant", () => {
    expect(nextRun('cron(* * * * ? 2030)', 'UTC', new Date('2026-12-06T12:00:00Z'))).toEqual(
      new Date('2030-01-01T00:00:00Z'),
    );
    expect(nextRun('cron(0/5 * * * ? 2029-2030)', 'Europe/Berlin', new Date('2029-12-31T22:58:00Z'))).toEqual(
      new Date('2029-12-31T23:00:00Z'),
    );
    expect(nextRun('cron(0/5 * * * ? 2029-2030)', 'Europe/Berlin', new Date('2030-12-31T22:56:00Z'))).toBeUndefined();
  });
});
