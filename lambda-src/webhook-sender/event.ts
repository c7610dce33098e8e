import { STATUS_CHANGE_DETAIL_TYPE, type TerminalStatus } from '../shared/step-functions-arn';

/** Thrown (and so dead-lettered) when the event is not a Step Functions status change. */
export class InvalidStatusEventError extends Error {
  override readonly name = 'InvalidStatusEventError';
}

/** The parts of an EventBridge status-change event the sender uses. */
export interface StatusEvent {
  /** EventBridge's event id: the `webhook-id`, the same on every retry, for receivers to drop repeats. */
  readonly id: string;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  /** Epoch milliseconds. */
  readonly startDate: number;
  readonly stopDate: number | null;
  /** JSON text, or null when EventBridge left it out (too large). */
  readonly input: string | null;
  readonly output: string | null;
  readonly error: string | null;
  readonly cause: string | null;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Reads an EventBridge "Step Functions Execution Status Change" event, or throws {@link InvalidStatusEventError}. */
export function parseStatusEvent(event: unknown): StatusEvent {
  if (typeof event !== 'object' || event === null) throw new InvalidStatusEventError('event must be an object');
  const e = event as Record<string, unknown>;
  if (e['detail-type'] !== STATUS_CHANGE_DETAIL_TYPE) {
    throw new InvalidStatusEventError(`detail-type must be ${JSON.stringify(STATUS_CHANGE_DETAIL_TYPE)}`);
  }
  const d = e.detail as Record<string, unknown> | undefined;
  if (typeof e.id !== 'string' || typeof d !== 'object' || d === null)
    throw new InvalidStatusEventError('event needs an id and a detail');
  for (const key of ['executionArn', 'stateMachineArn', 'name', 'status'] as const) {
    if (typeof d[key] !== 'string') throw new InvalidStatusEventError(`detail.${key} must be a string`);
  }
  return {
    id: e.id,
    executionArn: d.executionArn as string,
    stateMachineArn: d.stateMachineArn as string,
    name: d.name as string,
    status: d.status as string,
    startDate: typeof d.startDate === 'number' ? d.startDate : 0,
    stopDate: typeof d.stopDate === 'number' ? d.stopDate : null,
    input: text(d.input),
    output: text(d.output),
    error: text(d.error),
    cause: text(d.cause),
  };
}

/** The Standard Webhooks payload: `type`, `timestamp`, `data`. The execution input is left out, as it may be large. */
export interface WebhookPayload {
  readonly type: string;
  /** ISO-8601 of the execution's end. */
  readonly timestamp: string;
  readonly data: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly status: TerminalStatus;
    readonly startDate: string;
    readonly stopDate: string | null;
    readonly output: unknown;
    readonly error: string | null;
    readonly cause: string | null;
  };
}

/** Builds the payload of a terminal event; `type` is e.g. `execution.timed_out`. */
export function webhookPayload(event: StatusEvent & { status: TerminalStatus }): WebhookPayload {
  let output: unknown = null;
  if (event.output !== null) {
    try {
      output = JSON.parse(event.output);
    } catch {
      output = event.output;
    }
  }
  const stop = event.stopDate === null ? null : new Date(event.stopDate).toISOString();
  return {
    type: `execution.${event.status.toLowerCase()}`,
    timestamp: stop ?? new Date(event.startDate).toISOString(),
    data: {
      executionArn: event.executionArn,
      stateMachineArn: event.stateMachineArn,
      name: event.name,
      status: event.status,
      startDate: new Date(event.startDate).toISOString(),
      stopDate: stop,
      output,
      error: event.error,
      cause: event.cause,
    },
  };
}
