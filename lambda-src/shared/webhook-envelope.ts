/**
 * The envelope that carries a caller's webhook URL inside an execution's input (docs/webhooks.md):
 * `{"asyncApiWebhook": "<url>", "input": <the job's input>}`. Every state machine starts with two
 * generated states that unwrap it (stacks/webhook-envelope.ts), so the job's own code never sees the
 * URL; the webhook sender reads it back from the input of the EventBridge status-change event.
 */

import { isPlainObject } from './describe-value';

/** Member of the execution input that holds the URL; its presence marks the input as an envelope. */
export const ENVELOPE_WEBHOOK_KEY = 'asyncApiWebhook';
/** Member of the envelope that holds the job's own input. */
export const ENVELOPE_INPUT_KEY = 'input';

/**
 * How every envelope's JSON text begins ({@link wrapInput} writes the marker first). The sender's
 * EventBridge rule matches this prefix of `detail.input`, so executions without a webhook never invoke it.
 */
export const ENVELOPE_INPUT_PREFIX = `{"${ENVELOPE_WEBHOOK_KEY}":`;

/**
 * Largest `input` or `output` (UTF-8 bytes) a Step Functions status-change event carries; above it
 * EventBridge sends `null` (docs/aws-behaviour.md §11.2, an inferred figure). An envelope larger than
 * this would start an execution whose end can never reach its webhook.
 */
export const STATUS_EVENT_DATA_MAX_BYTES = 248 * 1024;

/** The event's view of an execution's input or output: the text, or `null` when too large to be carried. */
export function inStatusEvent(data: string | null): string | null {
  return data !== null && Buffer.byteLength(data) > STATUS_EVENT_DATA_MAX_BYTES ? null : data;
}

/** The execution input that carries `webhook` next to the job's `input`; its JSON text starts with {@link ENVELOPE_INPUT_PREFIX}. */
export function wrapInput(input: unknown, webhook: string): { [ENVELOPE_WEBHOOK_KEY]: string; input: unknown } {
  return { [ENVELOPE_WEBHOOK_KEY]: webhook, [ENVELOPE_INPUT_KEY]: input };
}

/** The webhook member of an execution input's JSON text; `undefined` when it is not an envelope. */
export function webhookOf(input: string | null): unknown {
  if (input === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(input);
    return isPlainObject(parsed) ? parsed[ENVELOPE_WEBHOOK_KEY] : undefined;
  } catch {
    return undefined;
  }
}
