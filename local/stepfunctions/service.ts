/**
 * The Step Functions service of the local runtime: the operations of the AWS API on the stack's state
 * machines, with Standard-workflow rules, IAM checks for callers that act as a role, and persistence.
 * Both the HTTP API integrations and the AWS JSON 1.0 endpoint call it. Errors are {@link SfnError}s
 * with the codes and messages Step Functions uses.
 */
import { randomUUID } from 'node:crypto';
import { EXECUTION_STATUSES } from '../../lambda-src/shared/step-functions-arn';
import type { IamAuthorizer } from '../iam/authorizer';
import type { StateMachineModel } from '../terraform/model';
import type { DefinitionRevisions } from './definitions';
import type { ExecutionEngine, ExecutionHandle, Outcome } from './engine';
import { SfnError } from './errors';
import { type ExecutionStatusChange, type StatusChangeListener, StatusChanges } from './events';
import { issueToken, readToken } from './page-token';
import { redrivability, resumePoint } from './redrive';
import type { ExecutionRecord, ExecutionStatus, ExecutionStore, HistoryEvent } from './store';
import {
  errorAndCause,
  optionalString,
  parseExecutionArn,
  parseExecutionInput,
  requiredString,
  validateExecutionName,
  validateStateMachineArn,
} from './validation';

/** Who calls: a role's session (checked against its policies) or the local developer (allowed everything). */
export type Caller = { readonly kind: 'developer' } | { readonly kind: 'role'; readonly roleArn: string };

/** JSON 1.0 members of the operations, as received. */
export type Request = Readonly<Record<string, unknown>>;

const STATUSES: readonly string[] = EXECUTION_STATUSES;

/** A state machine the service serves, with the engine that runs its definition. */
export interface ServedStateMachine {
  readonly stateMachine: StateMachineModel;
  readonly engine: ExecutionEngine;
}

/** Dependencies of the service. */
export interface StepFunctionsServiceOptions {
  /** Every state machine of the stack (one per job). */
  readonly machines: readonly ServedStateMachine[];
  readonly store: ExecutionStore;
  readonly iam: IamAuthorizer;
  /** Creation date reported by DescribeStateMachine (epoch ms). */
  readonly createdAt: number;
  /** Called once per execution that closes (for metrics and logs). */
  readonly onClosed?: (record: ExecutionRecord) => void;
  /**
   * The running executions, when shared with the service of an earlier stack (watch mode reloads):
   * executions started there keep running on their own engine, and StopExecution and
   * {@link StepFunctionsService.abortAll} here still reach them. Default: a map of this service's own.
   */
  readonly running?: Map<string, ExecutionHandle>;
  /** Operations beyond the executions' (operations.ts): undefined when it does not know the operation. */
  readonly more?: (operation: string, caller: Caller, request: Request) => Promise<unknown> | undefined;
  /** Which definition each execution ran (DescribeStateMachineForExecution); without it, today's. */
  readonly definitions?: DefinitionRevisions;
}

/** Operations this service implements, by X-Amz-Target operation name. */
export type Operation =
  | 'StartExecution'
  | 'StopExecution'
  | 'DescribeExecution'
  | 'RedriveExecution'
  | 'ListExecutions'
  | 'GetExecutionHistory'
  | 'DescribeStateMachine'
  | 'ListStateMachines'
  | 'DescribeStateMachineForExecution'
  | 'ListTagsForResource';

/** The local Step Functions service. */
export class StepFunctionsService {
  private readonly running: Map<string, ExecutionHandle>;
  /** The stack's state machines, and those CreateStateMachine adds (operations.ts). */
  readonly machines: Map<string, ServedStateMachine>;
  private readonly changes = new StatusChanges();
  /** The client token of recent redrives, by execution: a retried call must not redrive twice. */
  private readonly redriveTokens = new Map<string, { token: string; date: number }>();

  constructor(private readonly options: StepFunctionsServiceOptions) {
    this.running = options.running ?? new Map();
    this.machines = new Map(options.machines.map((m) => [m.stateMachine.arn, m]));
  }

  /** Number of executions currently running. */
  get runningCount(): number {
    return this.running.size;
  }

  /** Calls `listener` on every status change of an execution of this service; returns the unsubscribe function. */
  onStatusChange(listener: StatusChangeListener): () => void {
    return this.changes.onStatusChange(listener);
  }

  /** Number of status-change subscribers (tests: a stack a reload replaced keeps none once retired). */
  get subscriberCount(): number {
    return this.changes.size;
  }

  private emit(r: ExecutionRecord): void {
    if (this.changes.size === 0) return;
    const change: ExecutionStatusChange = {
      executionArn: r.executionArn,
      stateMachineArn: r.stateMachineArn,
      name: r.name,
      status: r.status,
      startDate: r.startDate,
      stopDate: r.stopDate ?? null,
      input: r.input,
      output: r.output ?? null,
      error: r.error ?? null,
      cause: r.cause ?? null,
      redriveCount: r.redriveCount ?? 0,
    };
    this.changes.emit(change);
  }

  /** Runs an operation by name. @throws SfnError */
  call(operation: string, caller: Caller, request: Request): Promise<unknown> {
    switch (operation) {
      case 'StartExecution':
        return this.startExecution(caller, request);
      case 'StopExecution':
        return this.stopExecution(caller, request);
      case 'DescribeExecution':
        return this.describeExecution(caller, request);
      case 'RedriveExecution':
        return this.redriveExecution(caller, request);
      case 'ListExecutions':
        return this.listExecutions(caller, request);
      case 'GetExecutionHistory':
        return this.getExecutionHistory(caller, request);
      case 'DescribeStateMachine':
        return this.describeStateMachine(caller, request);
      case 'ListStateMachines':
        return this.listStateMachines(caller, request);
      case 'DescribeStateMachineForExecution':
        return this.describeStateMachineForExecution(caller, request);
      case 'ListTagsForResource':
        return this.listTagsForResource(caller, request);
      default:
        return (
          this.options.more?.(operation, caller, request) ??
          Promise.reject(
            new SfnError('UnknownOperationException', `Operation ${operation} is not supported by the local runtime`),
          )
        );
    }
  }

  /** StartExecution: `{stateMachineArn, name?, input?}` → `{executionArn, startDate}`. */
  async startExecution(caller: Caller, request: Request): Promise<{ executionArn: string; startDate: number }> {
    const machineArn = validateStateMachineArn(requiredString(request, 'stateMachineArn'));
    const name = optionalString(request, 'name') ?? randomUUID();
    const input = optionalString(request, 'input') ?? '{}';
    validateExecutionName(name);
    const parsedInput = parseExecutionInput(input);
    await this.authorize(caller, 'states:StartExecution', machineArn);
    const { stateMachine: machine, engine } = this.served(machineArn);

    // Execution names are unique per state machine, so the ARN (machine + name) is the key.
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.options.store.get(executionArn);
    if (existing) {
      // Standard workflows: a repeat of a running execution's start is idempotent (AWS API reference).
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn: existing.executionArn, startDate: seconds(existing.startDate) };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
    }

    const startDate = Date.now();
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate,
      input,
    };
    this.options.store.add(
      record,
      {
        timestamp: startDate,
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: machine.roleArn },
      },
      this.options.definitions?.keep(machine.definitionText),
    );
    // Nothing runs before the start is on disk: a kill of the runtime leaves either a stored execution or
    // none, never a worker that ran for an execution nobody can see. Answered after it, for the same reason.
    // A failed commit undoes the writes and throws: nothing runs.
    await this.options.store.committed();
    this.launchIfRunning(engine, { executionArn, name, input: parsedInput, startDate }, record);
    return { executionArn, startDate: seconds(startDate) };
  }

  /**
   * RedriveExecution: `{executionArn, clientToken?}` → `{redriveDate}`. Reruns a FAILED, TIMED_OUT
   * or ABORTED execution from its unsuccessful state under the same ARN, appending to its history.
   */
  async redriveExecution(caller: Caller, request: Request): Promise<{ redriveDate: number }> {
    const arn = requiredString(request, 'executionArn');
    parseExecutionArn(arn);
    const clientToken = optionalString(request, 'clientToken');
    if (clientToken !== undefined && (clientToken.length < 1 || clientToken.length > 64)) {
      throw new SfnError(
        'ValidationException',
        "1 validation error detected: Value at 'clientToken' failed to satisfy constraint: Member must have length between 1 and 64",
      );
    }
    await this.authorize(caller, 'states:RedriveExecution', arn);
    const record = this.execution(arn);
    const { engine } = this.served(record.stateMachineArn);
    const earlier = this.redriveTokens.get(arn);
    // A retry of the same call (the SDK sends one token per call and keeps it across retries).
    if (clientToken !== undefined && earlier?.token === clientToken) return { redriveDate: seconds(earlier.date) };
    const now = Date.now();
    const verdict = redrivability(record, now, this.options.store.historyLength(arn));
    if (verdict.redriveStatus === 'NOT_REDRIVABLE') {
      throw new SfnError(
        'ExecutionNotRedrivable',
        `Execution cannot be redriven: ${verdict.redriveStatusReason}: '${arn}'`,
      );
    }
    const point = resumePoint(this.options.store.history(arn), engine.topLevelStates);
    const redriveCount = (record.redriveCount ?? 0) + 1;
    const reopened = this.options.store.reopen(arn, now, {
      timestamp: now,
      type: 'ExecutionRedriven',
      executionRedrivenEventDetails: { redriveCount },
    });
    // Unreachable after the check above (nothing ran in between); kept so a record is at hand.
    if (!reopened)
      throw new SfnError(
        'ExecutionNotRedrivable',
        `Execution cannot be redriven: Execution is RUNNING and cannot be redriven: '${arn}'`,
      );
    if (clientToken !== undefined) {
      this.redriveTokens.set(arn, { token: clientToken, date: now });
      // Bounded: tokens only guard retries of a call, which come within seconds.
      if (this.redriveTokens.size > 1000) this.redriveTokens.delete(this.redriveTokens.keys().next().value!);
    }
    const eventsBefore = this.options.store.historyLength(arn);
    await this.options.store.committed();
    this.launchIfRunning(
      engine,
      {
        executionArn: arn,
        name: record.name,
        input: JSON.parse(point.state === undefined ? record.input : point.input),
        startDate: record.startDate,
        redriveCount,
        eventsBefore,
        ...(point.state !== undefined ? { resumeAt: point.state } : {}),
      },
      reopened,
    );
    return { redriveDate: seconds(now) };
  }

  // Launches a committed start unless a StopExecution closed it while the commit was under way.
  private launchIfRunning(
    engine: ExecutionEngine,
    start: Parameters<ExecutionEngine['start']>[0],
    record: ExecutionRecord,
  ): void {
    if (this.options.store.get(start.executionArn)?.status === 'RUNNING') this.launch(engine, start, record);
  }

  // Runs a RUNNING execution of the store on its engine and closes it when the engine is done.
  private launch(
    engine: ExecutionEngine,
    start: Parameters<ExecutionEngine['start']>[0],
    record: ExecutionRecord,
  ): void {
    const { executionArn } = start;
    let handle: ExecutionHandle;
    try {
      handle = engine.start(start, (event) => this.options.store.append(executionArn, event));
    } catch (err) {
      // The execution exists now; it must not stay RUNNING forever because the interpreter refused it.
      this.finish(executionArn, {
        status: 'FAILED',
        error: 'States.Runtime',
        cause: err instanceof Error ? err.message : String(err),
      });
      return;
    }
    this.running.set(executionArn, handle);
    this.options.store.afterCommit(() => this.emit(record));
    handle.outcome.then(
      (outcome) => this.finish(executionArn, outcome),
      (err: unknown) => this.finish(executionArn, { status: 'FAILED', error: 'States.Runtime', cause: String(err) }),
    );
  }

  /** StopExecution: `{executionArn, error?, cause?}` → `{stopDate}`. */
  async stopExecution(caller: Caller, request: Request): Promise<{ stopDate: number }> {
    const arn = requiredString(request, 'executionArn');
    parseExecutionArn(arn);
    const { error, cause } = errorAndCause(request);
    await this.authorize(caller, 'states:StopExecution', arn as string);
    const record = this.execution(arn as string);
    if (record.status === 'RUNNING') {
      this.abort(record.executionArn, error, cause);
      // The store hands out snapshots: read the closed execution again.
      return { stopDate: seconds(this.execution(record.executionArn).stopDate ?? Date.now()) };
    }
    // Already closed: AWS answers 200 and leaves the execution as it was (docs/aws-behaviour.md §4.4).
    return { stopDate: seconds(record.stopDate ?? Date.now()) };
  }

  /** DescribeExecution: `{executionArn}` → the execution. */
  async describeExecution(caller: Caller, request: Request): Promise<Record<string, unknown>> {
    const arn = requiredString(request, 'executionArn');
    parseExecutionArn(arn);
    await this.authorize(caller, 'states:DescribeExecution', arn as string);
    const r = this.execution(arn as string);
    return {
      executionArn: r.executionArn,
      stateMachineArn: r.stateMachineArn,
      name: r.name,
      status: r.status,
      startDate: seconds(r.startDate),
      ...(r.stopDate !== undefined ? { stopDate: seconds(r.stopDate) } : {}),
      input: r.input,
      inputDetails: { included: true },
      ...(r.output !== undefined ? { output: r.output, outputDetails: { included: true } } : {}),
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.cause !== undefined ? { cause: r.cause } : {}),
      redriveCount: r.redriveCount ?? 0,
      ...(r.redriveDate !== undefined ? { redriveDate: seconds(r.redriveDate) } : {}),
      // The history is read only for closed, unsuccessful executions (its length can forbid a redrive).
      ...redrivability(r, Date.now(), r.status === 'RUNNING' || r.status === 'SUCCEEDED' ? 0 : this.historyLength(r)),
    };
  }

  /** ListExecutions: `{stateMachineArn, statusFilter?, maxResults?, nextToken?}`. */
  async listExecutions(caller: Caller, request: Request): Promise<Record<string, unknown>> {
    const machineArn = validateStateMachineArn(requiredString(request, 'stateMachineArn'));
    const statusFilter = optionalString(request, 'statusFilter');
    if (statusFilter !== undefined && !STATUSES.includes(statusFilter)) {
      throw new SfnError(
        'ValidationException',
        `1 validation error detected: Value '${statusFilter}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
      );
    }
    const redriveFilter = optionalString(request, 'redriveFilter');
    if (redriveFilter !== undefined && redriveFilter !== 'REDRIVEN' && redriveFilter !== 'NOT_REDRIVEN') {
      throw new SfnError(
        'ValidationException',
        `1 validation error detected: Value '${redriveFilter}' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]`,
      );
    }
    if (request['mapRunArn'] !== undefined && request['mapRunArn'] !== null) {
      // Distributed Map is not emulated, so no Map Run exists; AWS also refuses both ARNs together.
      throw new SfnError('ValidationException', 'Only one of stateMachineArn and mapRunArn can be specified');
    }
    const limit = pageSize(request);
    // The token holds the start-order position of the last execution returned: the next page starts
    // below it, so executions started meanwhile (at the top) neither shift nor repeat items.
    const scope = `ListExecutions\0${machineArn}\0${statusFilter ?? ''}\0${redriveFilter ?? ''}`;
    const before =
      request['nextToken'] === undefined || request['nextToken'] === null
        ? undefined
        : readToken(scope, request['nextToken']);
    await this.authorize(caller, 'states:ListExecutions', machineArn);
    this.machine(machineArn);
    // One indexed query: newest first, one row more than the page to know whether another follows.
    const page = this.options.store.list({
      stateMachineArn: machineArn,
      ...(statusFilter !== undefined ? { status: statusFilter } : {}),
      ...(redriveFilter !== undefined ? { redriven: redriveFilter === 'REDRIVEN' } : {}),
      ...(before !== undefined ? { before } : {}),
      limit,
    });
    const executions = page.executions.map((r) => ({
      executionArn: r.executionArn,
      stateMachineArn: r.stateMachineArn,
      name: r.name,
      status: r.status,
      startDate: seconds(r.startDate),
      ...(r.stopDate !== undefined ? { stopDate: seconds(r.stopDate) } : {}),
      redriveCount: r.redriveCount ?? 0,
      ...(r.redriveDate !== undefined ? { redriveDate: seconds(r.redriveDate) } : {}),
    }));
    const last = page.executions.at(-1);
    return { executions, ...(page.more && last ? { nextToken: issueToken(scope, last.position) } : {}) };
  }

  /** GetExecutionHistory: `{executionArn, maxResults?, reverseOrder?, nextToken?, includeExecutionData?}`. */
  async getExecutionHistory(caller: Caller, request: Request): Promise<Record<string, unknown>> {
    const arn = requiredString(request, 'executionArn');
    parseExecutionArn(arn);
    const limit = pageSize(request);
    const reverse = request['reverseOrder'] === true;
    // The token holds the id of the next event: a running execution's new events (at the end in
    // order, at the start in reverse order) shift no page.
    const scope = `GetExecutionHistory\0${arn}\0${String(reverse)}`;
    const next =
      request['nextToken'] === undefined || request['nextToken'] === null
        ? undefined
        : readToken(scope, request['nextToken']);
    await this.authorize(caller, 'states:GetExecutionHistory', arn as string);
    const record = this.execution(arn as string);
    const length = this.options.store.historyLength(record.executionArn);
    const includeData = request['includeExecutionData'] !== false;
    // Event ids are 1..n, in order: a page is one range query.
    const first = next ?? (reverse ? length : 1);
    const ids = reverse
      ? { from: Math.max(first - limit, 0) + 1, to: first }
      : { from: first, to: Math.min(first + limit - 1, length) };
    let slice = this.options.store.events(record.executionArn, ids.from, ids.to);
    if (reverse) slice = slice.reverse();
    const following = reverse ? ids.from - 1 : ids.to + 1;
    const more = reverse ? following >= 1 : following <= length;
    return {
      events: slice.map((e) => wireEvent(e, includeData)),
      ...(more ? { nextToken: issueToken(scope, following) } : {}),
    };
  }

  /** DescribeStateMachine: `{stateMachineArn}`. */
  async describeStateMachine(caller: Caller, request: Request): Promise<Record<string, unknown>> {
    const machineArn = validateStateMachineArn(requiredString(request, 'stateMachineArn'));
    await this.authorize(caller, 'states:DescribeStateMachine', machineArn);
    const m = this.machine(machineArn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: 'ACTIVE',
      definition: m.definitionText,
      roleArn: m.roleArn,
      type: m.type,
      creationDate: seconds(this.options.createdAt),
      loggingConfiguration: loggingConfiguration(m),
      tracingConfiguration: { enabled: m.tracingEnabled },
    };
  }

  /** ListStateMachines: `{maxResults?, nextToken?}` → the state machines served. */
  async listStateMachines(caller: Caller, request: Request): Promise<Record<string, unknown>> {
    const limit = pageSize(request);
    const scope = 'ListStateMachines';
    const from =
      request['nextToken'] === undefined || request['nextToken'] === null ? 0 : readToken(scope, request['nextToken']);
    // IAM evaluates ListStateMachines against "*" (it has no resource type).
    await this.authorize(caller, 'states:ListStateMachines', '*');
    const machines = this.stateMachines();
    const page = machines.slice(from, from + limit).map((m) => ({
      stateMachineArn: m.arn,
      name: m.name,
      type: m.type,
      creationDate: seconds(this.options.createdAt),
    }));
    return {
      stateMachines: page,
      ...(from + limit < machines.length ? { nextToken: issueToken(scope, from + limit) } : {}),
    };
  }

  /**
   * DescribeStateMachineForExecution: `{executionArn}` → the state machine the execution belongs to,
   * with the definition the execution ran (and when it was first served), as AWS answers it.
   */
  async describeStateMachineForExecution(caller: Caller, request: Request): Promise<Record<string, unknown>> {
    const arn = requiredString(request, 'executionArn');
    parseExecutionArn(arn);
    await this.authorize(caller, 'states:DescribeStateMachineForExecution', arn);
    const record = this.execution(arn);
    const m = this.machine(record.stateMachineArn);
    const revision = this.options.store.revisionOf(arn);
    const ran =
      revision !== undefined ? this.options.definitions?.revision(revision) : this.options.definitions?.of(arn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      definition: ran?.definition ?? m.definitionText,
      roleArn: m.roleArn,
      updateDate: seconds(ran?.firstServed ?? this.options.createdAt),
      loggingConfiguration: loggingConfiguration(m),
      tracingConfiguration: { enabled: m.tracingEnabled },
    };
  }

  /** ListTagsForResource: `{resourceArn}` → `{tags: [{key, value}]}` (the state machine's `tags_all`). */
  async listTagsForResource(caller: Caller, request: Request): Promise<Record<string, unknown>> {
    const arn = requiredString(request, 'resourceArn');
    // Activities and other taggable Step Functions resources are not emulated: only state machines.
    validateStateMachineArn(arn);
    await this.authorize(caller, 'states:ListTagsForResource', arn);
    const m = this.stateMachines().find((candidate) => candidate.arn === arn);
    if (!m) throw new SfnError('ResourceNotFound', `Resource not found: '${arn}'`);
    return { tags: Object.entries(m.tags).map(([key, value]) => ({ key, value })) };
  }

  /**
   * Aborts every running execution with `error`/`cause` (clean shutdown); each is on disk as ABORTED
   * when this returns.
   */
  abortAll(error: string, cause: string): number {
    const arns = [...this.running.keys()];
    for (const arn of arns) this.abort(arn, error, cause);
    this.options.store.flush();
    return arns.length;
  }

  private abort(executionArn: string, error: string | undefined, cause: string | undefined): void {
    const stopDate = Date.now();
    const closed = this.options.store.close(
      executionArn,
      {
        status: 'ABORTED',
        stopDate,
        ...(error !== undefined ? { error } : {}),
        ...(cause !== undefined ? { cause } : {}),
      },
      {
        timestamp: stopDate,
        type: 'ExecutionAborted',
        executionAbortedEventDetails: {
          ...(error !== undefined ? { error } : {}),
          ...(cause !== undefined ? { cause } : {}),
        },
      },
    );
    this.running.get(executionArn)?.abort();
    this.running.delete(executionArn);
    if (closed) this.announceClosed(closed);
  }

  private finish(executionArn: string, outcome: Outcome): void {
    const stopDate = Date.now();
    this.running.delete(executionArn);
    const closed =
      outcome.status === 'SUCCEEDED'
        ? this.options.store.close(
            executionArn,
            { status: 'SUCCEEDED', stopDate, output: outcome.output },
            {
              timestamp: stopDate,
              type: 'ExecutionSucceeded',
              executionSucceededEventDetails: { output: outcome.output, outputDetails: { truncated: false } },
            },
          )
        : this.options.store.close(
            executionArn,
            { status: outcome.status, stopDate, ...errorFields(outcome) },
            {
              timestamp: stopDate,
              type: outcome.status === 'FAILED' ? 'ExecutionFailed' : 'ExecutionTimedOut',
              [outcome.status === 'FAILED' ? 'executionFailedEventDetails' : 'executionTimedOutEventDetails']:
                errorFields(outcome),
            },
          );
    if (closed) this.announceClosed(closed);
  }

  // Once the close is on disk: no subscriber (a webhook) hears of an end a crash could still undo.
  private announceClosed(closed: ExecutionRecord): void {
    this.options.store.afterCommit(() => {
      this.options.onClosed?.(closed);
      this.emit(closed);
    });
  }

  private async authorize(caller: Caller, action: string, resource: string): Promise<void> {
    if (caller.kind === 'developer') return;
    const decision = await this.options.iam.authorizeRole(caller.roleArn, action, resource);
    if (!decision.allowed) throw new SfnError('AccessDeniedException', decision.message);
  }

  // Every state machine served, in the stack's order.
  private stateMachines(): readonly StateMachineModel[] {
    return [...this.machines.values()].map((m) => m.stateMachine);
  }

  private served(arn: string): ServedStateMachine {
    const served = this.machines.get(arn);
    if (!served) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return served;
  }

  private machine(arn: string): StateMachineModel {
    return this.served(arn).stateMachine;
  }

  private historyLength(record: ExecutionRecord): number {
    return this.options.store.historyLength(record.executionArn);
  }

  private execution(arn: string): ExecutionRecord {
    const record = this.options.store.get(arn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }
}

/** Step Functions sends timestamps as epoch seconds with a fraction. */
function seconds(ms: number): number {
  return ms / 1000;
}

function errorFields(outcome: { error?: string; cause?: string }): { error?: string; cause?: string } {
  return {
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
  };
}

function pageSize(request: Request): number {
  const max = request['maxResults'];
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 1000)) {
    // The bound that was broken, in the wording of AWS's validation messages.
    const bound = typeof max === 'number' && max < 0 ? 'greater than or equal to 0' : 'less than or equal to 1000';
    throw new SfnError(
      'ValidationException',
      `1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value ${bound}`,
    );
  }
  // 0 means "use the default" in the Step Functions API.
  return typeof max === 'number' && max > 0 ? max : 100;
}

function loggingConfiguration(m: StateMachineModel): Record<string, unknown> {
  return {
    level: m.logging?.level ?? 'OFF',
    includeExecutionData: m.logging?.includeExecutionData ?? false,
    ...(m.logging?.destination
      ? { destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: m.logging.destination } }] }
      : {}),
  };
}

// History events on the wire: seconds, and data fields dropped when includeExecutionData is false.
function wireEvent(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...event, timestamp: seconds(event.timestamp) };
  if (!includeData) {
    for (const [key, value] of Object.entries(out)) {
      if (!key.endsWith('EventDetails') || value === null || typeof value !== 'object') continue;
      const details = { ...(value as Record<string, unknown>) };
      for (const field of ['input', 'output', 'parameters']) delete details[field];
      out[key] = details;
    }
  }
  return out;
}

/** The statuses reported by this runtime, re-exported for callers that filter. */
export type { ExecutionStatus };
