import { LocalAlarms, SecondCounts } from '../../../local/scheduler/alarms';
import type { ExecutionAlarmModel } from '../../../local/scheduler/read';

// An alarm's condition met on the runtime's own executions is printed, once, and its end too.
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:async-api-dev-job';
const alarm = (over: Partial<ExecutionAlarmModel> = {}): ExecutionAlarmModel => ({
  name: 'async-api-dev-job-executions-failed',
  metricName: 'ExecutionsFailed',
  stateMachineArn: MACHINE,
  threshold: 2,
  periodSeconds: 300,
  evaluationPeriods: 1,
  ...over,
});
const change = (status: string, machine = MACHINE) => ({
  stateMachineArn: machine,
  status: status as 'FAILED',
  executionArn: `${machine.replace(':stateMachine:', ':execution:')}:x`,
});

describe('local alarms', () => {
  let now = Date.parse('2026-12-06T12:00:00Z');
  const setup = (alarms: ExecutionAlarmModel[]) => {
    const logs: string[] = [];
    const watcher = new LocalAlarms({ alarms: () => alarms, now: () => now, log: (l) => logs.push(l) });
    return { watcher, logs };
  };

  it('fires at the threshold, not just below it, and once', () => {
    const { watcher, logs } = setup([alarm()]);
    watcher.record(change('FAILED'));
    expect(logs).toEqual([]);
    watcher.record(change('FAILED'));
    watcher.record(change('FAILED'));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^ALARM async-api-dev-job-executions-failed: ExecutionsFailed 2 >= 2/);
    expect(watcher.alarming()).toEqual(['async-api-dev-job-executions-failed']);
  });

  it('counts only its metric and its machine', () => {
    const { watcher, logs } = setup([alarm({ threshold: 1 })]);
    watcher.record(change('SUCCEEDED'));
    watcher.record(change('ABORTED'));
    watcher.record(change('FAILED', `${MACHINE}-other`));
    expect(logs).toEqual([]);
    watcher.record(change('FAILED'));
    expect(logs).toHaveLength(1);
    // Another metric later does not re-evaluate it.
    now += 600_000;
    watcher.record(change('TIMED_OUT'));
    expect(logs).toHaveLength(1);
  });

  it('needs every one of its evaluation periods to breach', () => {
    const { watcher, logs } = setup([alarm({ threshold: 1, evaluationPeriods: 2, metricName: 'ExecutionsTimedOut' })]);
    now = Date.parse('2026-12-06T13:00:00Z');
    watcher.record(change('TIMED_OUT'));
    expect(logs).toEqual([]);
    now += 300_000;
    watcher.record(change('TIMED_OUT'));
    expect(logs).toEqual([expect.stringMatching(/^ALARM .*ExecutionsTimedOut 1, 1 >= 1 in the last 2 period/)]);
  });
});

describe('alarm data points', () => {
  it('counts every point in the period, and holds one entry per second however many executions fail in it', () => {
    // Prepare
    let now = Date.parse('2026-12-06T14:00:00.250Z');
    const logs: string[] = [];
    const threshold = 10_000;
    const watcher = new LocalAlarms({ alarms: () => [alarm({ threshold })], now: () => now, log: (l) => logs.push(l) });

    // Act: one below the threshold, then the one that meets it
    for (let i = 0; i < threshold - 1; i++) watcher.record(change('FAILED'));
    const below = [...logs];
    now += 500; // same second
    watcher.record(change('FAILED'));

    // Assess
    expect(below).toEqual([]);
    expect(logs).toEqual([expect.stringMatching(/ExecutionsFailed 10000 >= 10000/)]);
    const points = (watcher as unknown as { points: Map<string, SecondCounts> }).points;
    expect([...points.values()].map((p) => p.size)).toEqual([1]);
  });

  it('sums a period from its first second to just before the next', () => {
    // Prepare: period [14:00:00, 14:05:00)
    const counts = new SecondCounts();
    const start = Date.parse('2026-12-06T14:00:00Z') / 1000;

    // Act
    counts.add(start - 1);
    counts.add(start);
    counts.add(start + 299);
    counts.add(start + 300);
    counts.add(start + 100); // out of order (a clock that stepped back)

    // Assess
    expect(counts.sumIn(start, start + 300)).toBe(3);
    counts.dropBefore(start);
    expect(counts.size).toBe(4);
    expect(counts.sumIn(start - 1, start + 301)).toBe(4);
  });

  it('forgets points older than one day', () => {
    let now = Date.parse('2026-12-06T12:00:00Z');
    const logs: string[] = [];
    const watcher = new LocalAlarms({
      alarms: () => [alarm({ threshold: 2, periodSeconds: 86_400 })],
      now: () => now,
      log: (l) => logs.push(l),
    });
    watcher.record(change('FAILED'));
    now += 86_400_000; // the first point is now a day old, and the period is the next day
    watcher.record(change('FAILED'));
    expect(logs).toEqual([]);
    const points = (watcher as unknown as { points: Map<string, SecondCounts> }).points;
    expect([...points.values()].map((p) => p.size)).toEqual([1]);
  });
});
