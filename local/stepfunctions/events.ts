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
