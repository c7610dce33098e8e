import { executionNameProblem } from '../../../lambda-src/shared/step-functions-arn';
import type { SchedulerClock } from '../../../local/scheduler/scheduler';
import { localExecutionId, scheduledTimeText } from '../../../local/scheduler/scheduler';
import type { TerraformJson } from '../../../local/terraform/document';
import { SCHEDULED_EXECUTION_NAME } from '../../../stacks/constructs/job-schedules';
import { startTestRuntime, type TestRuntime } from '../helpers';

// `npm start` fires the stack's schedules: a `rate(1 minute)` schedule on an injected clock starts
// its job once a minute, named by the scheduled time, and a restart does not start a run twice.

/** A clock whose time moves only when the test says; due timers fire in order. */
class FakeClock implements SchedulerClock {
  private timers: { at: number; fire: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(private time: number) {}
  now = () => this.time;
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

    // Assess: 12:00, 12:01, 12:02, 12:03; each named <schedule>-<id of its scheduled time>.
    expect(afterOne).toHaveLength(2);
    const names = (await executions(rt.runtime, machine)).map((e) => e.name).sort();
    const scheduleArn = `arn:aws:scheduler:us-east-1:123456789012:schedule/async-api-dev-schedules/${schedule!.name}`;
    const expected = ['12:00:00', '12:01:00', '12:02:00', '12:03:00'].map((t) =>
      SCHEDULED_EXECUTION_NAME('nightly').replace(
        '<aws.scheduler.execution-id>',
        localExecutionId(scheduleArn, new Date(`2026-12-06T${t}Z`)),
      ),
    );
    expect(names).toEqual(expected.sort());
    for (const name of names) expect(executionNameProblem(name)).toBeUndefined();
    expect(
      rt.logs.filter((l) => l.includes(`(${scheduledTimeText(new Date('2026-12-06T12:03:00Z'))}): started`)),
    ).toHaveLength(1);
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

  it("a scheduler role that may not start the job fails the firing, as Scheduler's would", async () => {
    // Prepare: the schedule's role without its StartExecution statement.
    const withoutStart = (doc: TerraformJson): TerraformJson => {
      const policies = doc.resource?.['aws_iam_role_policy'] as Record<string, Record<string, unknown>>;
      for (const policy of Object.values(policies)) {
        if (policy['name'] !== 'async-api-dev-scheduler') continue;
        const document = JSON.parse(String(policy['policy'])) as { Statement: { Sid: string }[] };
        document.Statement = document.Statement.filter((st) => st.Sid !== 'StartScheduledJobs');
        policy['policy'] = JSON.stringify(document);
      }
      return everyMinute(doc);
    };
    rt = await startTestRuntime({ transform: withoutStart, schedulerClock: new FakeClock(T0) });

    // Act
    const outcome = await rt.runtime.scheduler.runNow(rt.runtime.scheduler.list()[0]!.name);

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', error: 'AccessDeniedException' });
    expect(rt.logs.some((l) => l.includes('dead-letter queue'))).toBe(true);
  });
});
