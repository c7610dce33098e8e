/**
 * Stage throttling: a token bucket per route (API Gateway applies the stage's default route settings
 * to each route; `route_settings` override them per route key). `burst` is the bucket size and
 * `rate` its refill per second, as in API Gateway's token-bucket model
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html).
 */
import type { StageModel, ThrottleSettings } from '../terraform/model';

interface Bucket {
  tokens: number;
  last: number;
  readonly settings: ThrottleSettings;
}

/** Decides per request whether a route is over its limit. */
export class StageThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly stage: StageModel,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token for `routeKey`; false means answer 429. */
  take(routeKey: string): boolean {
    let bucket = this.buckets.get(routeKey);
    if (!bucket) {
      const settings = this.stage.routeThrottling[routeKey] ?? this.stage.throttling;
      if (!settings) return true;
      bucket = { tokens: settings.burstLimit, last: this.now(), settings };
      this.buckets.set(routeKey, bucket);
    }
    const now = this.now();
    const { rateLimit, burstLimit } = bucket.settings;
    bucket.tokens = Math.min(burstLimit, bucket.tokens + ((now - bucket.last) / 1000) * rateLimit);
    bucket.last = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
