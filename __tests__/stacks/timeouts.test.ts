import { join } from 'node:path';
import { StateMachine } from '../../stacks/constructs/state-machine';
import { renderJobAsl } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { TimeoutOrderError, taskWorstCaseSeconds, worstCase, worstCaseSeconds } from '../../stacks/timeouts';
import { synthesize } from './helpers';

function buildStateMachine(overrides: { substitutions: Record<string, string | number> }) {
  return synthesize((scope) => {
    new StateMachine(scope, 'sm', {
      stateMachineName: 'async-api-test-worker',
      roleName: 'async-api-test-worker-states',
      definitionFile: join(__dirname, 'fixtures', 'one-task.asl.json'),
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

const task = (retry: Record<string, number>[], timeout?: number) => ({
  Type: 'Task',
  TimeoutSeconds: timeout ?? 100,
  Retry: retry,
  End: true,
});

describe('taskWorstCaseSeconds', () => {
  it('counts every attempt of every retrier at the full task timeout, and the longest waits', () => {
    // Prepare: 2 + 2 retries; waits 1, 2 (defaults) and 5, 10 capped at 8.
    const state = task([
      { MaxAttempts: 2 },
      { MaxAttempts: 2, IntervalSeconds: 5, BackoffRate: 2, MaxDelaySeconds: 8 },
    ]);

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
    const looping = {
      StartAt: 'A',
      States: { A: { Type: 'Task', TimeoutSeconds: 1, Next: 'B' }, B: { Type: 'Pass', Next: 'A' } },
    };

    expect(() => worstCaseSeconds(looping)).toThrow(/form a loop/);
  });
});

describe('worstCase', () => {
  const map = (processor: object) => ({
    StartAt: 'M',
    States: { M: { Type: 'Map', ItemProcessor: processor, Retry: [{ MaxAttempts: 1 }], End: true } },
  });
  const oneTask = { StartAt: 'T', States: { T: task([], 10) } };

  it("counts one iteration of a Map, with the Map's own retries, and says it is a lower bound", () => {
    // 2 attempts of one 10 s iteration, 1 s between them.
    expect(worstCase(map(oneTask))).toEqual({
      seconds: 21,
      lowerBoundBecause: expect.stringMatching(/^Map state "M" runs once per item/),
    });
    expect(() => worstCaseSeconds(map(oneTask))).toThrow(TimeoutOrderError);
  });

  it('takes the slowest branch of a Parallel state, exactly', () => {
    const parallel = {
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [oneTask, { StartAt: 'T', States: { T: task([], 30) } }], End: true },
      },
    };

    expect(worstCase(parallel)).toEqual({ seconds: 30 });
  });
});

describe.each(JOBS.map((job) => [job.name, job] as const))('job %s: its definition', (_name, job) => {
  const definition = renderJobAsl(job, (fn) => `arn:aws:lambda:us-east-1:123456789012:function:${fn.name}`) as {
    TimeoutSeconds: number;
  };

  it('has an execution timeout that covers the worst case of its tasks and retries', () => {
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(worstCase(definition).seconds);
  });
});

describe('the state machine construct', () => {
  it('refuses an execution timeout shorter than the retries', () => {
    expect(() =>
      buildStateMachine({
        substitutions: { WorkerFunctionArn: 'arn:f', TaskTimeoutSeconds: 60, ExecutionTimeoutSeconds: 100 },
      }),
    ).toThrow(/TimeoutSeconds 100 is shorter than the worst case/);
  });
});
