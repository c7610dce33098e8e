/**
 * Every state machine begins with two generated states that unwrap the webhook envelope
 * (`lambda-src/shared/webhook-envelope.ts`), so a job's own states never see the caller's URL.
 * An input without the envelope's marker passes through untouched.
 */
import { ENVELOPE_INPUT_KEY, ENVELOPE_WEBHOOK_KEY } from '../lambda-src/shared/webhook-envelope';

/** Name of the generated Choice state; a job's ASL may not use it. */
export const ENVELOPE_CHOICE_STATE = 'Webhook envelope?';
/** Name of the generated Pass state that keeps only the job's input. */
export const ENVELOPE_UNWRAP_STATE = 'Unwrap webhook envelope';

interface Definition {
  StartAt: string;
  States: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Returns the definition with the unwrap states in front of its `StartAt`.
 * @throws Error when the definition already has a state of either generated name.
 */
export function withWebhookEnvelope(definition: unknown, source: string): unknown {
  const d = definition as Definition;
  if (typeof d?.StartAt !== 'string' || typeof d.States !== 'object' || d.States === null) {
    throw new Error(`${source}: a definition needs StartAt and States`);
  }
  for (const name of [ENVELOPE_CHOICE_STATE, ENVELOPE_UNWRAP_STATE]) {
    if (name in d.States) throw new Error(`${source}: the state name "${name}" is reserved for the webhook envelope`);
  }
  return {
    ...d,
    StartAt: ENVELOPE_CHOICE_STATE,
    States: {
      [ENVELOPE_CHOICE_STATE]: {
        Type: 'Choice',
        Comment: 'Generated: an execution started with a webhook carries it in an envelope the job must not see.',
        Choices: [{ Variable: `$.${ENVELOPE_WEBHOOK_KEY}`, IsPresent: true, Next: ENVELOPE_UNWRAP_STATE }],
        Default: d.StartAt,
      },
      [ENVELOPE_UNWRAP_STATE]: { Type: 'Pass', InputPath: `$.${ENVELOPE_INPUT_KEY}`, Next: d.StartAt },
      ...d.States,
    },
  };
}
