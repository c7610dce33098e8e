/**
 * EventBridge Scheduler, locally: fires the stack's schedules on the runtime's clock, in each
 * schedule's time zone, and calls the universal target's StartExecution as Scheduler would: with
 * the schedule's role (which Scheduler must be allowed to assume, for this account), the request the
 * stack wrote, and Scheduler's context attributes substituted in it.
 *
 * The stack's schedules start the launcher state machine, which names the job's execution by the
 * scheduled time; so a repeated delivery (a restart that catches a missed run up, "run now" in the
 * same second) starts the job once, by the code AWS runs (docs/aws-behaviour.md §12.2). As on AWS,
 * `<aws.scheduler.execution-id>` differs on every delivery. What the runtime adds is only a look:
 * it waits for the launcher to end to report what the firing did.
 */
import { randomBytes } from 'node:crypto';
import { nextRun } from '../../stacks/schedule-expression';
import type { IamAuthorizer } from '../iam/authorizer';
import { SfnError } from '../stepfunctions/errors';
import type { StepFunctionsService } from '../stepfunctions/service';
import { type Ended, ended, launcherInputOf, requestOf, scheduledMachineOf } from './launcher';
import type { ScheduleModel } from './read';

/** Time and timers, injectable so tests fire a `rate(1 minute)` schedule without waiting a minute. */
export interface SchedulerClock {
  now(): number;
  setTimer(fire: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The process's clock. */
export const SYSTEM_CLOCK: SchedulerClock = {
  now: () => Date.now(),
  setTimer: (fire, ms) => setTimeout(fire, ms).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** What one firing did. */
export type FireOutcome =
  | { readonly kind: 'started'; readonly executionArn: string }
  | { readonly kind: 'already-started'; readonly executionName: string }
  | { readonly kind: 'failed'; readonly error: string; readonly message: string };

/** A schedule as the banner, the dashboard and the CLI list it. */
export interface ScheduleListing {
  readonly name: string;
  readonly expression: string;
  readonly timeZone: string;
  readonly enabled: boolean;
  readonly stateMachineArn: string | undefined;
  /** Undefined when disabled or when it never fires again. */
  readonly nextRun: Date | undefined;
}

/** Dependencies of {@link LocalScheduler}; getters, as a reload replaces the stack. */
export interface LocalSchedulerOptions {
  readonly schedules: () => readonly ScheduleModel[];
  readonly sfn: () => StepFunctionsService;
  readonly iam: () => IamAuthorizer;
  readonly clock?: SchedulerClock;
  readonly log: (line: string) => void;
}

const START_EXECUTION = /^arn:[\w-]+:scheduler:::aws-sdk:sfn:startExecution$/;
// Timers longer than this overflow Node's 32-bit delay; a far run is re-armed on the way.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Scheduler's `<aws.scheduler.scheduled-time>`: ISO 8601 in UTC, to the second. */
export function scheduledTimeText(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** `<aws.scheduler.execution-id>`: 16 hex digits, new for every delivery, as Scheduler's. */
export function newExecutionId(): string {
  return randomBytes(8).toString('hex');
}

/** The target's request with Scheduler's context attributes substituted. */
export function substituteContext(template: string, schedule: Pick<ScheduleModel, 'arn'>, at: Date): string {
  const values: Readonly<Record<string, string>> = {
    'schedule-arn': schedule.arn,
    'scheduled-time': scheduledTimeText(at),
    'execution-id': newExecutionId(),
    'attempt-number': '1',
  };
  return template.replace(/<aws\.scheduler\.([a-z-]+)>/g, (whole, key: string) => values[key] ?? whole);
}

/** Fires the stack's schedules; see the module comment. */
export class LocalScheduler {
  private readonly clock: SchedulerClock;
  private timers = new Map<string, unknown>();
  private stopped = false;
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<FireOutcome>>();

  constructor(private readonly options: LocalSchedulerOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  /**
   * Arms every enabled schedule. A run missed while the runtime was stopped, no older than the
   * schedule's retry window (`maximum_event_age_in_seconds`), is started now, once: Scheduler would
   * still be retrying its delivery.
   */
  start(): void {
    for (const schedule of this.options.schedules()) {
      if (!schedule.enabled) continue;
      const missed = this.latestMissed(schedule);
      if (missed) this.track(this.fire(schedule, missed));
      this.arm(schedule, new Date(this.clock.now()));
    }
  }

  /** Re-arms after the stack was replaced (watch mode). */
  reload(): void {
    this.disarm();
    for (const schedule of this.options.schedules())
      if (schedule.enabled) this.arm(schedule, new Date(this.clock.now()));
  }

  /** Stops firing; starts under way finish, a launcher still running is left to the runtime's shutdown. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.disarm();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves when every firing so far has ended (tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Every schedule with its next run. */
  list(): ScheduleListing[] {
    const now = new Date(this.clock.now());
    return this.options.schedules().map((s) => ({
      name: s.name,
      expression: s.expression,
      timeZone: s.timeZone,
      enabled: s.enabled,
      stateMachineArn: scheduledMachineOf(requestOf(s.input)),
      nextRun: s.enabled ? nextRun(s.expression, s.timeZone, now) : undefined,
    }));
  }

  /**
   * Starts a schedule's job now, as if it were due this second (the dashboard's "run now"), also
   * when the schedule is disabled.
   * @throws Error when the stack has no such schedule.
   */
  runNow(name: string): Promise<FireOutcome> {
    const schedule = this.options.schedules().find((s) => s.name === name);
    if (!schedule) throw new Error(`no schedule ${JSON.stringify(name)} in the served stack`);
    return this.track(this.fire(schedule, new Date(Math.floor(this.clock.now() / 1000) * 1000)));
  }

  /** One delivery of `schedule` for `scheduledTime`, as Scheduler makes it. */
  async fire(schedule: ScheduleModel, scheduledTime: Date): Promise<FireOutcome> {
    const label = `Schedule ${schedule.name} (${scheduledTimeText(scheduledTime)})`;
    const failed = (error: string, message: string): FireOutcome => {
      this.options.log(
        `${label}: ${error}: ${message}; Scheduler would retry for up to ${schedule.maximumEventAgeSeconds} s, then send the event to the dead-letter queue`,
      );
      return { kind: 'failed', error, message };
    };
    if (!START_EXECUTION.test(schedule.targetArn))
      return failed('NotEmulated', `the local runtime calls only sfn:startExecution, not ${schedule.targetArn}`);
    const assume = await this.options
      .iam()
      .authorizeAssumeRole('scheduler.amazonaws.com', schedule.roleArn, schedule.groupArn);
    if (!assume.allowed)
      return failed('AccessDenied', `Scheduler may not assume ${schedule.roleArn}: ${assume.message}`);
    const request = requestOf(substituteContext(schedule.input, schedule, scheduledTime));
    if (!request) return failed('ValidationException', 'the target input is not a JSON object');
    const sfn = this.options.sfn();
    let started: { executionArn: string };
    try {
      started = await sfn.startExecution(
        { kind: 'role', roleArn: schedule.roleArn },
        { stateMachineArn: request.StateMachineArn, name: request.Name, input: request.Input },
      );
    } catch (err) {
      if (err instanceof SfnError && err.code === 'ExecutionAlreadyExists') {
        this.options.log(`${label}: already started as ${String(request.Name)}, not started again`);
        return { kind: 'already-started', executionName: String(request.Name) };
      }
      if (err instanceof SfnError) return failed(err.code, err.message);
      throw err;
    }
    if (launcherInputOf(request) === undefined) {
      this.options.log(`${label}: started ${started.executionArn}`);
      return { kind: 'started', executionArn: started.executionArn };
    }
    return this.launched(label, await ended(sfn, started.executionArn, this.stopping.signal));
  }

  /** What the launcher did, from its end: started the job, found it started, or failed. */
  private launched(label: string, end: Ended): FireOutcome {
    const output = (end.output ? JSON.parse(end.output) : {}) as {
      executionArn?: string;
      executionName?: string;
      alreadyStarted?: boolean;
    };
    if (end.status === 'SUCCEEDED' && output.alreadyStarted) {
      this.options.log(`${label}: already started as ${String(output.executionName)}, not started again`);
      return { kind: 'already-started', executionName: String(output.executionName) };
    }
    if (end.status === 'SUCCEEDED' && typeof output.executionArn === 'string') {
      this.options.log(`${label}: started ${output.executionArn}`);
      return { kind: 'started', executionArn: output.executionArn };
    }
    if (end.status === 'RUNNING') {
      this.options.log(`${label}: the runtime stopped while the launcher ${end.executionArn} ran`);
      return { kind: 'failed', error: 'Interrupted', message: 'the runtime stopped while the launcher ran' };
    }
    const error = end.error ?? end.status;
    const message = `the launcher ${end.executionArn} ended ${end.status}: ${end.cause ?? ''}`;
    // Scheduler delivered the event: it retries nothing, and the run is missed.
    this.options.log(`${label}: ${error}: ${message}; the run is missed (the launcher's history says why)`);
    return { kind: 'failed', error, message };
  }

  private arm(schedule: ScheduleModel, after: Date): void {
    const due = nextRun(schedule.expression, schedule.timeZone, after);
    if (!due || this.stopped) return;
    const wait = due.getTime() - this.clock.now();
    const handle = this.clock.setTimer(
      () => {
        if (wait > MAX_TIMER_MS) return this.arm(schedule, after);
        this.track(this.fire(schedule, due));
        this.arm(schedule, due);
      },
      Math.max(0, Math.min(wait, MAX_TIMER_MS)),
    );
    this.timers.set(schedule.address, handle);
  }

  private disarm(): void {
    for (const handle of this.timers.values()) this.clock.clearTimer(handle);
    this.timers = new Map();
  }

  private latestMissed(schedule: ScheduleModel): Date | undefined {
    const now = this.clock.now();
    let latest: Date | undefined;
    let t = nextRun(schedule.expression, schedule.timeZone, new Date(now - schedule.maximumEventAgeSeconds * 1000));
    for (let guard = 0; t && t.getTime() <= now && guard < 100_000; guard++) {
      latest = t;
      t = nextRun(schedule.expression, schedule.timeZone, t);
    }
    return latest;
  }

  private track(firing: Promise<FireOutcome>): Promise<FireOutcome> {
    const tracked = firing.catch((err: unknown): FireOutcome => {
      this.options.log(`Schedule firing failed: ${(err as Error).message}`);
      return { kind: 'failed', error: 'InternalError', message: (err as Error).message };
    });
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return tracked;
  }
}
