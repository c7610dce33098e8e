/**
 * Executions and their history, kept in memory and persisted under the data folder so that nothing
 * finished is lost when the runtime stops or is killed.
 *
 * Two append-only files:
 * - `executions.jsonl`: a `start` line when an execution starts and an `end` line when it closes;
 * - `history.jsonl`: one line per closed execution holding its event history; the `end` line points
 *   at it (byte offset and length), so history is read from disk only when someone asks for it and
 *   memory holds just the summary of each closed execution.
 * Lines are written with synchronous `write(2)` calls before the state change becomes visible
 * through the API, so a finished execution is on disk (in the page cache, which survives the process
 * being killed) before any client can see it finished. A line torn by a crash is skipped on load.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** Execution statuses the runtime produces (PENDING_REDRIVE needs redrive, which is not emulated). */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** The summary DescribeExecution reads. Dates are epoch milliseconds. */
export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: ExecutionStatus;
  readonly startDate: number;
  stopDate?: number;
  /** The input as given to StartExecution (a JSON text). */
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** An event before the store numbers it; `timestamp` is epoch milliseconds, details under `<type>EventDetails`-style keys. */
export interface NewHistoryEvent {
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

/** One numbered history event. */
export interface HistoryEvent extends NewHistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
}

/** How an execution closed. */
export interface Closing {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly stopDate: number;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

type Line =
  | { op: 'start'; r: ExecutionRecord }
  | { op: 'end'; arn: string; c: Closing; h: [number, number] }
  | { op: 'full'; r: ExecutionRecord; h?: [number, number] };

/** Persistent execution store of one runtime data folder. */
export class ExecutionStore {
  private readonly records = new Map<string, ExecutionRecord>();
  /** Start order; listing walks it backwards (newest first, as ListExecutions does). */
  private readonly order: string[] = [];
  /** Index of each execution in `order`; stable while the store is open (page tokens use it). */
  private readonly positions = new Map<string, number>();
  private readonly liveHistory = new Map<string, HistoryEvent[]>();
  private readonly historyPointers = new Map<string, [number, number]>();
  private readonly executionsFd: number;
  private readonly historyFd: number;
  private historySize: number;

  private constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.loadAndCompact();
    this.executionsFd = openSync(join(dir, 'executions.jsonl'), 'a');
    this.historyFd = openSync(join(dir, 'history.jsonl'), 'a+');
    this.historySize = fstatSync(this.historyFd).size;
    terminateTornLine(this.historyFd, this.historySize, (n) => (this.historySize += n));
  }

  /**
   * Opens (or creates) the store in `dir`. Executions that were RUNNING when the previous runtime
   * died are closed as ABORTED with `cause` and returned, so the caller can say so.
   */
  static open(
    dir: string,
    interrupted: { error: string; cause: string; now: number },
  ): { store: ExecutionStore; aborted: ExecutionRecord[] } {
    const store = new ExecutionStore(dir);
    const aborted: ExecutionRecord[] = [];
    for (const record of store.records.values()) {
      if (record.status !== 'RUNNING') continue;
      store.liveHistory.set(record.executionArn, [startedEvent(record)]);
      store.close(
        record.executionArn,
        { status: 'ABORTED', stopDate: interrupted.now, error: interrupted.error, cause: interrupted.cause },
        {
          timestamp: interrupted.now,
          type: 'ExecutionAborted',
          executionAbortedEventDetails: { error: interrupted.error, cause: interrupted.cause },
        },
      );
      aborted.push(record);
    }
    return { store, aborted };
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.records.get(executionArn);
  }

  /**
   * Executions newest first, each with its position in start order; with `before`, only those
   * started before the execution at that position (the next page of a listing).
   */
  *newestFirst(before?: number): IterableIterator<ExecutionRecord> {
    const from = before === undefined ? this.order.length - 1 : Math.min(before, this.order.length) - 1;
    for (let i = from; i >= 0; i--) yield this.records.get(this.order[i]!)!;
  }

  /** Position of an execution in start order (0 = the oldest known); undefined when unknown. */
  position(executionArn: string): number | undefined {
    return this.positions.get(executionArn);
  }

  /** Number of executions known. */
  get size(): number {
    return this.records.size;
  }

  /** Records a new RUNNING execution and its first event; on disk before this returns. */
  add(record: ExecutionRecord, started: NewHistoryEvent): void {
    this.writeLine(this.executionsFd, { op: 'start', r: record });
    this.records.set(record.executionArn, record);
    this.positions.set(record.executionArn, this.order.push(record.executionArn) - 1);
    this.liveHistory.set(record.executionArn, [{ ...started, id: 1, previousEventId: 0 }]);
  }

  /** Appends an event to a running execution's history (kept in memory until it closes). */
  append(executionArn: string, event: NewHistoryEvent): void {
    const events = this.liveHistory.get(executionArn);
    if (!events) return; // closed already (e.g. stopped while a task was finishing): AWS drops such events too
    events.push({ ...event, id: events.length + 1, previousEventId: events.length });
  }

  /**
   * Closes a running execution: its last event, history and closing summary are written before the
   * new status is visible. No-op (returns false) when it is not running.
   */
  close(executionArn: string, closing: Closing, lastEvent: NewHistoryEvent): boolean {
    const record = this.records.get(executionArn);
    const events = this.liveHistory.get(executionArn);
    if (record?.status !== 'RUNNING' || !events) return false;
    events.push({ ...lastEvent, id: events.length + 1, previousEventId: events.length });
    const historyLine = Buffer.from(`${JSON.stringify(events)}\n`);
    writeSync(this.historyFd, historyLine);
    const pointer: [number, number] = [this.historySize, historyLine.length - 1];
    this.historySize += historyLine.length;
    this.writeLine(this.executionsFd, { op: 'end', arn: executionArn, c: closing, h: pointer });
    applyClosing(record, closing);
    this.historyPointers.set(executionArn, pointer);
    this.liveHistory.delete(executionArn);
    return true;
  }

  /** The history of an execution (empty when unknown). */
  history(executionArn: string): HistoryEvent[] {
    const live = this.liveHistory.get(executionArn);
    if (live) return live;
    const pointer = this.historyPointers.get(executionArn);
    if (!pointer) return [];
    const buffer = Buffer.alloc(pointer[1]);
    readSync(this.historyFd, buffer, 0, pointer[1], pointer[0]);
    return JSON.parse(buffer.toString('utf8')) as HistoryEvent[];
  }

  /** Closes the files. */
  dispose(): void {
    closeSync(this.executionsFd);
    closeSync(this.historyFd);
  }

  private writeLine(fd: number, line: Line): void {
    writeSync(fd, `${JSON.stringify(line)}\n`);
  }

  // Reads executions.jsonl; when it holds many more lines than executions, rewrites it with one
  // line per execution (write to a temporary file, then rename: a crash leaves the old file intact).
  private loadAndCompact(): void {
    const file = join(this.dir, 'executions.jsonl');
    if (!existsSync(file)) return;
    const text = readFileSync(file, 'utf8');
    let lines = 0;
    for (const raw of text.split('\n')) {
      if (raw === '') continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue; // torn by a crash mid-write
      }
      lines++;
      if (line.op === 'start' || line.op === 'full') {
        if (!this.records.has(line.r.executionArn))
          this.positions.set(line.r.executionArn, this.order.push(line.r.executionArn) - 1);
        this.records.set(line.r.executionArn, line.r);
        if (line.op === 'full' && line.h) this.historyPointers.set(line.r.executionArn, line.h);
      } else if (line.op === 'end') {
        const record = this.records.get(line.arn);
        if (record) {
          applyClosing(record, line.c);
          this.historyPointers.set(line.arn, line.h);
        }
      }
    }
    if (lines > this.records.size * 1.5 + 100 || !text.endsWith('\n')) {
      const tmp = `${file}.tmp`;
      const fd = openSync(tmp, 'w');
      for (const arn of this.order) {
        const h = this.historyPointers.get(arn);
        writeSync(fd, `${JSON.stringify({ op: 'full', r: this.records.get(arn), ...(h ? { h } : {}) })}\n`);
      }
      closeSync(fd);
      renameSync(tmp, file);
    }
  }
}

function applyClosing(record: ExecutionRecord, closing: Closing): void {
  record.status = closing.status;
  record.stopDate = closing.stopDate;
  if (closing.output !== undefined) record.output = closing.output;
  if (closing.error !== undefined) record.error = closing.error;
  if (closing.cause !== undefined) record.cause = closing.cause;
}

function startedEvent(record: ExecutionRecord): HistoryEvent {
  return {
    id: 1,
    previousEventId: 0,
    timestamp: record.startDate,
    type: 'ExecutionStarted',
    executionStartedEventDetails: { input: record.input, inputDetails: { truncated: false } },
  };
}

// A crash can leave a partial last line; end it so the next append starts on a line of its own.
function terminateTornLine(fd: number, size: number, grew: (bytes: number) => void): void {
  if (size === 0) return;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] !== 0x0a) {
    writeSync(fd, '\n');
    grew(1);
  }
}
