/**
 * The stack's alarms on Step Functions execution metrics, evaluated on the runtime's own executions:
 * when one's condition is met (the metric's sum in each of its last `evaluation_periods` periods is
 * at or above its threshold), the log says so, as the alarm topic would on AWS. Alarms on other
 * metrics (SQS, API Gateway, Lambda) and ExecutionThrottled are AWS's only: the runtime has no such
 * metric to count.
 */
import type { ExecutionStatusChange } from '../stepfunctions/events';
import type { StepFunctionsService } from '../stepfunctions/service';
import type { ExecutionAlarmModel } from './read';

/** The metric a terminal status counts towards. */
const METRIC_OF_STATUS: Readonly<Record<string, string>> = {
  FAILED: 'ExecutionsFailed',
  TIMED_OUT: 'ExecutionsTimedOut',
  ABORTED: 'ExecutionsAborted',
};

/** Options of {@link LocalAlarms}. */
export interface LocalAlarmsOptions {
  readonly alarms: () => readonly ExecutionAlarmModel[];
  readonly now?: () => number;
  readonly log: (line: string) => void;
}

/** Watches status changes and prints alarms entering and leaving their ALARM state. */
export class LocalAlarms {
  /** Data points by `<machine ARN> <metric>`, counted per second. */
  private readonly points = new Map<string, SecondCounts>();
  private readonly inAlarm = new Set<string>();
  private readonly detach: (() => void)[] = [];
  private readonly now: () => number;

  constructor(private readonly options: LocalAlarmsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Listens to status changes (the runtime's, which outlive a reload; or one service's). */
  attach(sfn: Pick<StepFunctionsService, 'onStatusChange'>): void {
    this.detach.push(sfn.onStatusChange((change) => this.record(change)));
  }

  close(): void {
    for (const d of this.detach.splice(0)) d();
  }

  /** The names of the alarms in the ALARM state. */
  alarming(): string[] {
    return [...this.inAlarm];
  }

  /** Counts one status change and re-evaluates the alarms on its metric. */
  record(change: Pick<ExecutionStatusChange, 'stateMachineArn' | 'status' | 'executionArn'>): void {
    const metric = METRIC_OF_STATUS[change.status];
    if (!metric) return;
    const key = `${change.stateMachineArn} ${metric}`;
    const now = this.now();
    const points = this.points.get(key) ?? new SecondCounts();
    this.points.set(key, points);
    points.add(Math.floor(now / 1000));
    // Nothing older than one day matters: CloudWatch evaluates one day at most (stacks/schedules.ts).
    points.dropBefore(Math.floor(now / 1000) - 86_399);
    for (const alarm of this.options.alarms()) {
      if (alarm.stateMachineArn !== change.stateMachineArn || alarm.metricName !== metric) continue;
      const sums = periodSums(points, alarm, now);
      const breaching = sums.every((sum) => sum >= alarm.threshold);
      if (breaching && !this.inAlarm.has(alarm.name)) {
        this.inAlarm.add(alarm.name);
        this.options.log(
          `ALARM ${alarm.name}: ${metric} ${sums.join(', ')} >= ${alarm.threshold} in the last ${alarm.evaluationPeriods} period(s) of ${alarm.periodSeconds} s (last: ${change.executionArn}); on AWS the alarm topic is notified (docs/jobs.md, "Alarms")`,
        );
      } else if (!breaching && this.inAlarm.delete(alarm.name)) {
        this.options.log(`OK ${alarm.name}: ${metric} back under ${alarm.threshold}`);
      }
    }
  }
}

/** The metric's sum in each of the alarm's last evaluation periods (aligned to the epoch), oldest first. */
function periodSums(points: SecondCounts, alarm: ExecutionAlarmModel, now: number): number[] {
  const period = alarm.periodSeconds;
  const current = Math.floor(now / 1000 / period);
  return Array.from({ length: alarm.evaluationPeriods }, (_, i) => {
    const from = (current - (alarm.evaluationPeriods - 1 - i)) * period;
    return points.sumIn(from, from + period);
  });
}

/**
 * Data points counted per epoch second, oldest first: a day of failures at any rate is at most 86,400
 * entries, where a timestamp per point grew with every failed execution (and was copied on each).
 * Periods are whole seconds aligned to the epoch, so per-second counts sum to the same periods.
 */
export class SecondCounts {
  private readonly seconds: number[] = [];
  private readonly counts: number[] = [];

  /** Entries held (tests: bounded by seconds, not by points). */
  get size(): number {
    return this.seconds.length;
  }

  /** Counts one point in `second`. */
  add(second: number): void {
    let i = this.seconds.length;
    while (i > 0 && this.seconds[i - 1]! > second) i--; // a clock that stepped back: keep the order
    if (i > 0 && this.seconds[i - 1] === second) this.counts[i - 1]!++;
    else {
      this.seconds.splice(i, 0, second);
      this.counts.splice(i, 0, 1);
    }
  }

  /** Forgets the seconds before `second`. */
  dropBefore(second: number): void {
    let n = 0;
    while (n < this.seconds.length && this.seconds[n]! < second) n++;
    if (n === 0) return;
    this.seconds.splice(0, n);
    this.counts.splice(0, n);
  }

  /** Points in the seconds `from` (inclusive) to `to` (exclusive). */
  sumIn(from: number, to: number): number {
    let sum = 0;
    for (let i = this.seconds.length - 1; i >= 0 && this.seconds[i]! >= from; i--)
      if (this.seconds[i]! < to) sum += this.counts[i]!;
    return sum;
  }
}
