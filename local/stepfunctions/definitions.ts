/**
 * Which definition each execution ran, so DescribeStateMachineForExecution (and the dashboard, which
 * draws an execution from it) answers the definition the execution started with, not the one served
 * today: watch mode replaces a definition while its earlier executions stay listed.
 *
 * Each distinct definition text is kept once, under its SHA-256 (a revision), in its own file next to
 * the execution store's (`<dataDir>/executions/definitions.sqlite`), written when the text is first
 * kept, so before any execution that names it is committed. An execution names its revision in its
 * own row of the store (`ExecutionStore.add`): nothing is written per execution here, so a start
 * costs no second transaction. Executions started before that kept their revision in this file's
 * `executions` table, which {@link DefinitionRevisions.of} still reads; executions recorded before
 * this file existed have no revision: callers fall back to today's definition for them.
 */
import { createHash } from 'node:crypto';
import { type DatabaseSync, openDatabase, type StatementSync } from './sqlite';

/** The database file inside the execution store's folder. */
export const DEFINITIONS_FILE = 'definitions.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS revisions (id TEXT PRIMARY KEY, definition TEXT NOT NULL, first_served INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS executions (arn TEXT PRIMARY KEY, revision TEXT NOT NULL) WITHOUT ROWID;
`;

/** How many definition texts keep their revision id in memory (a stack's jobs, and a few earlier texts). */
export const KEPT_IDS = 32;

/** A definition as an execution ran it: the text, and when that text was first served (epoch ms). */
export interface Revision {
  readonly definition: string;
  readonly firstServed: number;
}

/** The definitions executions ran, persisted in one data folder. */
export class DefinitionRevisions {
  private readonly db: DatabaseSync;
  private readonly statements: Record<'keep' | 'revision' | 'of', StatementSync>;
  /**
   * Revision ids of the texts kept most recently (one hash per text, not per execution). Bounded:
   * watch mode serves a new text per edit, and each would otherwise stay in memory for good.
   */
  private readonly ids = new Map<string, string>();

  /** Opens (or creates) the revisions of the store in `dir`. */
  constructor(dir: string) {
    this.db = openDatabase(dir, DEFINITIONS_FILE);
    this.db.exec(SCHEMA);
    this.statements = {
      keep: this.db.prepare('INSERT OR IGNORE INTO revisions (id, definition, first_served) VALUES (?, ?, ?)'),
      revision: this.db.prepare('SELECT definition, first_served FROM revisions WHERE id = ?'),
      of: this.db.prepare(
        'SELECT r.definition, r.first_served FROM executions e JOIN revisions r ON r.id = e.revision WHERE e.arn = ?',
      ),
    };
  }

  /** How many texts keep their id in memory (tests: at most {@link KEPT_IDS}). */
  get textsInMemory(): number {
    return this.ids.size;
  }

  /** Keeps `definition` (once per distinct text) and returns its revision id. */
  keep(definition: string, now: number = Date.now()): string {
    let id = this.ids.get(definition);
    if (id === undefined) {
      id = createHash('sha256').update(definition).digest('hex');
      this.statements.keep.run(id, definition, now);
      this.ids.set(definition, id);
      if (this.ids.size > KEPT_IDS) this.ids.delete(this.ids.keys().next().value!);
    }
    return id;
  }

  /** The revision `id` ({@link keep}), or undefined when this folder has no such revision. */
  revision(id: string): Revision | undefined {
    const row = this.statements.revision.get(id) as { definition: string; first_served: number } | undefined;
    return row ? { definition: row.definition, firstServed: row.first_served } : undefined;
  }

  /**
   * The definition `executionArn` ran, for an execution recorded here before executions kept their
   * revision in the store's row; undefined for any other.
   */
  of(executionArn: string): Revision | undefined {
    const row = this.statements.of.get(executionArn) as { definition: string; first_served: number } | undefined;
    return row ? { definition: row.definition, firstServed: row.first_served } : undefined;
  }

  /** Closes the database. */
  dispose(): void {
    if (!this.db.isOpen) return;
    this.db.close();
  }
}
