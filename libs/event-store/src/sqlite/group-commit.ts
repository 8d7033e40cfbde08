/**
 * Group commit: appends that arrive while the event loop is busy are written together in one
 * SQLite transaction, so they share one fsync. Each append runs inside its own savepoint, so one
 * append's failure (a wrong expected revision, say) never touches the others in the group.
 */
import type Database from 'better-sqlite3';

interface Pending<Result> {
  readonly work: () => Result;
  readonly savepoint: boolean;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

interface Outcome {
  readonly ok: boolean;
  readonly value: unknown;
}

export class GroupCommitter {
  private queue: Pending<unknown>[] = [];
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;
  /** Counters for metrics and for the tests that prove appends share commits. */
  readonly stats = { commits: 0, appends: 0 };

  // Built once: better-sqlite3 prepares the BEGIN/COMMIT/SAVEPOINT statements per wrapper.
  private readonly inGroup: Database.Transaction<(group: Pending<unknown>[], outcomes: Outcome[]) => void>;
  private readonly inSavepoint: Database.Transaction<(work: () => unknown) => unknown>;

  constructor(
    db: Database.Database,
    /** Called after a commit that made at least one append durable. */
    private readonly onCommitted: () => void,
  ) {
    this.inSavepoint = db.transaction((work: () => unknown) => work());
    this.inGroup = db.transaction((group: Pending<unknown>[], outcomes: Outcome[]) => {
      group.forEach((pending, index) => {
        try {
          outcomes[index] = { ok: true, value: pending.savepoint ? this.inSavepoint(pending.work) : pending.work() };
        } catch (error) {
          outcomes[index] = { ok: false, value: error };
        }
      });
    });
  }

  /**
   * Runs `work` inside the next group transaction; settles once that transaction is durable.
   * Work of several statements asks for a savepoint; a single statement is atomic on its own.
   */
  submit<Result>(work: () => Result, savepoint: boolean): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ work, savepoint, resolve, reject } as Pending<unknown>);
      if (!this.scheduled) {
        this.scheduled = true;
        this.idle = new Promise((done) => (this.markIdle = done));
        // setImmediate runs after pending I/O callbacks, so every writer woken by the previous
        // commit has queued its next append by then and joins this group.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves when nothing is queued or being written. */
  drained(): Promise<void> {
    return this.idle;
  }

  private flush(): void {
    const group = this.queue;
    this.queue = [];
    this.scheduled = false;
    const outcomes = new Array<Outcome>(group.length);
    try {
      this.inGroup.immediate(group, outcomes);
    } catch (commitError) {
      // The commit itself failed (disk full, I/O error): nothing of the group is durable.
      group.forEach((pending) => pending.reject(commitError));
      this.finish();
      return;
    }
    group.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.value);
    });
    this.stats.commits++;
    this.stats.appends += group.length;
    if (outcomes.some((outcome) => outcome.ok)) this.onCommitted();
    this.finish();
  }

  private finish(): void {
    if (!this.scheduled) this.markIdle();
  }
}
