import { type Observation, type PollOptions, pollExecution, WaitOutcome } from '../../client/poll';
import { POLL_DEFAULTS } from '../../client/poll-options';
import { DEFAULT_SCHEDULE, pollCeilingMs } from '../../client/schedule';
import { virtualTime } from './fake-api';

type Obs = Observation<{ id: number }>;

const running = (retryAfterMs?: number, ageMs?: number): Obs => ({
  kind: 'status',
  status: 'RUNNING',
  detail: { id: 0 },
  retryAfterMs,
  ageMs,
});
const ended = (status: string): Obs => ({ kind: 'status', status, detail: { id: 1 } });
const throttled = (retryAfterMs?: number): Obs => ({
  kind: 'retryable',
  message: 'HTTP 429: Too Many Requests',
  retryAfterMs,
});
const notFound: Obs = { kind: 'not-found', message: 'Execution not found: arn' };

/** Answers from `script` in order, repeating the last one; records when each look happened. */
function scripted(
  script: Obs[],
  time: { now: () => number },
): { observe: PollOptions<{ id: number }>['observe']; lookedAt: number[] } {
  const lookedAt: number[] = [];
  return {
    lookedAt,
    observe: async () => {
      lookedAt.push(time.now());
      return script[Math.min(lookedAt.length - 1, script.length - 1)];
    },
  };
}

function poll(
  observe: PollOptions<{ id: number }>['observe'],
  time: ReturnType<typeof virtualTime>,
  extra: Partial<PollOptions<{ id: number }>> = {},
) {
  return pollExecution({
    observe,
    timeoutMs: 3_600_000,
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    ...extra,
  });
}

describe('pollExecution end states', () => {
  it.each([
    ['SUCCEEDED', WaitOutcome.Succeeded],
    ['FAILED', WaitOutcome.Failed],
    ['TIMED_OUT', WaitOutcome.TimedOut],
    ['ABORTED', WaitOutcome.Aborted],
  ])('returns %s after the execution ends with it', async (status, outcome) => {
    // Prepare
    const time = virtualTime();
    const { observe } = scripted([running(), running(), ended(status)], time);

    // Act
    const result = await poll(observe, time);

    // Assess
    expect(result).toMatchObject({ outcome, status, detail: { id: 1 }, requests: 3 });
    expect(time.sleeps).toHaveLength(2);
  });

  it('keeps waiting through PENDING_REDRIVE', async () => {
    // Prepare
    const time = virtualTime();
    const { observe } = scripted(
      [{ kind: 'status', status: 'PENDING_REDRIVE', detail: { id: 0 } }, ended('SUCCEEDED')],
      time,
    );

    // Act
    const result = await poll(observe, time);

    // Assess
    expect(result.outcome).toBe(WaitOutcome.Succeeded);
    expect(result.requests).toBe(2);
  });

  it('treats an unknown status as an error rather than waiting forever', async () => {
    // Prepare
    const time = virtualTime();
    const { observe } = scripted([ended('EXPLODED')], time);

    // Act
    const result = await poll(observe, time);

    // Assess
    expect(result.outcome).toBe(WaitOutcome.Error);
    expect(result.error?.message).toMatch(/unexpected execution status "EXPLODED"/);
  });

  it('ends with Error when observe throws a non-retryable error', async () => {
    // Prepare
    const time = virtualTime();
    const observe = async (): Promise<Obs> => {
      throw new Error('HTTP 403: signature mismatch');
    };

    // Act
    const result = await poll(observe, time);

    // Assess
    expect(result).toMatchObject({ outcome: WaitOutcome.Error, requests: 1 });
    expect(result.error?.message).toBe('HTTP 403: signature mismatch');
  });
});

describe('pollExecution schedule', () => {
  it('backs off from 1 s towards the max interval, each pause within the ceiling for the time waited', async () => {
    // Prepare: 40 RUNNING answers, then done
    const time = virtualTime();
    const { observe, lookedAt } = scripted([...Array.from({ length: 40 }, () => running()), ended('SUCCEEDED')], time);

    // Act
    await poll(observe, time, { random: () => 0.999_999 });

    // Assess
    expect(time.sleeps.slice(0, 4)).toEqual([1_000, 1_000, 1_000, 1_000]);
    time.sleeps.forEach((pause, index) => {
      expect(pause).toBeLessThanOrEqual(pollCeilingMs(lookedAt[index], DEFAULT_SCHEDULE));
    });
    expect(time.sleeps.at(-1)).toBe(20_000);
    // Growing: pauses never shrink with the highest draw.
    for (const [index, pause] of time.sleeps.slice(1).entries())
      expect(pause).toBeGreaterThanOrEqual(time.sleeps[index]);
  });

  it('applies jitter: different draws give different pauses, all within [90 %, 100 %] of the ceiling', async () => {
    // Prepare
    const lowTime = virtualTime();
    const highTime = virtualTime();
    const script = [...Array.from({ length: 12 }, () => running()), ended('SUCCEEDED')];
    const low = scripted(script, lowTime);
    const high = scripted(script, highTime);

    // Act
    await poll(low.observe, lowTime, { random: () => 0 });
    await poll(high.observe, highTime, { random: () => 0.999_999 });

    // Assess
    expect(lowTime.sleeps).not.toEqual(highTime.sleeps);
    lowTime.sleeps.forEach((pause, index) => {
      const ceiling = pollCeilingMs(low.lookedAt[index], DEFAULT_SCHEDULE);
      expect(pause).toBeGreaterThanOrEqual(Math.max(1_000, 0.9 * ceiling) - 1e-6);
      expect(pause).toBeLessThanOrEqual(ceiling);
    });
  });

  it('honours a longer Retry-After, capped at the max interval', async () => {
    // Prepare
    const time = virtualTime();
    const { observe } = scripted([running(7_000), running(90_000), running(10), ended('SUCCEEDED')], time);

    // Act
    await poll(observe, time);

    // Assess: 7 s as asked, 90 s capped to 20 s, 10 ms ignored in favour of the schedule
    expect(time.sleeps[0]).toBe(7_000);
    expect(time.sleeps[1]).toBe(20_000);
    expect(time.sleeps[2]).toBeGreaterThan(1_000);
    expect(time.sleeps[2]).toBeLessThanOrEqual(pollCeilingMs(27_000, DEFAULT_SCHEDULE));
  });
});

describe('pollExecution: when the execution started', () => {
  it('counts from startedAtMs, so an execution that has run 2 minutes is polled at the max interval at once', async () => {
    // Prepare: the wait begins at 0 on the clock; the execution started 120 s earlier
    const time = virtualTime();
    const { observe } = scripted([running(), running(), ended('SUCCEEDED')], time);

    // Act
    await poll(observe, time, { startedAtMs: -120_000 });

    // Assess
    expect(time.sleeps).toEqual([20_000, 20_000]);
  });

  it("learns the start from the first answer's age when startedAtMs is not given", async () => {
    // Prepare: the API says the execution has run 40 s
    const time = virtualTime();
    const { observe } = scripted([running(undefined, 40_000), running(undefined, 50_000), ended('SUCCEEDED')], time);

    // Act
    await poll(observe, time, { random: () => 0.999_999 });

    // Assess: 25 % of 40 s, then 25 % of 50 s (40 s + the 10 s pause), from the first age alone
    expect(time.sleeps[0]).toBeCloseTo(10_000, 0);
    expect(time.sleeps[1]).toBeCloseTo(12_500, 0);
  });

  it('prefers startedAtMs over a reported age, and treats a negative age (clock skew) as just started', async () => {
    // Prepare
    const explicit = virtualTime();
    const skewed = virtualTime();
    const script = [running(undefined, 600_000), ended('SUCCEEDED')];
    const skewedScript = [
      running(undefined, -30_000),
      ...Array.from({ length: 6 }, () => running()),
      ended('SUCCEEDED'),
    ];

    // Act
    await poll(scripted(script, explicit).observe, explicit, { startedAtMs: 0, random: () => 0.999_999 });
    await poll(scripted(skewedScript, skewed).observe, skewed, { random: () => 0.999_999 });

    // Assess: the 600 s age is ignored; the skewed clock counts from the first look (pauses grow after 4 s)
    expect(explicit.sleeps).toEqual([1_000]);
    expect(skewed.sleeps.slice(0, 5)).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
    expect(skewed.sleeps[5]).toBeCloseTo(1_250, 0);
  });

  it('looks first when the execution is firstPollAfterMs old, never past the deadline', async () => {
    // Prepare
    const time = virtualTime();
    const late = virtualTime();
    const short = virtualTime();
    const first = scripted([running(), ended('SUCCEEDED')], time);
    const startedBefore = scripted([ended('SUCCEEDED')], late);
    const cut = scripted([running()], short);

    // Act
    await poll(first.observe, time, { firstPollAfterMs: 1_000, startedAtMs: 0 });
    await poll(startedBefore.observe, late, { firstPollAfterMs: 1_000, startedAtMs: -300 });
    const result = await poll(cut.observe, short, { firstPollAfterMs: 1_000, timeoutMs: 400 });

    // Assess: the start answer took 300 ms, so the first look comes 700 ms into the wait
    expect(first.lookedAt).toEqual([1_000, 2_000]);
    expect(startedBefore.lookedAt).toEqual([700]);
    expect(cut.lookedAt).toEqual([400]);
    expect(result).toMatchObject({ outcome: WaitOutcome.DeadlinePassed, requests: 1, elapsedMs: 400 });
  });

  it('returns Interrupted when the signal aborts during the first pause', async () => {
    // Prepare
    const time = virtualTime();
    const controller = new AbortController();
    const observe = jest.fn(async () => running());
    const sleep = async (_ms: number, signal: AbortSignal): Promise<void> => {
      controller.abort();
      throw signal.reason;
    };

    // Act
    const result = await poll(observe, time, { firstPollAfterMs: 1_000, signal: controller.signal, sleep });

    // Assess
    expect(result.outcome).toBe(WaitOutcome.Interrupted);
    expect(observe).not.toHaveBeenCalled();
  });
});

describe('pollExecution deadline', () => {
  it('shortens the last pause to look once more at the deadline, then reports DeadlinePassed', async () => {
    // Prepare
    const time = virtualTime();
    const { observe, lookedAt } = scripted([running()], time);

    // Act
    const result = await poll(observe, time, { timeoutMs: 10_500 });

    // Assess
    expect(result).toMatchObject({ outcome: WaitOutcome.DeadlinePassed, status: 'RUNNING', elapsedMs: 10_500 });
    expect(lookedAt.at(-1)).toBe(10_500);
    expect(time.sleeps.reduce((sum, pause) => sum + pause, 0)).toBe(10_500);
  });

  it('never sleeps past the deadline for a Retry-After', async () => {
    // Prepare
    const time = virtualTime();
    const { observe } = scripted([running(20_000)], time);

    // Act
    const result = await poll(observe, time, { timeoutMs: 5_000 });

    // Assess
    expect(time.sleeps).toEqual([5_000]);
    expect(result.outcome).toBe(WaitOutcome.DeadlinePassed);
  });

  it('still reports the end when the final look at the deadline sees it', async () => {
    // Prepare
    const time = virtualTime();
    const observe = async (): Promise<Obs> => (time.now() >= 4_000 ? ended('SUCCEEDED') : running(20_000));

    // Act
    const result = await poll(observe, time, { timeoutMs: 4_000 });

    // Assess
    expect(result.outcome).toBe(WaitOutcome.Succeeded);
  });
});

describe('pollExecution retries', () => {
  it('retries throttling with exponential back-off and carries on', async () => {
    // Prepare
    const time = virtualTime();
    const { observe } = scripted([throttled(), throttled(), throttled(), running(), ended('SUCCEEDED')], time);

    // Act
    const result = await poll(observe, time, { random: () => 0 });

    // Assess: equal jitter with the lowest draw gives the full step
    expect(time.sleeps.slice(0, 3)).toEqual([1_000, 2_000, 4_000]);
    expect(result).toMatchObject({ outcome: WaitOutcome.Succeeded, requests: 5 });
  });

  it('honours Retry-After on a throttle, capped at the max interval', async () => {
    // Prepare
    const time = virtualTime();
    const { observe } = scripted([throttled(3_000), throttled(600_000), ended('SUCCEEDED')], time);

    // Act
    await poll(observe, time);

    // Assess
    expect(time.sleeps).toEqual([3_000, 20_000]);
  });

  it('gives up after maxRetries consecutive failures', async () => {
    // Prepare
    const time = virtualTime();
    const { observe } = scripted([throttled()], time);

    // Act
    const result = await poll(observe, time, { maxRetries: 3 });

    // Assess
    expect(result).toMatchObject({ outcome: WaitOutcome.Error, requests: 4 });
    expect(result.error?.message).toBe('HTTP 429: Too Many Requests (gave up after 4 attempts)');
  });

  it('counts only consecutive failures: a good answer resets the count', async () => {
    // Prepare
    const time = virtualTime();
    const { observe } = scripted(
      [throttled(), throttled(), running(), throttled(), throttled(), ended('SUCCEEDED')],
      time,
    );

    // Act
    const result = await poll(observe, time, { maxRetries: 2 });

    // Assess
    expect(result.outcome).toBe(WaitOutcome.Succeeded);
  });
});

describe('pollExecution not found', () => {
  it('tolerates a 404 right after the start and then finds the execution', async () => {
    // Prepare
    const time = virtualTime();
    const { observe } = scripted([notFound, notFound, running(), ended('SUCCEEDED')], time);

    // Act
    const result = await poll(observe, time);

    // Assess
    expect(result).toMatchObject({ outcome: WaitOutcome.Succeeded, requests: 4 });
  });

  it('ends with Error once the grace period is over', async () => {
    // Prepare
    const time = virtualTime();
    const { observe, lookedAt } = scripted([notFound], time);

    // Act
    const result = await poll(observe, time, { notFoundGraceMs: 5_000 });

    // Assess
    expect(result.outcome).toBe(WaitOutcome.Error);
    expect(result.error?.message).toBe('Execution not found: arn');
    expect(lookedAt.at(-1)).toBeGreaterThan(5_000);
    expect(lookedAt.at(-2)).toBeLessThanOrEqual(5_000);
  });
});

describe('pollExecution abort', () => {
  it('returns Interrupted when the signal aborts during a pause', async () => {
    // Prepare
    const time = virtualTime();
    const controller = new AbortController();
    let looks = 0;
    const observe = async (): Promise<Obs> => {
      looks += 1;
      if (looks === 2) controller.abort();
      return running();
    };

    // Act
    const result = await poll(observe, time, { signal: controller.signal });

    // Assess
    expect(result).toMatchObject({ outcome: WaitOutcome.Interrupted, requests: 2, status: 'RUNNING' });
  });

  it('returns Interrupted when observe fails because of the abort', async () => {
    // Prepare
    const time = virtualTime();
    const controller = new AbortController();
    const observe = async (signal: AbortSignal): Promise<Obs> => {
      controller.abort();
      throw signal.reason;
    };

    // Act
    const result = await poll(observe, time, { signal: controller.signal });

    // Assess
    expect(result.outcome).toBe(WaitOutcome.Interrupted);
  });

  it('does not look at all when already aborted', async () => {
    // Prepare
    const time = virtualTime();
    const observe = jest.fn(async () => running());

    // Act
    const result = await poll(observe, time, { signal: AbortSignal.abort() });

    // Assess
    expect(result.outcome).toBe(WaitOutcome.Interrupted);
    expect(observe).not.toHaveBeenCalled();
  });
});

describe('pollExecution options', () => {
  it.each([
    [{ timeoutMs: undefined }, /timeoutMs must be a number of milliseconds > 0; got undefined/],
    [{ timeoutMs: -1 }, /timeoutMs must be > 0/],
    [{ maxIntervalMs: 10 }, /maxIntervalMs must be >= minIntervalMs/],
    [{ jitter: 2 }, /jitter must be a fraction/],
    [{ maxRetries: 1.5 }, /maxRetries must be an integer >= 0; got 1.5/],
    [{ notFoundGraceMs: -5 }, /notFoundGraceMs must be >= 0/],
    [{ firstPollAfterMs: -1 }, /firstPollAfterMs must be >= 0; got -1/],
    [{ startedAtMs: Number.NaN }, /startedAtMs must be a time on the `now` clock; got NaN/],
    [{ sleep: 'soon' }, /sleep must be a function/],
  ])('rejects %p before any request, naming the field', async (bad, message) => {
    // Prepare
    const observe = jest.fn(async () => running());
    const options = { observe, timeoutMs: 60_000, ...bad } as unknown as PollOptions<{ id: number }>;

    // Act
    const attempt = pollExecution(options);

    // Assess
    await expect(attempt).rejects.toThrow(message);
    expect(observe).not.toHaveBeenCalled();
  });

  it('stops even when an injected clock never advances', async () => {
    // Prepare: sleep that does not move the clock
    const observe = async (): Promise<Obs> => running();

    // Act
    const result = await pollExecution({ observe, timeoutMs: 5_000, now: () => 0, sleep: async () => undefined });

    // Assess: the budget is what a clock that advances could never use up: a request per half minimum
    // interval until the deadline, plus the retries and two
    const budget = Math.ceil(5_000 / (DEFAULT_SCHEDULE.minIntervalMs / 2)) + POLL_DEFAULTS.maxRetries + 2;
    expect(result.outcome).toBe(WaitOutcome.Error);
    expect(result.requests).toBe(budget);
    expect(result.error?.message).toBe(`gave up after ${budget} requests: the clock did not advance`);
  });
});
