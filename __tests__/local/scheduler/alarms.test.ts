import { LocalAlarms } from '../../../local/scheduler/alarms';
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
