import { readFileSync } from 'node:fs';
import { renderAsl } from '../../stacks/asl';
import { SOURCES } from '../../stacks/async-api-stack';
import { TimeoutOrderError, executionTimeoutSeconds, taskWorstCaseSeconds, worstCaseSeconds } from '../../stacks/timeouts';
import { StateMachine } from '../../stacks/constructs/state-machine';
import { synthesize } from './helpers';

function buildStateMachine(overrides: { substitutions: Record<string, string | number> }) {
  return synthesize((scope) => {
    new StateMachine(scope, 'sm', {
      stateMachineName: 'async-api-test-ramen-timer',
      roleName: 'async-api-test-ramen-timer-states',
      definitionFile: SOURCES.definition,
      partition: 'aws',
      invokableFunctionArns: ['arn:f'],
      accountId: '123456789012',
      logGroupName: '/aws/vendedlogs/async-api-test-states',
      logRetentionDays: 30,
      logLevel: 'ERROR',
      includeExecutionData: false,
      ...overrides,
    });
  });
}

const task = (retry: Record<string, number>[], timeout?: number) => ({ Type: 'Task', TimeoutSeconds: timeout ?? 100, Retry: retry, End: true });

describe('taskWorstCaseSeconds', () => {
  it('counts every attempt of every retrier at the full task timeout, and the longest waits', () => {
    // Prepare: 2 + 2 retries; waits 1, 2 (defaults) and 5, 10 capped at 8.
    const state = task([{ MaxAttempts: 2 }, { MaxAttempts: 2, IntervalSeconds: 5, BackoffRate: 2, MaxDelaySeconds: 8 }]);

    // Act / Assess: 5 attempts of 100 s, then 1 + 2 + 5 + 8 s of waiting.
    expect(taskWorstCaseSeconds('t', state)).toBe(5 * 100 + 1 + 2 + 5 + 8);
  });

  it('applies ASL defaults (3 attempts, 1 s, backoff 2) to a bare retrier', () => {
    expect(taskWorstCaseSeconds('t', task([{}], 10))).toBe(4 * 10 + 1 + 2 + 4);
  });

  it('refuses a task without a numeric timeout: ASL would wait 99999999 s', () => {
    expect(() => taskWorstCaseSeconds('t', { Type: 'Task', Retry: [] })).toThrow(TimeoutOrderError);
  });
});

describe('worstCaseSeconds', () => {
  it('refuses a loop, whose worst case has no bound', () => {
    const looping = { StartAt: 'A', States: { A: { Type: 'Task', TimeoutSeconds: 1, Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } };

    expect(() => worstCaseSeconds(looping)).toThrow(/form a loop/);
  });
});

describe('the ramen timer definition', () => {
  const template = readFileSync(SOURCES.definition, 'utf8');
  const render = (taskTimeout: number) =>
    renderAsl(template, { Partition: 'aws', RamenTimerFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', TaskTimeoutSeconds: taskTimeout, ExecutionTimeoutSeconds: 0 });

  it('has a worst case, computed by hand from its two retriers, that the execution timeout covers', () => {
    // Prepare: 1 + 6 + 6 attempts of 930 s; waits 2..64 (126 s) and 2..16 then 30, 30 (90 s).
    const byHand = 13 * 930 + 126 + 90;

    // Act
    const definition = render(930);

    // Assess
    expect(worstCaseSeconds(definition)).toBe(byHand);
    expect(executionTimeoutSeconds(definition)).toBeGreaterThanOrEqual(byHand);
  });

  it('makes the state machine construct refuse an execution timeout shorter than the retries', () => {
    expect(() => buildStateMachine({ substitutions: { RamenTimerFunctionArn: 'arn:f', TaskTimeoutSeconds: 60, ExecutionTimeoutSeconds: 600 } })).toThrow(
      /TimeoutSeconds 600 is shorter than the worst case/,
    );
  });
});
