/**
 * The embedded read store: one SQLite file of its own (by default DATA_DIR/read-models.db), one
 * table per collection, created on first write. `apply` is one transaction including the
 * checkpoint, so a crash leaves either the whole batch with its checkpoint or none of it.
 * better-sqlite3 is synchronous; the methods still return promises to honour the port.
 * Leases live in the same file (sqlite-leases.ts), so a fenced batch checks its lease's token
 * inside its own transaction: a writer that lost the lease cannot write even one more document.
 */
import type Database from 'better-sqlite3';
import type { Position } from '@ledger/event-store';
import { encodeCursor } from '../cursor.js';
import { InvalidReadRequestError, LeaseLostError } from '../read-store.errors.js';
import { ReadStore, type ApplyBatch, type DocumentWrite, type FindQuery, type LeaseFence, type LeaseGrant, type LeaseHolder, type LeaseRequest, type Page, type ReadDocument } from '../read-store.port.js';
import { assertBatch, assertCollection, assertFence, assertField, assertLeaseRequest, assertProjection, assertQuery, collapseWrites } from '../validation.js';
import { openReadModelFile } from './sqlite-file.js';
import { buildFind, fieldExpr, tableName } from './sqlite-find.js';
import { SqliteLeases } from './sqlite-leases.js';

const MAX_PREPARED_READS = 256;

export interface SqliteReadStoreOptions {
  /** The database file, e.g. `${DATA_DIR}/read-models.db`, or `:memory:`. */
  readonly file: string;
  /** Milliseconds since the epoch; lease expiry is judged by it. Tests may pass their own. */
  readonly clock?: () => number;
}

const TABLE_PREFIX = 'rm_';

function run<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

export class SqliteReadStore extends ReadStore {
  private readonly db: Database.Database;
  private readonly tables = new Set<string>();
  /** The guarded upsert of each table, prepared once per table rather than once per write. */
  private readonly upserts = new Map<string, Database.Statement>();
  /** Read queries by SQL text (see prepared). */
  private readonly reads = new Map<string, Database.Statement>();
  private readonly advance: Database.Statement;
  private readonly leases: SqliteLeases;
  private readonly clock: () => number;

  constructor(options: SqliteReadStoreOptions) {
    super();
    this.db = openReadModelFile(options.file);
    this.clock = options.clock ?? Date.now;
    this.advance = this.db.prepare(`INSERT INTO projection_checkpoints (projection, position) VALUES (?, ?)
      ON CONFLICT (projection) DO UPDATE SET position = excluded.position WHERE excluded.position > position`);
    this.leases = new SqliteLeases(this.db);
    this.loadTables();
  }

  private loadTables(): void {
    this.tables.clear();
    const names = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\'`).pluck().all() as string[];
    for (const name of names) this.tables.add(name.slice(TABLE_PREFIX.length));
  }

  apply(projection: string, batch: ApplyBatch): Promise<void> {
    return run(() => {
      assertBatch(projection, batch);
      const writes = collapseWrites(batch.writes);
      const { fence } = batch;
      try {
        this.db.transaction(() => {
          if (fence && !this.leases.holds(fence)) throw new LeaseLostError(fence.lease, fence.owner);
          for (const write of writes) this.write(write);
          this.advance.run(projection, batch.checkpoint);
        }).immediate();
      } catch (error) {
        // A rolled-back batch also undoes the tables it created; forget them and their statements too.
        this.upserts.clear();
        this.loadTables();
        throw error;
      }
    });
  }

  /** A guarded upsert: only a newer position replaces the row. A delete leaves a tombstone row, so
   * a late older write finds a newer position and cannot bring the document back. */
  private write(write: DocumentWrite): void {
    const doc = write.doc === null ? '{}' : JSON.stringify(write.doc);
    this.upsertOf(write.collection).run(write.key, doc, write.position, write.doc === null ? 1 : 0);
  }

  private upsertOf(collection: string): Database.Statement {
    let statement = this.upserts.get(collection);
    if (!statement) {
      this.ensureTable(collection);
      statement = this.db.prepare(`INSERT INTO ${tableName(collection)} (key, doc, position, deleted) VALUES (?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET doc = excluded.doc, position = excluded.position, deleted = excluded.deleted
        WHERE excluded.position > position`);
      this.upserts.set(collection, statement);
    }
    return statement;
  }

  /** Another process sharing the file may have created the table since this one last looked. */
  private hasTable(collection: string): boolean {
    if (!this.tables.has(collection)) this.loadTables();
    return this.tables.has(collection);
  }

  private ensureTable(collection: string): void {
    if (this.tables.has(collection)) return;
    // WITHOUT ROWID makes `key` the clustering key, so every expression index ends in `key` and
    // serves the (field, key) order of keyset pages without a sort step.
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${tableName(collection)} (
      key TEXT PRIMARY KEY, doc TEXT NOT NULL, position TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID`);
    this.tables.add(collection);
  }

  checkpoint(projection: string): Promise<Position | undefined> {
    return run(() => {
      assertProjection(projection);
      const position = this.db.prepare('SELECT position FROM projection_checkpoints WHERE projection = ?').pluck().get(projection) as string | undefined;
      return position as Position | undefined;
    });
  }

  get<D = ReadDocument>(collection: string, key: string): Promise<D | undefined> {
    return this.getMany<D>(collection, [key]).then((found) => found.get(key));
  }

  /**
   * Queries are prepared once per distinct SQL text: preparing cost more than running for the
   * dashboard's one-document reads. The texts vary only by collection and query shape, so the
   * cache stays small; it is emptied if that ever stops being true.
   */
  private prepared(sql: string): Database.Statement {
    let statement = this.reads.get(sql);
    if (!statement) {
      if (this.reads.size >= MAX_PREPARED_READS) this.reads.clear();
      statement = this.db.prepare(sql);
      this.reads.set(sql, statement);
    }
    return statement;
  }

  getMany<D = ReadDocument>(collection: string, keys: readonly string[]): Promise<Map<string, D>> {
    return run(() => {
      assertCollection(collection);
      const found = new Map<string, D>();
      if (!this.hasTable(collection) || keys.length === 0) return found;
      // json_each takes the keys as one bound JSON array: no limit on the number of parameters.
      const rows = this.prepared(`SELECT key, doc FROM ${tableName(collection)} WHERE deleted = 0 AND key IN (SELECT value FROM json_each(?))`).all(
        JSON.stringify(keys),
      ) as { key: string; doc: string }[];
      for (const row of rows) found.set(row.key, JSON.parse(row.doc) as D);
      return found;
    });
  }

  find<D = ReadDocument>(collection: string, query: FindQuery): Promise<Page<D>> {
    return run(() => {
      assertCollection(collection);
      assertQuery(query);
      const { sql, params } = buildFind(collection, query);
      if (!this.hasTable(collection)) return { items: [], endCursor: undefined, hasNextPage: false };
      const rows = this.prepared(sql).all(...params) as { key: string; doc: string; sortValue: unknown }[];
      const page = rows.slice(0, query.first);
      const last = page.at(-1);
      return {
        items: page.map((row) => JSON.parse(row.doc) as D),
        endCursor: last ? encodeCursor(query, last.sortValue, last.key) : undefined,
        hasNextPage: rows.length > query.first,
      };
    });
  }

  ensureIndex(collection: string, fields: readonly string[]): Promise<void> {
    return run(() => {
      assertCollection(collection);
      if (fields.length === 0) throw new InvalidReadRequestError('INVALID_QUERY', 'An index needs at least one field');
      fields.forEach(assertField);
      this.ensureTable(collection);
      const name = `"ix_${collection}__${fields.join('__')}"`;
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON ${tableName(collection)} (${fields.map(fieldExpr).join(', ')})`);
    });
  }

  dropCollection(collection: string): Promise<void> {
    return run(() => {
      assertCollection(collection);
      this.upserts.delete(collection);
      this.reads.clear();
      this.db.exec(`DROP TABLE IF EXISTS ${tableName(collection)}`);
      this.tables.delete(collection);
    });
  }

  acquireLease(request: LeaseRequest): Promise<LeaseGrant | undefined> {
    return run(() => {
      assertLeaseRequest(request);
      return this.leases.acquire(request, this.clock());
    });
  }

  releaseLease(fence: LeaseFence): Promise<void> {
    return run(() => {
      assertFence(fence);
      this.leases.release(fence);
    });
  }

  leaseHolder(lease: string): Promise<LeaseHolder | undefined> {
    return run(() => this.leases.holderOf(lease));
  }

  listCollections(prefix = ''): Promise<string[]> {
    return run(() => {
      this.loadTables();
      return [...this.tables].filter((name) => name.startsWith(prefix)).sort();
    });
  }

  close(): Promise<void> {
    return run(() => {
      if (this.db.open) this.db.close();
    });
  }
}
