import { executionNameProblem } from '../../../lambda-src/shared/step-functions-arn';
import type { SchedulerClock } from '../../../local/scheduler/scheduler';
import { scheduledTimeText } from '../../../local/scheduler/scheduler';
import type { TerraformJson } from '../../../local/terraform/document';
import { loadSynthesizedStack } from '../../../local/terraform/stack';
import { startTestRuntime, synthesize, type TestRuntime, waitForEnd } from '../helpers';

// `npm start` fires the stack's schedules: a `rate(1 minute)` schedule on an injected clock starts
// the launcher, which starts its job once a minute, named by the scheduled time; a restart or a
// second delivery of the same run does not start it twice.

/** A clock whose time moves only when the test says; due timers fire in order. */
class FakeClock implements SchedulerClock {
  private timers: { at: number; fire: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(private time: number) {}
  now = () => this.time;
  /** Timers armed and not yet fired or cleared. */
  get pending(): number {
    return this.timers.length;
  }
  setTimer = (fire: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fire, id });
    return id;
  };
  clearTimer = (handle: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fire();
    }
    this.time = end;
  }
}

/** The registry's (disabled) example schedule, switched on and made to fire every minute. */
const everyMinute = (doc: TerraformJson): TerraformJson => {
  const schedules = (doc.resource?.['aws_scheduler_schedule'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const schedule of Object.values(schedules)) {
    schedule['schedule_expression'] = 'rate(1 minute)';
    schedule['state'] = 'ENABLED';
  }
  return doc;
};

// 12:00:30 UTC: the first run is due at 12:01:00.
const T0 = Date.parse('2026-12-06T12:00:30Z');

describe('schedules under npm start', () => {
  let rt: TestRuntime | undefined;
  afterEach(async () => {
    await rt?.close();
    rt = undefined;
  });

  const executions = async (runtime: TestRuntime['runtime'], machine: string) =>
    (
      (await runtime.sfn.listExecutions({ kind: 'developer' }, { stateMachineArn: machine })) as {
        executions: { name: string; startDate: number }[];
      }
    ).executions;

  it('fires rate(1 minute) once a minute, named by the scheduled time, with the role and input of the stack', async () => {
    // Prepare
    const clock = new FakeClock(T0);
    rt = await startTestRuntime({ transform: everyMinute, schedulerClock: clock });
    const [schedule] = rt.runtime.scheduler.list();
    expect(schedule).toBeDefined();
    const machine = schedule!.stateMachineArn!;
    // A fresh runtime: the run of 12:00:00 is within the retry window and counts as missed.
    await rt.runtime.scheduler.idle();
    expect(await executions(rt.runtime, machine)).toHaveLength(1);
    expect(schedule!.nextRun).toEqual(new Date('2026-12-06T12:01:00Z'));

    // Act: to 12:01:00, two minutes more, then 59 seconds that reach no new minute.
    clock.advance(30_000);
    await rt.runtime.scheduler.idle();
    const afterOne = await executions(rt.runtime, machine);
    clock.advance(2 * 60_000);
    await rt.runtime.scheduler.idle();
    clock.advance(59_000);
    await rt.runtime.scheduler.idle();

    // Assess: 12:00, 12:01, 12:02, 12:03; each named <schedule>-<its scheduled time>.
    expect(afterOne).toHaveLength(2);
    const names = (await executions(rt.runtime, machine)).map((e) => e.name).sort();
    expect(names).toEqual(['0000', '0100', '0200', '0300'].map((t) => `nightly-20261206T12${t}Z`));
    for (const name of names) expect(executionNameProblem(name)).toBeUndefined();
    expect(
      rt.logs.filter((l) => l.includes(`(${scheduledTimeText(new Date('2026-12-06T12:03:00Z'))}): started`)),
    ).toHaveLength(1);
  });

  it("a reload clears the replaced stack's timers: after three, each run starts once", async () => {
    // Prepare
    const clock = new FakeClock(T0);
    rt = await startTestRuntime({ transform: everyMinute, schedulerClock: clock });
    const armed = rt.runtime.scheduler.list().filter((s) => s.enabled).length;
    const machine = rt.runtime.scheduler.list()[0]!.stateMachineArn!;
    await rt.runtime.scheduler.idle();
    const before = (await executions(rt.runtime, machine)).length;
    const { doc, stackDir } = loadSynthesizedStack(synthesize());

    // Act: three reloads (watch mode), then to 12:01:00
    for (let i = 0; i < 3; i++) await rt.runtime.reload({ stack: { doc, stackDir } });
    const pending = clock.pending;
    clock.advance(30_000);
    await rt.runtime.scheduler.idle();

    // Assess: one timer per enabled schedule, and the 12:01 run started once
    expect(armed).toBeGreaterThan(0);
    expect(pending).toBe(armed);
    expect(await executions(rt.runtime, machine)).toHaveLength(before + 1);
  });

  it('a runtime started at the very instant of a run starts that run, and the next one a minute later', async () => {
    // Prepare: 12:01:00.000 exactly, a run's scheduled time
    const clock = new FakeClock(Date.parse('2026-12-06T12:01:00.000Z'));
    rt = await startTestRuntime({ transform: everyMinute, schedulerClock: clock });
    const machine = rt.runtime.scheduler.list()[0]!.stateMachineArn!;

    // Act
    await rt.runtime.scheduler.idle();
    const atStart = (await executions(rt.runtime, machine)).map((e) => e.name);
    clock.advance(60_000);
    await rt.runtime.scheduler.idle();

    // Assess: neither lost (armed only after now) nor started twice
    expect(atStart).toEqual(['nightly-20261206T120100Z']);
    expect((await executions(rt.runtime, machine)).map((e) => e.name).sort()).toEqual([
      'nightly-20261206T120100Z',
      'nightly-20261206T120200Z',
    ]);
  });

  it('a restart catches a missed run up once, and never starts one twice', async () => {
    // Prepare: a run at 12:01, then the runtime stops.
    const clock = new FakeClock(Date.parse('2026-12-06T12:00:59Z'));
    rt = await startTestRuntime({ transform: everyMinute, schedulerClock: clock });
    const dataDir = rt.dataDir;
    const machine = rt.runtime.scheduler.list()[0]!.stateMachineArn!;
    clock.advance(1_000);
    await rt.runtime.scheduler.idle();
    const before = (await executions(rt.runtime, machine)).length;
    await rt.close({ keepData: true });

    // Act: restarted in the same minute (nothing new is due), then again after missing 12:02.
    rt = await startTestRuntime({
      transform: everyMinute,
      schedulerClock: new FakeClock(Date.parse('2026-12-06T12:01:30Z')),
      dataDir,
    });
    await rt.runtime.scheduler.idle();
    const sameMinute = (await executions(rt.runtime, machine)).length;
    const sameMinuteLogs = [...rt.logs];
    await rt.close({ keepData: true });
    rt = await startTestRuntime({
      transform: everyMinute,
      schedulerClock: new FakeClock(Date.parse('2026-12-06T12:02:40Z')),
      dataDir,
    });
    await rt.runtime.scheduler.idle();

    // Assess: 12:00 and 12:01 before; no new one in the same minute; 12:02 once after the gap.
    expect(before).toBe(2);
    expect(sameMinute).toBe(2);
    expect(await executions(rt.runtime, machine)).toHaveLength(3);
    expect(sameMinuteLogs.filter((l) => l.includes('not started again'))).toHaveLength(1);
  });

  it('a disabled schedule fires nothing, and "run now" starts its job with its input', async () => {
    // Prepare: the registry's schedule as synthesized (disabled).
    const clock = new FakeClock(T0);
    rt = await startTestRuntime({ schedulerClock: clock });
    const [schedule] = rt.runtime.scheduler.list();
    const machine = schedule!.stateMachineArn!;

    // Act
    clock.advance(24 * 60 * 60_000);
    await rt.runtime.scheduler.idle();
    const fired = await executions(rt.runtime, machine);
    const outcome = await rt.runtime.scheduler.runNow(schedule!.name);

    // Assess
    expect(schedule!.enabled).toBe(false);
    expect(schedule!.nextRun).toBeUndefined();
    expect(fired).toEqual([]);
    expect(outcome).toEqual({ kind: 'started', executionArn: expect.any(String) });
    const started = outcome as { executionArn: string };
    const described = (await rt.runtime.sfn.describeExecution(
      { kind: 'developer' },
      { executionArn: started.executionArn },
    )) as {
      input: string;
    };
    expect(JSON.parse(described.input)).toEqual({ seconds: 0 });
  });

  /** The stack with one statement taken out of one role's policy. */
  const withoutStatement =
    (policyName: string, sid: string) =>
    (doc: TerraformJson): TerraformJson => {
      const policies = doc.resource?.['aws_iam_role_policy'] as Record<string, Record<string, unknown>>;
      const policy = Object.values(policies).find((p) => p['name'] === policyName)!;
      const document = JSON.parse(String(policy['policy'])) as { Statement: { Sid: string }[] };
      expect(document.Statement.some((st) => st.Sid === sid)).toBe(true);
      document.Statement = document.Statement.filter((st) => st.Sid !== sid);
      policy['policy'] = JSON.stringify(document);
      return everyMinute(doc);
    };

  it("a scheduler role that may not start the launcher fails the delivery, as Scheduler's would", async () => {
    // Prepare
    rt = await startTestRuntime({
      transform: withoutStatement('async-api-dev-scheduler', 'StartLauncher'),
      schedulerClock: new FakeClock(T0),
    });

    // Act
    const outcome = await rt.runtime.scheduler.runNow(rt.runtime.scheduler.list()[0]!.name);

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', error: 'AccessDeniedException' });
    expect(rt.logs.some((l) => l.includes('dead-letter queue'))).toBe(true);
  });

  it("a scheduler role whose trust names another schedule group is not assumed: Scheduler sends its group's ARN", async () => {
    // Prepare: the trust policy's aws:SourceArn points at a neighbouring group.
    const otherGroup = (doc: TerraformJson): TerraformJson => {
      const roles = doc.resource?.['aws_iam_role'] as Record<string, Record<string, unknown>>;
      const role = Object.values(roles).find((r) => r['name'] === 'async-api-dev-scheduler')!;
      const trust = String(role['assume_role_policy']);
      expect(trust).toMatch(/aws_scheduler_schedule_group\.[^.}]+\.arn/);
      role['assume_role_policy'] = trust.replace(/\$\{aws_scheduler_schedule_group\.[^.}]+\.arn\}/, '$&-other');
      return everyMinute(doc);
    };
    rt = await startTestRuntime({ transform: otherGroup, schedulerClock: new FakeClock(T0) });

    // Act
    const outcome = await rt.runtime.scheduler.runNow(rt.runtime.scheduler.list()[0]!.name);

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', error: 'AccessDenied' });
    expect(rt.logs.some((l) => l.includes('Scheduler may not assume'))).toBe(true);
  });

  it('a launcher role that may not start the job fails the launcher with the name Step Functions gives, a missed run that alarms', async () => {
    // Prepare
    rt = await startTestRuntime({
      transform: withoutStatement('async-api-dev-schedule-launcher-states', 'StartScheduledJobs'),
      schedulerClock: new FakeClock(T0),
      // The launcher retries what may be throttling (the same error name) before it fails.
      retryIntervalMs: 0,
    });
    const [schedule] = rt.runtime.scheduler.list();

    // Act
    const outcome = await rt.runtime.scheduler.runNow(schedule!.name);

    // Assess: the launcher failed in its task; the job never started.
    expect(outcome).toMatchObject({ kind: 'failed', error: 'StepFunctions.AWSStepFunctionsException' });
    expect((outcome as { message: string }).message).toMatch(
      /ended FAILED: .*not authorized to perform: states:StartExecution.*\(Service: AWSStepFunctions; Status Code: 400; Error Code: AccessDeniedException/,
    );
    expect(await executions(rt.runtime, schedule!.stateMachineArn!)).toEqual([]);
    // The missed-run alarm on the launcher's ExecutionsFailed is met (threshold 1), as on AWS; the
    // job's own alarms are not (it never ran).
    expect(rt.runtime.alarms.alarming()).toEqual(['async-api-dev-launcher-failed']);
    expect(rt.logs).toContainEqual(
      expect.stringMatching(/^ALARM async-api-dev-launcher-failed: ExecutionsFailed 1 >= 1 .*schedule-launcher:/),
    );
  });

  it('a stopping runtime does not wait for a launcher that is still retrying its start', async () => {
    // Prepare: the launcher's start is denied, and it retries with its real delays (seconds).
    rt = await startTestRuntime({
      transform: withoutStatement('async-api-dev-schedule-launcher-states', 'StartScheduledJobs'),
      schedulerClock: new FakeClock(T0),
    });
    const firing = rt.runtime.scheduler.runNow(rt.runtime.scheduler.list()[0]!.name);

    // Act
    await rt.close();
    rt = undefined;

    // Assess: the firing gave up on the launcher (waiting for it would have meant minutes of retries).
    expect(await firing).toMatchObject({ kind: 'failed', error: 'Interrupted' });
  });

  it('rate(1 minute): the 12:01 run delivered twice (a Scheduler retry) starts the job once', async () => {
    // Prepare: a second before 12:01; the catch-up of 12:00 is done.
    const clock = new FakeClock(Date.parse('2026-12-06T12:00:59Z'));
    rt = await startTestRuntime({ transform: everyMinute, schedulerClock: clock });
    await rt.runtime.scheduler.idle();
    const [schedule] = rt.runtime.scheduler.list();
    const machine = schedule!.stateMachineArn!;
    const machines = (await rt.runtime.sfn.listStateMachines({ kind: 'developer' }, {})) as {
      stateMachines: { name: string; stateMachineArn: string }[];
    };
    const launcher = machines.stateMachines.find((m) => m.name.endsWith('-schedule-launcher'))!.stateMachineArn;
    const untilEnded = async () => {
      for (const e of (await executions(rt!.runtime, machine)) as unknown as { executionArn: string }[])
        await waitForEnd(async () => ({
          status: 200,
          headers: new Headers(),
          body: await rt!.runtime.sfn.describeExecution({ kind: 'developer' }, { executionArn: e.executionArn }),
        }));
    };

    // Act: the timer delivers 12:01:00; once the job has ended (while it runs, StartExecution itself
    // answers with the same execution), the same run is delivered again, in the same second.
    clock.advance(1_000);
    await rt.runtime.scheduler.idle();
    await untilEnded();
    const again = await rt.runtime.scheduler.runNow(schedule!.name);

    // Assess: 12:00 and 12:01 once each; every launcher SUCCEEDED, the last one by catching the name.
    expect(again).toEqual({ kind: 'already-started', executionName: 'nightly-20261206T120100Z' });
    expect((await executions(rt.runtime, machine)).map((e) => e.name).sort()).toEqual([
      'nightly-20261206T120000Z',
      'nightly-20261206T120100Z',
    ]);
    const launches = (await executions(rt.runtime, launcher)) as unknown as { executionArn: string; status: string }[];
    expect(launches.map((l) => l.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const history = (await rt.runtime.sfn.getExecutionHistory(
      { kind: 'developer' },
      { executionArn: launches[0]!.executionArn },
    )) as { events: { type: string; taskFailedEventDetails?: { error: string } }[] };
    expect(history.events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails?.error).toBe(
      'StepFunctions.ExecutionAlreadyExistsException',
    );
    expect(rt.logs.filter((l) => l.includes('(2026-12-06T12:01:00Z): already started'))).toHaveLength(1);
  });
});
