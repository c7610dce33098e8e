/**
 * Group commit for the execution store. Writes queued during one turn of the event loop run in one
 * SQLite transaction, at the next `setImmediate` or earlier when a reader needs them; what must not
 * happen before they are on disk (an answer to a client, a status-change event) waits for that commit.
 *
 * Why: a transaction per start and per close was the largest share of the runtime's time per
 * execution under load (docs/local-runtime.md, "Persistence"), and a commit's fixed cost is shared by
 * every write in it. Durability is unchanged: nothing is answered or announced before its commit, and a
 * committed transaction survives a kill of the process (WAL, see store.ts).
 */

interface Queued {
  /** Runs inside the transaction. */
  readonly write: () => void;
  /** Runs after the commit (the store's own bookkeeping). */
  readonly done: () => void;
  /** Runs instead of `done` when the transaction failed. */
  readonly undo: () => void;
}

/** Writes waiting for one shared transaction. */
export class WriteBatch {
  private queued: Queued[] = [];
  private after: (() => void)[] = [];
  private waiting: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;

  /** `transaction` runs its body in BEGIN … COMMIT and rolls back (and throws) when the body throws. */
  constructor(private readonly transaction: (body: () => void) => void) {}

  /** Whether writes are waiting for their commit. */
  get pending(): boolean {
    return this.queued.length > 0;
  }

  /** Queues a write for the next commit. */
  write(write: () => void, done: () => void, undo: () => void): void {
    if (this.queued.length === 0) setImmediate(() => this.flushQuietly());
    this.queued.push({ write, done, undo });
  }

  /** Calls `fn` once the writes queued so far are committed: now when none are queued. Not called if they fail. */
  afterCommit(fn: () => void): void {
    if (this.queued.length === 0) fn();
    else this.after.push(fn);
  }

  /** Resolves once the writes queued so far are committed; rejects with the error when their transaction fails. */
  committed(): Promise<void> {
    if (this.queued.length === 0) return Promise.resolve();
    if (!this.waiting) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.waiting = { promise, resolve, reject };
    }
    return this.waiting.promise;
  }

  /** Commits the queued writes now. @throws what the transaction threw (the writes are undone then) */
  flush(): void {
    if (this.queued.length === 0) return;
    const queued = this.queued;
    const after = this.after;
    const waiting = this.waiting;
    this.queued = [];
    this.after = [];
    this.waiting = undefined;
    try {
      this.transaction(() => {
        for (const q of queued) q.write();
      });
    } catch (err) {
      for (const q of queued) q.undo();
      waiting?.reject(err);
      throw err;
    }
    for (const q of queued) q.done();
    waiting?.resolve();
    for (const fn of after) {
      // A subscriber's failure must not reach the store or the other subscribers.
      try {
        fn();
      } catch {
        /* ignored on purpose */
      }
    }
  }

  // The scheduled flush: a failure was reported to whoever waited for the commit (`committed`).
  private flushQuietly(): void {
    try {
      this.flush();
    } catch {
      /* reported to the waiters */
    }
  }
}
