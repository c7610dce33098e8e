import { parseRamenTimerConfig } from '../../lambda-src/ramen-timer/config';
import { RamenTimerError, RamenTimerErrors } from '../../lambda-src/ramen-timer/errors';
import { createHandler, RAMEN_BOILED_MESSAGE } from '../../lambda-src/ramen-timer/handler';
import { ConfigError } from '../../lambda-src/shared/config-error';
import { remaining } from './fixtures';

const SPEC_MESSAGE = "The ramen is boiled. If you don't eat it quickly, it will grow.";
const PLENTY_MS = 900_000;

/** A handler whose sleep only records the requested durations. */
function recordingHandler(defaultSeconds: number, safetyMarginMs?: number) {
  const sleeps: number[] = [];
  const handler = createHandler({
    defaultSeconds,
    safetyMarginMs,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { handler, sleeps };
}

/** Runs `promise`, expecting a rejection, and returns the error. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error('expected the handler to reject with an Error');
  return err;
}

describe('error names and result message', () => {
  it('match what the state machine and clients are told to expect', () => {
    // Assess: these strings are the contract with the ASL (ErrorEquals) and with API clients.
    expect(RamenTimerErrors).toStrictEqual({
      InvalidInput: 'RamenTimer.InvalidInput',
      DefaultTooLong: 'RamenTimer.DefaultTooLong',
    });
    expect(RAMEN_BOILED_MESSAGE).toBe(SPEC_MESSAGE);
  });
});

describe('parseRamenTimerConfig', () => {
  it.each([
    ['3', 3],
    ['0', 0],
    ['2.5', 2.5],
    [' 7 ', 7],
  ])('reads RAMEN_TIMER_SECONDS=%j as %d', (raw, expected) => {
    // Act
    const config = parseRamenTimerConfig({ RAMEN_TIMER_SECONDS: raw });
    // Assess
    expect(config).toStrictEqual({ defaultSeconds: expected });
  });

  it.each([undefined, '', '   '])('rejects a missing value (%j), naming the variable', (raw) => {
    // Act / Assess
    expect(() => parseRamenTimerConfig({ RAMEN_TIMER_SECONDS: raw })).toThrow(
      /^RAMEN_TIMER_SECONDS is required: set it to a number of seconds >= 0/,
    );
  });

  it.each(['abc', '-1', '0x10', '1e3', 'Infinity', 'NaN', '3s', '1.'])(
    'rejects %j with the variable, the accepted values and the value received',
    (raw) => {
      // Act
      let thrown: unknown;
      try {
        parseRamenTimerConfig({ RAMEN_TIMER_SECONDS: raw });
      } catch (e) {
        thrown = e;
      }
      // Assess
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toBe(
        `RAMEN_TIMER_SECONDS must be a number of seconds >= 0, such as 3 or 2.5; got ${JSON.stringify(raw)}`,
      );
    },
  );
});

describe('ramen timer handler', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty object', {}],
    ['an object without seconds', { flavour: 'miso' }],
  ])('waits the default when the input is %s', async (_label, event) => {
    // Prepare
    const { handler, sleeps } = recordingHandler(3);
    // Act
    const result = await handler(event, remaining(PLENTY_MS));
    // Assess
    expect(sleeps).toStrictEqual([3000]);
    expect(result).toStrictEqual({ message: SPEC_MESSAGE });
  });

  it.each([
    [0, 0],
    [2.5, 2500],
    [60, 60_000],
  ])('waits the input seconds (%d s) instead of the default', async (seconds, expectedMs) => {
    // Prepare
    const { handler, sleeps } = recordingHandler(3);
    // Act
    const result = await handler({ seconds }, remaining(PLENTY_MS));
    // Assess
    expect(sleeps).toStrictEqual([expectedMs]);
    expect(result).toStrictEqual({ message: SPEC_MESSAGE });
  });

  it.each([
    ['a numeric string', '3', '"3"'],
    ['a non-numeric string', 'abc', '"abc"'],
    ['a boolean', true, 'true'],
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['a negative number', -1, '-1'],
    ['an object', { value: 3 }, '{"value":3}'],
    ['an array', [3], '[3]'],
    ['null', null, 'null'],
  ])('rejects seconds given as %s with RamenTimer.InvalidInput and a readable message', async (_l, seconds, shown) => {
    // Prepare
    const { handler, sleeps } = recordingHandler(3);
    // Act
    const err = await rejectionOf(handler({ seconds }, remaining(PLENTY_MS)));
    // Assess
    expect(err).toBeInstanceOf(RamenTimerError);
    expect(err.name).toBe(RamenTimerErrors.InvalidInput);
    expect(err.message).toBe(`seconds must be a number from 0 to 899; got ${shown}`);
    expect(sleeps).toStrictEqual([]);
  });

  it.each([
    ['a string', 'abc'],
    ['a number', 5],
    ['a boolean', false],
    ['an array', [{ seconds: 1 }]],
  ])('rejects an execution input that is %s instead of defaulting', async (_l, event) => {
    // Prepare
    const { handler, sleeps } = recordingHandler(3);
    // Act
    const err = await rejectionOf(handler(event, remaining(PLENTY_MS)));
    // Assess
    expect(err.name).toBe(RamenTimerErrors.InvalidInput);
    expect(err.message).toMatch(/^execution input must be a JSON object such as \{"seconds": 3\}, \{\} or null; got /);
    expect(sleeps).toStrictEqual([]);
  });

  describe('remaining-time bound', () => {
    it('accepts a wait that ends exactly at the safety margin', async () => {
      // Prepare: 10 s left, 1 s margin by default -> 9 s usable.
      const { handler, sleeps } = recordingHandler(1);
      // Act
      await handler({ seconds: 9 }, remaining(10_000));
      // Assess
      expect(sleeps).toStrictEqual([9000]);
    });

    it('rejects a wait 1 ms past the safety margin, stating the maximum', async () => {
      // Prepare
      const { handler, sleeps } = recordingHandler(1);
      // Act
      const err = await rejectionOf(handler({ seconds: 9.001 }, remaining(10_000)));
      // Assess
      expect(err.name).toBe(RamenTimerErrors.InvalidInput);
      expect(err.message).toBe('seconds must be a number from 0 to 9; got 9.001');
      expect(sleeps).toStrictEqual([]);
    });

    it('states the bound in whole seconds, the same whatever milliseconds are left', async () => {
      // Prepare: a 900 s function a few milliseconds into its invocation, twice
      const { handler, sleeps } = recordingHandler(1);
      // Act
      const first = await rejectionOf(handler({ seconds: 898.5 }, remaining(899_996)));
      const second = await rejectionOf(handler({ seconds: 899 }, remaining(899_001)));
      await handler({ seconds: 898 }, remaining(899_001));
      // Assess
      expect(first.message).toBe('seconds must be a number from 0 to 898; got 898.5');
      expect(second.message).toBe('seconds must be a number from 0 to 898; got 899');
      expect(sleeps).toStrictEqual([898_000]);
    });

    it('uses a custom safety margin', async () => {
      // Prepare: 10 s left, 4 s margin -> 6 s usable.
      const { handler, sleeps } = recordingHandler(1, 4000);
      // Act
      const err = await rejectionOf(handler({ seconds: 7 }, remaining(10_000)));
      await handler({ seconds: 6 }, remaining(10_000));
      // Assess
      expect(err.message).toBe('seconds must be a number from 0 to 6; got 7');
      expect(sleeps).toStrictEqual([6000]);
    });

    it('reads the remaining time on each invocation, not once', async () => {
      // Prepare
      const { handler, sleeps } = recordingHandler(1);
      // Act
      await handler({ seconds: 5 }, remaining(60_000));
      const err = await rejectionOf(handler({ seconds: 5 }, remaining(3_000)));
      // Assess
      expect(sleeps).toStrictEqual([5000]);
      expect(err.message).toBe('seconds must be a number from 0 to 2; got 5');
    });

    it('still allows a 0 s wait when less time than the margin is left', async () => {
      // Prepare
      const { handler, sleeps } = recordingHandler(0);
      // Act
      const result = await handler({ seconds: 0 }, remaining(200));
      // Assess
      expect(result).toStrictEqual({ message: SPEC_MESSAGE });
      expect(sleeps).toStrictEqual([0]);
    });

    it('rejects a default that does not fit with RamenTimer.DefaultTooLong', async () => {
      // Prepare
      const { handler, sleeps } = recordingHandler(30);
      // Act
      const err = await rejectionOf(handler({}, remaining(10_000)));
      // Assess
      expect(err.name).toBe(RamenTimerErrors.DefaultTooLong);
      expect(err.message).toMatch(/^the default wait of 30 s \(RAMEN_TIMER_SECONDS\) does not fit in the 9 s left/);
      expect(sleeps).toStrictEqual([]);
    });
  });

  it.each([
    [{ defaultSeconds: -1 }, /^defaultSeconds must be a finite number >= 0; got -1$/],
    [{ defaultSeconds: NaN }, /^defaultSeconds must be a finite number >= 0; got NaN$/],
    [{ defaultSeconds: 1, safetyMarginMs: -5 }, /^safetyMarginMs must be a finite number >= 0; got -5$/],
  ])('refuses to build with invalid options %p', (options, message) => {
    // Act / Assess
    expect(() => createHandler(options)).toThrow(message);
    expect(() => createHandler(options)).toThrow(ConfigError);
  });

  describe('with the real sleep', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('resolves only after the requested time has passed', async () => {
      // Prepare
      jest.useFakeTimers();
      const handler = createHandler({ defaultSeconds: 1 });
      let settled = false;
      // Act
      const pending = handler({ seconds: 5 }, remaining(PLENTY_MS)).then((r) => {
        settled = true;
        return r;
      });
      await jest.advanceTimersByTimeAsync(4999);
      const settledEarly = settled;
      await jest.advanceTimersByTimeAsync(1);
      // Assess
      expect(settledEarly).toBe(false);
      expect(settled).toBe(true);
      await expect(pending).resolves.toStrictEqual({ message: SPEC_MESSAGE });
    });

    it('sets no timer for a 0 s wait (a 0 ms timer still waits 1 ms)', async () => {
      // Prepare
      jest.useFakeTimers();
      const handler = createHandler({ defaultSeconds: 1 });
      // Act
      const pending = handler({ seconds: 0 }, remaining(PLENTY_MS));
      const timers = jest.getTimerCount();
      // Assess
      expect(timers).toBe(0);
      await expect(pending).resolves.toStrictEqual({ message: SPEC_MESSAGE });
    });

    it('sets a timer for the smallest wait above 0 s', async () => {
      // Prepare
      jest.useFakeTimers();
      const handler = createHandler({ defaultSeconds: 1 });
      let settled = false;
      // Act
      const pending = handler({ seconds: 0.001 }, remaining(PLENTY_MS)).then((r) => {
        settled = true;
        return r;
      });
      await Promise.resolve();
      const settledEarly = settled;
      await jest.advanceTimersByTimeAsync(1);
      // Assess
      expect(settledEarly).toBe(false);
      await expect(pending).resolves.toStrictEqual({ message: SPEC_MESSAGE });
    });
  });
});
