/**
 * Node's built-in `node:sqlite`, loaded without the one-time "SQLite is an experimental feature"
 * ExperimentalWarning that Node 22 and 23 print when the module loads: the runtime's output (`npm
 * start`, and tests that read stderr) must show only what the runtime says. Every other warning,
 * including later ones from SQLite, still goes through.
 */
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
