/**
 * Migration of a data folder in the store's earlier format (`executions.jsonl` + `history.jsonl`) into
 * the SQLite store, on open: every execution and its history is copied in one transaction, then the
 * old files are renamed to `*.migrated` (kept, not deleted). A crash between the two repeats the copy,
 * which skips executions already present.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from './sqlite';
import type { Closing, ExecutionRecord, HistoryEvent } from './store';

/** What the migration writes through: the store's insert statements and its transaction. */
export interface MigrationTarget {
  readonly insert: StatementSync;
  readonly insertEvent: StatementSync;
  transaction(body: () => void): void;
}

/**
 * Gives a store created before executions kept their definition revision (definitions.ts) the column
 * for it; executions recorded before have none, and definitions.ts keeps their revision itself.
 */
export function addRevisionColumn(db: DatabaseSync): void {
  const columns = db.prepare('PRAGMA table_info(executions)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'revision')) db.exec('ALTER TABLE executions ADD COLUMN revision TEXT');
}

/** Copies `<dir>/executions.jsonl` (and its history) into the database, once; nothing when absent. */
export function migrateJsonl(dir: string, target: MigrationTarget): void {
  const file = join(dir, 'executions.jsonl');
  if (!existsSync(file)) return;
  const historyFile = join(dir, 'history.jsonl');
  const records = new Map<string, LegacyRecord>();
  const pointers = new Map<string, [number, number]>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    if (raw === '') continue;
    let line: LegacyLine;
    try {
      line = JSON.parse(raw) as LegacyLine;
    } catch {
      continue; // torn by a crash mid-write, as the old loader skipped it
    }
    if (line.op === 'start' || line.op === 'full') {
      records.set(line.r.executionArn, { ...line.r });
      if (line.op === 'full' && line.h) pointers.set(line.r.executionArn, line.h);
    } else if (line.op === 'end') {
      const record = records.get(line.arn);
      if (record) {
        Object.assign(record, line.c);
        pointers.set(line.arn, line.h);
      }
    } else if (line.op === 'redrive') {
      const record = records.get(line.arn);
      if (record) {
        // Running again; the history before the redrive stays at the last `end` pointer.
        for (const key of ['stopDate', 'output', 'error', 'cause'] as const) delete record[key];
        Object.assign(record, {
          status: 'RUNNING',
          redriveCount: (record.redriveCount ?? 0) + 1,
          redriveDate: line.d,
        });
      }
    }
  }
  const historyFd = existsSync(historyFile) ? openSync(historyFile, 'r') : undefined;
  try {
    target.transaction(() => {
      for (const r of records.values()) {
        const inserted = target.insert.run(
          r.executionArn,
          r.stateMachineArn,
          r.name,
          r.status,
          r.startDate,
          r.stopDate ?? null,
          r.input,
          r.output ?? null,
          r.error ?? null,
          r.cause ?? null,
          r.redriveCount ?? 0,
          r.redriveDate ?? null,
          null,
        );
        if (inserted.changes === 0) continue; // copied by an earlier, interrupted migration
        const seq = Number(inserted.lastInsertRowid);
        const events = legacyHistory(historyFd, pointers.get(r.executionArn)) ?? [legacyStartedEvent(r)];
        for (const event of events) target.insertEvent.run(seq, event.id, JSON.stringify(event));
      }
    });
  } finally {
    if (historyFd !== undefined) closeSync(historyFd);
  }
  renameSync(file, `${file}.migrated`);
  if (existsSync(historyFile)) renameSync(historyFile, `${historyFile}.migrated`);
}

type LegacyRecord = { -readonly [K in keyof ExecutionRecord]: ExecutionRecord[K] };
type LegacyLine =
  | { op: 'start'; r: LegacyRecord }
  | { op: 'end'; arn: string; c: Closing; h: [number, number] }
  | { op: 'redrive'; arn: string; d: number }
  | { op: 'full'; r: LegacyRecord; h?: [number, number] };

// One execution's history from the old history.jsonl (offset and length); undefined when unreadable.
function legacyHistory(fd: number | undefined, pointer: [number, number] | undefined): HistoryEvent[] | undefined {
  if (fd === undefined || !pointer) return undefined;
  const buffer = Buffer.alloc(pointer[1]);
  const read = readSync(fd, buffer, 0, pointer[1], pointer[0]);
  try {
    const events = JSON.parse(buffer.subarray(0, read).toString('utf8')) as HistoryEvent[];
    return Array.isArray(events) && events.length > 0 ? events : undefined;
  } catch {
    return undefined;
  }
}

function legacyStartedEvent(record: ExecutionRecord): HistoryEvent {
  return {
    id: 1,
    previousEventId: 0,
    timestamp: record.startDate,
    type: 'ExecutionStarted',
    executionStartedEventDetails: { input: record.input, inputDetails: { truncated: false } },
  };
}
