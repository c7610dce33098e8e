import type { ExecutionDescription } from '../../client/api';
import type { PollProgress } from '../../client/poll';
import { canShowSpinner, currentStep, formatDuration, plainProgress, statusText } from '../../client/progress';

const runningAt = (elapsedMs: number): PollProgress<ExecutionDescription> => ({
  elapsedMs,
  requests: 1,
  nextPollMs: 1_000,
  observation: { kind: 'status', status: 'RUNNING', detail: {} as ExecutionDescription },
});

describe('plainProgress', () => {
  it('prints a line per change of state plus one a minute while nothing changes', () => {
    // Prepare
    let text = '';
    const progress = plainProgress({ write: (chunk: string) => (text += chunk) }, 'arn:x');

    // Act
    for (const elapsed of [0, 1_000, 2_000, 30_000, 61_000, 62_000]) progress.update(runningAt(elapsed));
    progress.update({
      elapsedMs: 63_000,
      requests: 9,
      nextPollMs: 1_000,
      observation: { kind: 'retryable', message: 'HTTP 503: busy' },
    });
    progress.finish('SUCCEEDED after 1m 05s (10 requests)', true);

    // Assess
    expect(text.split('\n').filter(Boolean)).toEqual([
      'async-api: waiting for arn:x',
      'async-api: RUNNING after 0ms; next check in 1s',
      'async-api: RUNNING after 1m 01s; next check in 1s',
      'async-api: retrying (HTTP 503: busy) after 1m 03s; next check in 1s',
      'async-api: SUCCEEDED after 1m 05s (10 requests)',
    ]);
  });
});

describe('canShowSpinner', () => {
  it.each([
    [{ isTTY: true, columns: 120 }, true],
    [{ isTTY: true }, true],
    [{ isTTY: true, columns: 0 }, false],
    [{ isTTY: false, columns: 120 }, false],
    [{}, false],
  ])('%p → %p', (stream, expected) => {
    expect(canShowSpinner({ write: () => true, ...stream })).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850ms'],
    [12_400, '12s'],
    [65_000, '1m 05s'],
    [3_720_000, '1h 02m'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('statusText', () => {
  it('leaves room for the current step once the API reports one', () => {
    expect(statusText('RUNNING', undefined)).toBe('RUNNING');
    expect(statusText('RUNNING', 'Boil')).toBe('RUNNING at Boil');
  });
});

describe('the current step on the progress line', () => {
  const at = (elapsedMs: number, progress: ExecutionDescription['progress']): PollProgress<ExecutionDescription> => ({
    elapsedMs,
    requests: 1,
    nextPollMs: 1_000,
    observation: { kind: 'status', status: 'RUNNING', detail: { progress } as ExecutionDescription },
  });

  it.each([
    [null, undefined],
    [{ states: [], complete: true, historyCalls: 1 }, undefined],
    [{ states: [{ name: 'Boil', since: null }], complete: true, historyCalls: 1 }, 'Boil'],
    [
      {
        states: [
          { name: 'Left', since: null },
          { name: 'Right', since: null },
        ],
        complete: true,
        historyCalls: 1,
      },
      'Left, Right',
    ],
    [
      { states: [{ name: 'CountEach', since: null, items: { done: 3, total: 8 } }], complete: true, historyCalls: 1 },
      'CountEach 3/8',
    ],
    [
      {
        states: [{ name: 'CountEach', since: null, items: { done: 3, total: null } }],
        complete: false,
        historyCalls: 2,
      },
      'CountEach 3/?',
    ],
  ])('progress %j → step %p', (progress, step) => {
    expect(currentStep({ progress } as ExecutionDescription)).toBe(step);
  });

  it('prints a line when the step changes, though the status stays RUNNING', () => {
    // Prepare
    let text = '';
    const progress = plainProgress({ write: (chunk: string) => (text += chunk) }, 'arn:x');
    const step = (name: string) => ({ states: [{ name, since: null }], complete: true, historyCalls: 1 });

    // Act
    progress.update(at(0, step('Split')));
    progress.update(at(1_000, step('Split')));
    progress.update(at(2_000, step('Sum')));

    // Assess
    expect(text.split('\n').filter(Boolean)).toEqual([
      'async-api: waiting for arn:x',
      'async-api: RUNNING at Split after 0ms; next check in 1s',
      'async-api: RUNNING at Sum after 2s; next check in 1s',
    ]);
  });
});
