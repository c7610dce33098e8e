import { Webhook } from 'standardwebhooks';
import { isTerminal } from '../shared/step-functions-arn';
import { parseStatusEvent, type StatusEvent, webhookPayload } from './event';
import type { Post } from './post';
import { type DeliveryOutcome, deliverWithRetry, type RetryOptions } from './retry';
import { webhookUrlProblem } from './url';

/**
 * Thrown when a delivery did not succeed (every attempt failed, or the receiver refused it), so Lambda
 * hands the event to the dead-letter queue. The function has no asynchronous retries of its own
 * (`maximum_retry_attempts = 0`): this handler's attempts are the whole schedule, so a 4xx is never repeated.
 */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
}

/** What one invocation did (returned for tests and the local runtime; logged without URL or secret). */
export type SendResult =
  | { readonly kind: 'skipped'; readonly reason: 'not-terminal' | 'no-webhook' }
  | { readonly kind: 'refused'; readonly reason: string }
  | DeliveryOutcome;

/** The retry schedule of the deployed sender (3 attempts of at most 5 s each, within a 30 s function timeout). */
export const DELIVERY_SCHEDULE = {
  maxAttempts: 3,
  baseDelayMs: 1000,
  maxDelayMs: 4000,
  attemptTimeoutMs: 5000,
} as const;

/** Options of {@link createHandler}; everything that touches the network or the clock is injected. */
export interface SenderOptions {
  /**
   * The URL registered for the execution that started at `startDateMs` (epoch milliseconds; the
   * registration table), or `undefined`.
   */
  readonly webhookOf: (executionArn: string, startDateMs: number) => Promise<string | undefined>;
  /** The signing secret (raw text; its UTF-8 bytes are the HMAC key). Fetched once and cached by the caller. */
  readonly signingSecret: () => Promise<string>;
  /** `true` only in the local runtime: the URL and address policy then allow http://127.0.0.1 (a value; the same checks run). */
  readonly allowLoopbackHttp: boolean;
  /** One HTTP attempt (`createPost`: connects only to checked addresses on AWS). */
  readonly post: Post;
  /** Per-attempt timeout, milliseconds. */
  readonly attemptTimeoutMs: number;
  readonly retry: RetryOptions;
  /** Structured log line; never receives the secret, the URL or the payload. */
  readonly log: (entry: Record<string, unknown>) => void;
}

/** Builds the Standard Webhooks headers for one attempt (a fresh timestamp, the same id). */
export function signedHeaders(secret: string, id: string, body: string, now: Date): Record<string, string> {
  const signature = new Webhook(secret, { format: 'raw' }).sign(id, now, body);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

/**
 * The sender: one EventBridge status-change event in, at most one webhook delivery out (with
 * retries). Throws {@link WebhookDeliveryError} when it ends undelivered so the event is dead-lettered;
 * the execution itself is never touched.
 */
export function createHandler(options: SenderOptions): (event: unknown) => Promise<SendResult> {
  return async (event) => {
    const status: StatusEvent = parseStatusEvent(event);
    const base = { eventId: status.id, executionArn: status.executionArn, status: status.status };
    if (!isTerminal(status.status)) return { kind: 'skipped', reason: 'not-terminal' };
    const url = await options.webhookOf(status.executionArn, status.startDate);
    if (url === undefined) return { kind: 'skipped', reason: 'no-webhook' };
    const problem = webhookUrlProblem(url, { allowLoopbackHttp: options.allowLoopbackHttp });
    if (problem !== null) {
      // Start refuses these already; one that got through is logged and dropped, not retried.
      options.log({ ...base, outcome: 'refused', reason: problem });
      return { kind: 'refused', reason: problem };
    }
    const target = new URL(url);
    const body = JSON.stringify(webhookPayload({ ...status, status: status.status }));
    const secret = await options.signingSecret();
    const outcome = await deliverWithRetry(async () => {
      return options.post(target, {
        headers: signedHeaders(secret, status.id, body, new Date()),
        body,
        timeoutMs: options.attemptTimeoutMs,
      });
    }, options.retry);
    options.log({
      ...base,
      outcome: outcome.kind,
      attempts: outcome.attempts,
      ...('status' in outcome ? { httpStatus: outcome.status } : { lastError: outcome.lastError }),
    });
    if (outcome.kind !== 'delivered') {
      throw new WebhookDeliveryError(
        `webhook for event ${status.id} ${outcome.kind} after ${outcome.attempts} attempt(s)`,
      );
    }
    return outcome;
  };
}
