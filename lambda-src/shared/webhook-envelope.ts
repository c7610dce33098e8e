/**
 * The envelope that carries a caller's webhook URL inside an execution's input (docs/webhooks.md):
 * `{"asyncApiWebhook": "<url>", "input": <the job's input>}`. Every state machine starts with two
 * generated states that unwrap it (stacks/webhook-envelope.ts), so the job's own code never sees the
 * URL; the webhook sender reads it back from the input of the EventBridge status-change event.
 */

/** Member of the execution input that holds the URL; its presence marks the input as an envelope. */
export const ENVELOPE_WEBHOOK_KEY = 'asyncApiWebhook';
/** Member of the envelope that holds the job's own input. */
export const ENVELOPE_INPUT_KEY = 'input';

/** The execution input that carries `webhook` next to the job's `input`. */
export function wrapInput(input: unknown, webhook: string): { [ENVELOPE_WEBHOOK_KEY]: string; input: unknown } {
  return { [ENVELOPE_WEBHOOK_KEY]: webhook, [ENVELOPE_INPUT_KEY]: input };
}

/** The webhook member of an execution input's JSON text; `undefined` when it is not an envelope. */
export function webhookOf(input: string | null): unknown {
  if (input === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(input);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    return (parsed as Record<string, unknown>)[ENVELOPE_WEBHOOK_KEY];
  } catch {
    return undefined;
  }
}
