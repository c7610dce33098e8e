/**
 * Node's built-in `node:sqlite`, loaded without the one-time "SQLite is an experimental feature"
 * ExperimentalWarning that Node 22 and 23 print when the module loads: the runtime's output (`npm
 * start`, and tests that read stderr) must show only what the runtime says. Every other warning,
 * including later ones from SQLite, still goes through. Also how the runtime's databases are opened
 * and written (one transaction helper for the execution store and the definition revisions).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as Sqlite from 'node:sqlite';

function load(): typeof Sqlite {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    const option = rest[0];
    const type =
      typeof option === 'string'
        ? option
        : ((option as { type?: string } | undefined)?.type ?? (warning as Error).name);
    if (type === 'ExperimentalWarning' && text.startsWith('SQLite is an experimental feature')) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    // A plain require, not an import: the filter must be in place before the module loads.
    return require('node:sqlite') as typeof Sqlite;
  } finally {
    process.emitWarning = emitWarning;
  }
}

const sqlite = load();

/** `node:sqlite`'s synchronous database class. */
export const DatabaseSync = sqlite.DatabaseSync;
/** An open database. */
export type DatabaseSync = Sqlite.DatabaseSync;
/** A prepared statement. */
export type StatementSync = Sqlite.StatementSync;

/**
 * Opens (or creates) the database `file` in `dir` (created too) as the runtime's stores keep theirs:
 * write-ahead log, `synchronous = NORMAL` (store.ts says why) and a 5-second wait for a lock.
 */
export function openDatabase(dir: string, file: string): DatabaseSync {
  mkdirSync(dir, { recursive: true });
  const db = new DatabaseSync(join(dir, file));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  return db;
}

/** Runs `body` in BEGIN IMMEDIATE … COMMIT; rolls back and rethrows when it throws. */
export function transaction(db: DatabaseSync, body: () => void): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    body();
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
