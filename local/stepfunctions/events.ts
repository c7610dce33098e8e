/**
 * Execution status changes, as EventBridge's "Step Functions Execution Status Change" events carry
 * them, for subscribers inside the runtime (dashboard, webhooks).
 */
import type { ExecutionStatusName } from '../../lambda-src/shared/step-functions-arn';

/** Shape of EventBridge's "Step Functions Execution Status Change" `detail`. */
export interface ExecutionStatusChange {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatusName;
  readonly startDate: number;
  readonly stopDate: number | null; // epoch milliseconds, as EventBridge sends
  readonly input: string | null;
  readonly output: string | null; // JSON text
  readonly error: string | null;
  readonly cause: string | null;
  readonly redriveCount: number;
}

/** Called once per status change; what it throws never affects the execution. */
export type StatusChangeListener = (change: ExecutionStatusChange) => void;

/**
 * A set of status-change subscribers: each service has one, and the runtime one that outlives the
 * stacks a reload replaces, so a subscriber subscribes once and a replaced stack is let go.
 */
export class StatusChanges {
  private readonly listeners = new Set<StatusChangeListener>();

  /** Number of subscribers (tests: a replaced stack keeps none). */
  get size(): number {
    return this.listeners.size;
  }

  /** Calls `listener` on every change emitted here; returns the unsubscribe function. */
  onStatusChange(listener: StatusChangeListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(change: ExecutionStatusChange): void {
    for (const listener of this.listeners) {
      // A subscriber's failure must never reach the execution or the other subscribers.
      try {
        listener(change);
      } catch {
        /* ignored on purpose */
      }
    }
  }
}
