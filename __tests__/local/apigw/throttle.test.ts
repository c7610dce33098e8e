/**
 * Stage throttling's token bucket at its edges (local/apigw/throttle.ts): a fraction of a token is
 * not a token, an idle bucket never holds more than the burst, a route's own settings replace the
 * stage's, and a stage without settings never throttles.
 */
import { StageThrottle } from '../../../local/apigw/throttle';
import type { StageModel, ThrottleSettings } from '../../../local/terraform/model';

function stage(throttling: ThrottleSettings | undefined, routeThrottling: StageModel['routeThrottling'] = {}) {
  return { address: 's', name: '$default', throttling, routeThrottling } satisfies StageModel;
}

/** A throttle whose clock the test moves (milliseconds). */
function clocked(model: StageModel) {
  const clock = { now: 1_000 };
  return { clock, throttle: new StageThrottle(model, () => clock.now) };
}

const takes = (throttle: StageThrottle, route: string, n: number) =>
  Array.from({ length: n }, () => throttle.take(route));

describe('StageThrottle at its edges', () => {
  it('refuses at 0.998 of a refilled token and allows at exactly one', () => {
    // Prepare: rate 2/s, burst 1; the only token is spent
    const { clock, throttle } = clocked(stage({ rateLimit: 2, burstLimit: 1 }));
    expect(takes(throttle, 'POST /a', 2)).toEqual([true, false]);

    // Act / Assess
    clock.now += 499;
    expect(throttle.take('POST /a')).toBe(false);
    clock.now += 1; // 500 ms after the refused take's refill began: 0.998 + 0.002 = 1 token
    expect(takes(throttle, 'POST /a', 2)).toEqual([true, false]);
  });

  it('holds at most the burst after a long idle time', () => {
    const { clock, throttle } = clocked(stage({ rateLimit: 10, burstLimit: 3 }));
    expect(takes(throttle, 'POST /a', 3)).toEqual([true, true, true]);

    clock.now += 3_600_000;

    expect(takes(throttle, 'POST /a', 4)).toEqual([true, true, true, false]);
  });

  it('counts time from the first request of a route, not from when the throttle was made', () => {
    const { clock, throttle } = clocked(stage({ rateLimit: 1, burstLimit: 1 }));
    clock.now += 60_000;

    expect(takes(throttle, 'POST /a', 2)).toEqual([true, false]);
  });

  it("uses a route's own settings for that route key only, and the stage's for the others", () => {
    const { throttle } = clocked(
      stage({ rateLimit: 1, burstLimit: 1 }, { 'POST /b': { rateLimit: 1, burstLimit: 3 } }),
    );

    expect(takes(throttle, 'POST /b', 4)).toEqual([true, true, true, false]);
    expect(takes(throttle, 'POST /a', 2)).toEqual([true, false]);
    expect(takes(throttle, 'POST /c', 2)).toEqual([true, false]);
  });

  it('never throttles a stage without settings, but does throttle its routes that have their own', () => {
    const { throttle } = clocked(stage(undefined, { 'POST /b': { rateLimit: 0, burstLimit: 1 } }));

    expect(takes(throttle, 'POST /a', 1_000).every(Boolean)).toBe(true);
    expect(takes(throttle, 'POST /b', 2)).toEqual([true, false]);
  });

  it('refuses every request of a route throttled to zero', () => {
    const { clock, throttle } = clocked(stage({ rateLimit: 0, burstLimit: 0 }));
    clock.now += 10_000;

    expect(throttle.take('POST /a')).toBe(false);
  });
});
