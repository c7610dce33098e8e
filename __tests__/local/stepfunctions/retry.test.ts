/**
 * Retriers as Step Functions applies them (local/stepfunctions/interpreter/retry.ts; AWS's "Error
 * handling": MaxAttempts 3, IntervalSeconds 1 and BackoffRate 2 by default, MaxDelaySeconds a cap,
 * JitterStrategy FULL a random share of the delay; "Error names": `States.ALL` matches every error but
 * the terminal `States.Runtime` and `States.DataLimitExceeded`, `States.TaskFailed` every one but those
 * and `States.Timeout`).
 */

import { StatesError } from '../../../local/stepfunctions/interpreter/errors';
import { errorMatches, retryDelayMs } from '../../../local/stepfunctions/interpreter/retry';
import { run } from './interpreter-fixture';

describe('the delay before each retry', () => {
  it('waits IntervalSeconds before the first retry, then multiplies by BackoffRate', () => {
    const retrier = { ErrorEquals: ['States.ALL'], IntervalSeconds: 3, BackoffRate: 1.5 };
    expect([1, 2, 3].map((attempt) => retryDelayMs(retrier, attempt))).toEqual([3000, 4500, 6750]);
  });

  it('defaults to 1 s and a rate of 2', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs({ ErrorEquals: ['States.ALL'] }, attempt))).toEqual([
      1000, 2000, 4000,
    ]);
  });

  it('never waits longer than MaxDelaySeconds', () => {
    const retrier = { ErrorEquals: ['States.ALL'], IntervalSeconds: 10, BackoffRate: 3, MaxDelaySeconds: 60 };
    expect([1, 2, 3].map((attempt) => retryDelayMs(retrier, attempt))).toEqual([10_000, 30_000, 60_000]);
  });

  it('waits a random share of the delay with JitterStrategy FULL', () => {
    const retrier = { ErrorEquals: ['States.ALL'], IntervalSeconds: 4, JitterStrategy: 'FULL' };
    expect(retryDelayMs(retrier, 2, () => 0.25)).toBe(2000);
  });
});

describe('how many times a state is retried', () => {
  const failing = (retrier: Record<string, unknown>) => ({
    StartAt: 'Work',
    States: {
      Work: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Retry: [{ ErrorEquals: ['Boom'], ...retrier }],
        End: true,
      },
    },
  });
  it.each([
    ['no MaxAttempts (3 by default)', 4, {}],
    ['MaxAttempts 1', 2, { MaxAttempts: 1 }],
    ['MaxAttempts 0 (never)', 1, { MaxAttempts: 0 }],
  ])('%s: %i attempts in all, then the error', async (_label, attempts, retrier) => {
    // Prepare: a task that always fails with Boom
    let calls = 0;
    const boom = () => {
      calls += 1;
      throw new StatesError('Boom', 'always');
    };

    // Act
    const result = await run(failing(retrier), {}, boom);

    // Assess
    expect(result).toMatchObject({ status: 'FAILED', error: 'Boom' });
    expect(calls).toBe(attempts);
  });
});

describe('which errors a Retry or Catch entry matches', () => {
  it.each([
    ['States.ALL', 'Boom', true],
    ['States.ALL', 'States.Timeout', true],
    ['States.ALL', 'States.Runtime', false],
    ['States.ALL', 'States.DataLimitExceeded', false],
    ['States.TaskFailed', 'Boom', true],
    ['States.TaskFailed', 'States.Timeout', false],
    ['States.TaskFailed', 'States.Runtime', false],
    ['States.TaskFailed', 'States.DataLimitExceeded', false],
    ['States.Runtime', 'States.Runtime', true],
    ['Boom', 'Boomer', false],
  ])('%s against %s: %s', (entry, error, matches) => {
    expect(errorMatches([entry], error)).toBe(matches);
  });
});
