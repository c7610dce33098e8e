/**
 * Executions and their history, in an embedded SQLite database (Node's built-in `node:sqlite`) under
 * the data folder, so that nothing finished is lost when the runtime stops or is killed, listing and
 * filtering are indexed queries, and memory does not grow with the number of executions: the process
 * holds only the running executions and their histories so far.
 *
 * Starts, closes and redrives are queued and committed together, one transaction in write-ahead-log
 * mode per turn of the event loop ({@link WriteBatch}), and become visible only once committed: a
 * read of an execution with queued writes commits them first, {@link ExecutionStore.committed} is
 * what the service awaits before it answers, and {@link ExecutionStore.afterCommit} what it announces
 * status changes through. A committed transaction is in the WAL file (the page cache, which survives
 * the process being killed), so an execution is on disk before any client learns of it, and a
 * finished one before any client can see it finished. The events between are written with the close.
 * `synchronous = NORMAL` trades durability across a power cut (not a process kill) for speed, as the
 * old files did.
 *
 * A data folder in the earlier format (`executions.jsonl` + `history.jsonl`) is migrated on open
 * (store-migration.ts).
 */
import type { ExecutionStatusName } from '../../lambda-src/shared/step-functions-arn';
import { type DatabaseSync, openDatabase, type StatementSync, transaction } from './sqlite';
import { addRevisionColumn, migrateJsonl } from './store-migration';
import { WriteBatch } from './write-batch';

/**
 * Execution statuses the runtime produces. PENDING_REDRIVE (a Distributed Map's child executions
 * waiting for their Map Run's redrive) does not occur: Distributed Map is not emulated.
 */
export type ExecutionStatus = Exclude<ExecutionStatusName, 'PENDING_REDRIVE'>;

/** The summary DescribeExecution reads. Dates are epoch milliseconds. */
export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: number;
  readonly stopDate?: number;
  /** The input as given to StartExecution (a JSON text). */
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** How often the execution was redriven (0 when never). */
  readonly redriveCount?: number;
  /** When it was last redriven (epoch ms). */
  readonly redriveDate?: number;
}

/** A record with its position in start order (larger = newer), which page tokens hold. */
export interface ListedExecution extends ExecutionRecord {
  readonly position: number;
}

/** What {@link ExecutionStore.list} selects. */
export interface ListQuery {
  readonly stateMachineArn?: string;
  readonly status?: string;
  /** true: only redriven executions; false: only never redriven. */
  readonly redriven?: boolean;
  /** Only executions older than this position (the next page). */
  readonly before?: number;
  readonly limit: number;
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

/**
 * A running execution (or one whose close is not committed yet): its row (0 until inserted), its
 * summary, its history so far, how many of those events are in the database, and how many of its
 * writes wait for the commit.
 */
interface Live {
  seq: number;
  readonly record: ExecutionRecord;
  readonly events: HistoryEvent[];
  stored: number;
  pending: number;
  /** Set by `close`: the summary once the close is committed. */
  closed?: ExecutionRecord;
}

/** The database file inside the store's folder. */
export const DATABASE_FILE = 'executions.sqlite';

interface Row {
  seq: number;
  arn: string;
  machine: string;
  name: string;
  status: string;
  start_date: number;
  stop_date: number | null;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  redrive_count: number;
  redrive_date: number | null;
  revision: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS executions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  arn TEXT NOT NULL UNIQUE,
  machine TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  start_date INTEGER NOT NULL,
  stop_date INTEGER,
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  cause TEXT,
  redrive_count INTEGER NOT NULL DEFAULT 0,
  redrive_date INTEGER,
  revision TEXT
);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (machine, seq);
CREATE INDEX IF NOT EXISTS executions_by_machine_status ON executions (machine, status, seq);
CREATE INDEX IF NOT EXISTS executions_by_status ON executions (status, seq);
CREATE TABLE IF NOT EXISTS events (
  execution INTEGER NOT NULL,
  id INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (execution, id)
) WITHOUT ROWID;
`;

/** Persistent execution store of one runtime data folder. */
export class ExecutionStore {
  private readonly db: DatabaseSync;
  private readonly batch = new WriteBatch((body) => transaction(this.db, body));
  /** Running executions: their row and last event id (bounded by the running count, not the total). */
  private readonly live = new Map<string, Live>();
  /** The listing queries, one per combination of filters (at most 16). */
  private readonly listStatements = new Map<string, StatementSync>();
  private readonly statements: Record<
    | 'byArn'
    | 'seqOf'
    | 'revision'
    | 'insert'
    | 'insertEvent'
    | 'close'
    | 'reopen'
    | 'events'
    | 'eventRange'
    | 'count'
    | 'lastId'
    | 'running',
    StatementSync
  >;

  private constructor(readonly dir: string) {
    this.db = openDatabase(dir, DATABASE_FILE);
    this.db.exec(SCHEMA);
    addRevisionColumn(this.db);
    this.statements = {
      byArn: this.db.prepare('SELECT * FROM executions WHERE arn = ?'),
      insert: this.db.prepare(
        'INSERT OR IGNORE INTO executions (arn, machine, name, status, start_date, stop_date, input, output, error, cause, redrive_count, redrive_date, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertEvent: this.db.prepare('INSERT INTO events (execution, id, body) VALUES (?, ?, ?)'),
      close: this.db.prepare(
        'UPDATE executions SET status = ?, stop_date = ?, output = ?, error = ?, cause = ? WHERE seq = ?',
      ),
      reopen: this.db.prepare(
        "UPDATE executions SET status = 'RUNNING', stop_date = NULL, output = NULL, error = NULL, cause = NULL, redrive_count = redrive_count + 1, redrive_date = ? WHERE seq = ?",
      ),
      events: this.db.prepare('SELECT body FROM events WHERE execution = ? ORDER BY id'),
      eventRange: this.db.prepare('SELECT body FROM events WHERE execution = ? AND id BETWEEN ? AND ? ORDER BY id'),
      seqOf: this.db.prepare('SELECT seq FROM executions WHERE arn = ?'),
      revision: this.db.prepare('SELECT revision FROM executions WHERE arn = ?'),
      count: this.db.prepare('SELECT count(*) AS n FROM executions'),
      lastId: this.db.prepare('SELECT max(id) AS id FROM events WHERE execution = ?'),
      running: this.db.prepare("SELECT * FROM executions WHERE status = 'RUNNING'"),
    };
    migrateJsonl(dir, {
      insert: this.statements.insert,
      insertEvent: this.statements.insertEvent,
      transaction: (body) => transaction(this.db, body),
    });
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
    for (const row of store.statements.running.all() as unknown as Row[]) {
      const events = store.storedEvents(row.seq);
      store.live.set(row.arn, { seq: row.seq, record: toRecord(row), events, stored: events.length, pending: 0 });
      store.close(
        row.arn,
        { status: 'ABORTED', stopDate: interrupted.now, error: interrupted.error, cause: interrupted.cause },
        {
          timestamp: interrupted.now,
          type: 'ExecutionAborted',
          executionAbortedEventDetails: { error: interrupted.error, cause: interrupted.cause },
        },
      );
      aborted.push(toRecord(row));
    }
    store.flush();
    return { store, aborted };
  }

  /**
   * The execution (a snapshot: later changes need another `get`). A running one whose writes are
   * committed is answered from memory, which holds what its row holds; any other from the database.
   */
  get(executionArn: string): ExecutionRecord | undefined {
    const live = this.live.get(executionArn);
    if (live && live.pending === 0 && !live.closed) return live.record;
    this.settle(executionArn);
    const row = this.statements.byArn.get(executionArn) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /**
   * Executions newest first (by start order) matching `query`, at most `limit`, and whether more match.
   */
  list(query: ListQuery): { executions: ListedExecution[]; more: boolean } {
    this.flush();
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.stateMachineArn !== undefined) {
      where.push('machine = ?');
      params.push(query.stateMachineArn);
    }
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.redriven !== undefined) where.push(query.redriven ? 'redrive_count > 0' : 'redrive_count = 0');
    if (query.before !== undefined) {
      where.push('seq < ?');
      params.push(query.before);
    }
    const sql = `SELECT * FROM executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    let statement = this.listStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.listStatements.set(sql, statement);
    }
    const rows = statement.all(...params, query.limit + 1) as unknown as Row[];
    const more = rows.length > query.limit;
    return { executions: rows.slice(0, query.limit).map((row) => ({ ...toRecord(row), position: row.seq })), more };
  }

  /** The definition revision the execution was started with; undefined when unknown or recorded without one. */
  revisionOf(executionArn: string): string | undefined {
    this.settle(executionArn);
    const row = this.statements.revision.get(executionArn) as { revision: string | null } | undefined;
    return row?.revision ?? undefined;
  }

  /** Number of executions known. */
  get size(): number {
    this.flush();
    return Number((this.statements.count.get() as { n: number }).n);
  }

  /**
   * Records a new RUNNING execution and its first event, committed with the next batch: await
   * {@link committed} before telling anyone. The caller has checked that the ARN is new (`get`).
   * `revision` names the definition it runs (definitions.ts), kept in its row: no write of its own.
   */
  add(record: ExecutionRecord, started: NewHistoryEvent, revision?: string): void {
    const first: HistoryEvent = { ...started, id: 1, previousEventId: 0 };
    // Exactly the fields the row gets: `get` answers this record while the execution runs.
    const { executionArn, stateMachineArn, name, startDate, input } = record;
    const running: ExecutionRecord = {
      executionArn,
      stateMachineArn,
      name,
      status: 'RUNNING',
      startDate,
      input,
      redriveCount: 0,
    };
    const live: Live = { seq: 0, record: running, events: [first], stored: 1, pending: 1 };
    this.live.set(record.executionArn, live);
    const write = (): void => {
      const result = this.statements.insert.run(
        record.executionArn,
        record.stateMachineArn,
        record.name,
        'RUNNING',
        record.startDate,
        null,
        record.input,
        null,
        null,
        null,
        0,
        null,
        revision ?? null,
      );
      live.seq = Number(result.lastInsertRowid);
      this.statements.insertEvent.run(live.seq, 1, JSON.stringify(first));
    };
    this.batch.write(
      write,
      () => live.pending--,
      () => this.live.delete(record.executionArn),
    );
  }

  /**
   * Appends an event to a running execution's history, in memory until the execution closes (one
   * transaction per execution, not one per event, as the earlier files did); dropped when it is not
   * running. A crash loses these events, and the restart closes the execution ABORTED.
   */
  append(executionArn: string, event: NewHistoryEvent): void {
    const live = this.live.get(executionArn);
    if (!live || live.closed) return; // closed already (e.g. stopped while a task was finishing): AWS drops such events too
    const n = live.events.length;
    live.events.push({ ...event, id: n + 1, previousEventId: n });
  }

  /**
   * Closes a running execution: its last event and closing summary are committed with the next
   * batch, and the new status is visible once they are. Returns the closed summary, or undefined (and
   * does nothing) when it is not running.
   */
  close(executionArn: string, closing: Closing, lastEvent: NewHistoryEvent): ExecutionRecord | undefined {
    const live = this.live.get(executionArn);
    if (!live || live.closed) return undefined;
    const n = live.events.length;
    live.events.push({ ...lastEvent, id: n + 1, previousEventId: n });
    const { stopDate: _s, output: _o, error: _e, cause: _c, ...open } = live.record;
    const closed: ExecutionRecord = { ...open, ...closing };
    live.closed = closed;
    live.pending++;
    const write = (): void => {
      for (const event of live.events.slice(live.stored))
        this.statements.insertEvent.run(live.seq, event.id, JSON.stringify(event));
      this.statements.close.run(
        closing.status,
        closing.stopDate,
        closing.output ?? null,
        closing.error ?? null,
        closing.cause ?? null,
        live.seq,
      );
    };
    this.batch.write(
      write,
      () => {
        live.pending--;
        if (this.live.get(executionArn) === live) this.live.delete(executionArn);
      },
      () => {
        live.pending--;
        live.closed = undefined;
        live.events.length = n;
      },
    );
    return closed;
  }

  /**
   * Makes a closed execution RUNNING again (a redrive): counts the redrive, clears the closing
   * summary and appends `event` (ExecutionRedriven) to the same history. False when it is running or unknown.
   */
  reopen(executionArn: string, redriveDate: number, event: NewHistoryEvent): ExecutionRecord | undefined {
    this.settle(executionArn);
    if (this.live.has(executionArn)) return undefined;
    const row = this.statements.byArn.get(executionArn) as Row | undefined;
    if (!row) return undefined;
    const events = this.storedEvents(row.seq);
    const n = events.length;
    const redriven: HistoryEvent = { ...event, id: n + 1, previousEventId: n };
    events.push(redriven);
    const { stopDate: _s, output: _o, error: _e, cause: _c, ...closed } = toRecord(row);
    const record: ExecutionRecord = {
      ...closed,
      status: 'RUNNING',
      redriveCount: (closed.redriveCount ?? 0) + 1,
      redriveDate,
    };
    const live: Live = { seq: row.seq, record, events, stored: events.length, pending: 1 };
    this.live.set(executionArn, live);
    const write = (): void => {
      this.statements.insertEvent.run(row.seq, redriven.id, JSON.stringify(redriven));
      this.statements.reopen.run(redriveDate, row.seq);
    };
    this.batch.write(
      write,
      () => live.pending--,
      () => this.live.delete(executionArn),
    );
    return record;
  }

  /** Resolves once every write queued so far is committed; rejects when that transaction failed. */
  committed(): Promise<void> {
    return this.batch.committed();
  }

  /** Calls `fn` once every write queued so far is committed (now, when none is queued); never when it failed. */
  afterCommit(fn: () => void): void {
    this.batch.afterCommit(fn);
  }

  /** Commits queued writes now. @throws what the transaction threw */
  flush(): void {
    this.batch.flush();
  }

  /** The history of an execution, oldest first (empty when unknown). */
  history(executionArn: string): HistoryEvent[] {
    this.settle(executionArn);
    const live = this.live.get(executionArn);
    if (live) return [...live.events];
    const seq = this.seqOf(executionArn);
    return seq === undefined ? [] : this.storedEvents(seq);
  }

  /** Events `from`..`to` (ids, inclusive) of an execution's history, oldest first. */
  events(executionArn: string, from: number, to: number): HistoryEvent[] {
    this.settle(executionArn);
    const live = this.live.get(executionArn);
    if (live) return live.events.slice(Math.max(from, 1) - 1, Math.max(to, 0));
    const seq = this.seqOf(executionArn);
    if (seq === undefined || to < from) return [];
    return (this.statements.eventRange.all(seq, from, to) as { body: string }[]).map(
      (e) => JSON.parse(e.body) as HistoryEvent,
    );
  }

  /** The number of events in an execution's history (ids are 1..n); 0 when unknown. */
  historyLength(executionArn: string): number {
    this.settle(executionArn);
    const live = this.live.get(executionArn);
    if (live) return live.events.length;
    const seq = this.seqOf(executionArn);
    if (seq === undefined) return 0;
    return Number((this.statements.lastId.get(seq) as { id: number | null }).id ?? 0);
  }

  /** Closes the database. */
  dispose(): void {
    if (!this.db.isOpen) return;
    // What was done is written; executions still finishing on their engine write nothing more (as
    // when the process is gone).
    this.flush();
    this.live.clear();
    this.db.close();
  }

  // Commits the execution's queued writes before it is read: only what is on disk is visible.
  private settle(executionArn: string): void {
    if ((this.live.get(executionArn)?.pending ?? 0) > 0) this.flush();
  }

  private storedEvents(seq: number): HistoryEvent[] {
    return (this.statements.events.all(seq) as { body: string }[]).map((e) => JSON.parse(e.body) as HistoryEvent);
  }

  private seqOf(executionArn: string): number | undefined {
    const live = this.live.get(executionArn);
    if (live) return live.seq;
    const row = this.statements.seqOf.get(executionArn) as { seq: number } | undefined;
    return row === undefined ? undefined : Number(row.seq);
  }
}

function toRecord(row: Row): ExecutionRecord {
  return {
    executionArn: row.arn,
    stateMachineArn: row.machine,
    name: row.name,
    status: row.status as ExecutionStatus,
    startDate: Number(row.start_date),
    ...(row.stop_date !== null ? { stopDate: Number(row.stop_date) } : {}),
    input: row.input,
    ...(row.output !== null ? { output: row.output } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.cause !== null ? { cause: row.cause } : {}),
    redriveCount: Number(row.redrive_count),
    ...(row.redrive_date !== null ? { redriveDate: Number(row.redrive_date) } : {}),
  };
}
