/**
 * The local stand-in for the sender's rule: every terminal status change of the stack's executions
 * becomes the EventBridge event AWS would send ("Step Functions Execution Status Change",
 * a fresh event id), and is handed to the stack's webhook sender through the local Lambda service, as
 * an asynchronous invocation by `events.amazonaws.com` (checked against the function's resource policy).
 * The sender function is the one the stack lets EventBridge invoke; its rule is that permission's
 * source. The sender itself looks up whether the execution has a webhook (the registration table, served
 * locally by `registrations.ts`), as on AWS. An invocation that ends in an error is what AWS puts into the dead-letter queue: here it is
 * written to `<dataDir>/webhooks/dead-letters/<event id>.json`.
 *
 * The SNS topic has no local counterpart: subscribers of the topic are an AWS affair.
 * Delivery never affects an execution: the listener only queues work, and failures are logged.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTerminal, STATUS_CHANGE_DETAIL_TYPE } from '../../lambda-src/shared/step-functions-arn';
import type { IamAuthorizer } from '../iam/authorizer';
import type { LambdaService } from '../lambda/types';
import type { ExecutionStatusChange } from '../stepfunctions/events';
import type { StepFunctionsService } from '../stepfunctions/service';
import type { StackModel } from '../terraform/model';

/**
 * Largest `input` or `output` (UTF-8 bytes) a Step Functions status-change event carries; above it
 * EventBridge sends `null` (docs/aws-behaviour.md §11.2, an inferred figure).
 */
export const STATUS_EVENT_DATA_MAX_BYTES = 248 * 1024;

/** The event's view of an execution's input or output: the text, or `null` when too large to be carried. */
export function inStatusEvent(data: string | null): string | null {
  return data !== null && Buffer.byteLength(data) > STATUS_EVENT_DATA_MAX_BYTES ? null : data;
}

/** Where dead letters are written under the runtime's data folder. */
export function deadLetterDir(dataDir: string): string {
  return join(dataDir, 'webhooks', 'dead-letters');
}

/** What a dead-letter file holds: the event, and why it was not delivered. */
export interface DeadLetter {
  readonly event: StatusChangeEvent;
  readonly errorType: string;
  readonly errorMessage: string;
  /** ISO-8601. */
  readonly time: string;
}

/** An EventBridge event as the rule delivers it to its targets. */
export interface StatusChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': typeof STATUS_CHANGE_DETAIL_TYPE;
  readonly source: 'aws.states';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: ExecutionStatusChange;
}

/** The served stack's parts that delivery uses (the current generation's). */
export interface DeliveryStack {
  readonly model: StackModel;
  readonly lambda: LambdaService;
  readonly iam: IamAuthorizer;
}

/** The stack's sender: the function EventBridge may invoke, and the rule that may. */
export function webhookSenderOf(model: StackModel): { functionArn: string; ruleArn: string } | undefined {
  const permission = model.lambdaPermissions.find((p) => p.principal === 'events.amazonaws.com' && p.sourceArn);
  return permission ? { functionArn: permission.functionArn, ruleArn: permission.sourceArn! } : undefined;
}

/**
 * Deliveries in flight at once by default. Lambda's asynchronous invocation is a queue drained by
 * pollers (docs/aws-behaviour.md §11.3), not one concurrent invocation per event: that let a burst of
 * executions hold the whole account concurrency (throttling the jobs' own functions, dead-lettering
 * events as TooManyRequestsException) and kept every waiting event's invocation in memory. 64 keeps
 * up with the runtime at full speed (a delivery mostly waits on the registration lookup); 8 did not.
 */
export const DEFAULT_DELIVERY_CONCURRENCY = 64;

/** Options of {@link WebhookDelivery}. */
export interface WebhookDeliveryOptions {
  readonly dataDir: string;
  readonly stack: () => DeliveryStack;
  readonly log: (line: string) => void;
  /** Deliveries in flight at once (default {@link DEFAULT_DELIVERY_CONCURRENCY}); the rest wait in order. */
  readonly concurrency?: number;
}

/** Feeds terminal status changes to the stack's webhook sender. */
export class WebhookDelivery {
  private readonly inFlight = new Set<Promise<void>>();
  /** Status changes waiting for a delivery slot, oldest first (Lambda's event queue). */
  private readonly waiting: ExecutionStatusChange[] = [];
  /** Index of the oldest waiting change: shifting a long array one by one is quadratic. */
  private head = 0;
  private readonly concurrency: number;
  private readonly detach: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: WebhookDeliveryOptions) {
    this.concurrency = options.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1)
      throw new Error(`concurrency must be a positive integer, got ${String(options.concurrency)}`);
  }

  /** Status changes received and not yet handed to the sender (tests, measurements). */
  get backlog(): number {
    return this.waiting.length - this.head + this.inFlight.size;
  }

  /** Listens to status changes (the runtime's, which outlive a reload; or one service's). */
  attach(sfn: Pick<StepFunctionsService, 'onStatusChange'>): void {
    this.detach.push(sfn.onStatusChange((change) => this.onChange(change)));
  }

  /** Resolves when every delivery started so far has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.backlog > 0) {
      if (this.inFlight.size === 0) this.pump();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** Stops listening; deliveries under way and waiting finish. Executions aborted by the shutdown are not sent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const d of this.detach.splice(0)) d();
    await this.idle();
  }

  private onChange(status: ExecutionStatusChange): void {
    if (this.closed || !isTerminal(status.status)) return;
    // What EventBridge carries: input and output left out when too large, as on AWS.
    this.waiting.push({ ...status, input: inStatusEvent(status.input), output: inStatusEvent(status.output) });
    this.pump();
  }

  /** Starts waiting deliveries while slots are free; each one that ends starts the next. */
  private pump(): void {
    while (this.inFlight.size < this.concurrency && this.head < this.waiting.length) {
      const change = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as never; // let the change go once it is handed over
      // Drop the handed-over front now and then, so a queue that never empties does not keep its holes.
      if (this.head === this.waiting.length || (this.head >= 1024 && this.head * 2 >= this.waiting.length)) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      const delivery = this.deliver(change).catch((err: unknown) =>
        this.options.log(`webhooks: delivery of ${change.executionArn} failed in the runtime: ${String(err)}`),
      );
      this.inFlight.add(delivery);
      void delivery.finally(() => {
        this.inFlight.delete(delivery);
        this.pump();
      });
    }
  }

  private async deliver(change: ExecutionStatusChange): Promise<void> {
    const { model, lambda, iam } = this.options.stack();
    const sender = webhookSenderOf(model);
    if (!sender) return;
    const event: StatusChangeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': STATUS_CHANGE_DETAIL_TYPE,
      source: 'aws.states',
      account: model.accountId,
      time: new Date(change.stopDate ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: model.region,
      resources: [change.executionArn],
      detail: change,
    };
    const allowed = await iam.authorizeServiceInvoke('events.amazonaws.com', sender.functionArn, sender.ruleArn);
    if (!allowed.allowed) {
      this.deadLetter(event, 'AccessDeniedException', allowed.message);
      return;
    }
    const functionName = sender.functionArn.slice(sender.functionArn.lastIndexOf(':') + 1);
    try {
      const result = await lambda.invoke({ functionName, payload: event });
      if (result.functionError) {
        const payload = (result.payload ?? {}) as { errorType?: string; errorMessage?: string };
        this.deadLetter(event, payload.errorType ?? 'Unhandled', payload.errorMessage ?? '');
      }
    } catch (err) {
      this.deadLetter(event, (err as Error).name, (err as Error).message);
    }
  }

  // The function's dead-letter queue on AWS: one message per event that ended in an error.
  private deadLetter(event: StatusChangeEvent, errorType: string, errorMessage: string): void {
    const dir = deadLetterDir(this.options.dataDir);
    mkdirSync(dir, { recursive: true });
    const letter: DeadLetter = { event, errorType, errorMessage, time: new Date().toISOString() };
    writeFileSync(join(dir, `${event.id}.json`), `${JSON.stringify(letter, null, 2)}\n`);
    this.options.log(`webhooks: event ${event.id} (${event.detail.executionArn}) dead-lettered: ${errorType}`);
  }
}
