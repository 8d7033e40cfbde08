/**
 * The embedded event store: one SQLite file (better-sqlite3) in WAL mode with synchronous=FULL,
 * so an acknowledged append survives power loss, and group commit, so concurrency does not cost
 * an fsync per append. Global positions are SQLite rowids, assigned in commit order because
 * SQLite admits one writer at a time; a reader can therefore never see a later position before
 * an earlier one, which is what makes catch-up subscriptions gap-free.
 */
import type Database from 'better-sqlite3';
import { EventStore } from '../event-store.port.js';
import type {
  AllFilter,
  AppendResult,
  EventSubscription,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamMetadata,
  SubscribeToAllOptions,
} from '../event-store.port.js';
import { InvalidEventError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { PagedSubscription } from '../paged-subscription.js';
import type { Position } from '../position.js';
import { EventSerde } from '../serde.js';
import { assertStreamName, chainBatch, encodeBatch, streamCategory, toRecordedEvent } from '../stored-event.js';
import type { EncodedEvent } from '../stored-event.js';
import { assertExpectedRevision, pageSize } from '../arguments.js';
import { GroupCommitter } from './group-commit.js';
import { openLedgerFile } from './sqlite-file.js';
import { EVENT_STORE_FILE } from './sqlite-schema.js';

export interface SqliteEventStoreOptions {
  /** Path of the database file, or ':memory:' for throwaway tests. */
  readonly file: string;
  readonly serde?: EventSerde;
  /** How often a live subscription looks for appends made by other processes. */
  readonly pollIntervalMs?: number;
}

type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string, recordedAtMs: number];

const COLUMNS = 'position, event_id, stream_name, revision, type, data, metadata, recorded_at';
const POSITION_WIDTH = 16;

function toPosition(rowid: number): Position {
  return rowid.toString(16).padStart(POSITION_WIDTH, '0') as Position;
}

function fromPosition(position: Position | undefined): number {
  if (position === undefined) return 0;
  if (typeof position !== 'string' || position.length !== POSITION_WIDTH || !/^[0-9a-f]+$/.test(position)) {
    throw new RangeError(`Not a position of the SQLite event store: ${JSON.stringify(position)}`);
  }
  return Number.parseInt(position, 16);
}

export class SqliteEventStore extends EventStore {
  private readonly db: Database.Database;
  private readonly serde: EventSerde;
  private readonly committer: GroupCommitter;
  private readonly waiters = new Set<() => void>();
  private readonly pollIntervalMs: number;
  private readonly statements;
  private readonly filteredReads = new Map<string, Database.Statement>();
  private closed = false;

  constructor(options: SqliteEventStoreOptions) {
    super();
    this.db = openLedgerFile(options.file, EVENT_STORE_FILE);
    this.serde = options.serde ?? new EventSerde();
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.committer = new GroupCommitter(this.db, () => this.wakeSubscribers());
    this.statements = this.prepareStatements();
  }

  private prepareStatements() {
    const db = this.db;
    return {
      head: db.prepare<[string], { revision: number; chain_hash: string }>(
        'SELECT revision, chain_hash FROM events WHERE stream_name = ? ORDER BY revision DESC LIMIT 1',
      ),
      byEventId: db.prepare<[string], { stream_name: string; revision: number; position: number }>(
        'SELECT stream_name, revision, position FROM events WHERE event_id = ?',
      ),
      idsFrom: db.prepare<[string, number, number], string>(
        'SELECT event_id FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ).pluck(),
      insert: db.prepare(
        `INSERT INTO events (event_id, stream_name, revision, type, category, data, metadata, chain_hash, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      streamForwards: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`).raw(),
      streamBackwards: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`).raw(),
      allForwards: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`).raw(),
      allBackwards: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position < ? ORDER BY position DESC LIMIT ?`).raw(),
      headPosition: db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(),
      getMetadata: db.prepare<[string], string>('SELECT metadata FROM stream_metadata WHERE stream_name = ?').pluck(),
      setMetadata: db.prepare(
        'INSERT INTO stream_metadata (stream_name, metadata) VALUES (?, ?) ON CONFLICT (stream_name) DO UPDATE SET metadata = excluded.metadata',
      ),
    };
  }

  async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.assertOpen();
    assertExpectedRevision(options?.expectedRevision);
    const encoded = encodeBatch(this.serde, streamName, events);
    return this.committer.submit(() => this.appendNow(streamName, encoded, options.expectedRevision), encoded.length > 1);
  }

  /**
   * Runs inside the group transaction. A retried append always finds the stream past the
   * revision it expected, so the repeat check runs only on that path and stays off the hot one.
   */
  private appendNow(streamName: string, events: readonly EncodedEvent[], expected: ExpectedRevision): AppendResult {
    const firstRevision = expected === 'no_stream' ? 0 : expected + 1;
    const head = this.statements.head.get(streamName);
    const actual: ExpectedRevision = head ? head.revision : 'no_stream';
    if (actual !== expected) {
      const repeated = this.findRepeatedAppend(streamName, events, firstRevision);
      if (repeated) return repeated;
      throw new WrongExpectedRevisionError(streamName, expected, actual);
    }
    const category = streamCategory(streamName);
    const recordedAtMs = Date.now();
    let position = 0;
    try {
      for (const event of chainBatch(streamName, events, firstRevision, head?.chain_hash ?? null)) {
        const info = this.statements.insert.run(
          event.id, streamName, event.revision, event.type, category, event.dataJson, event.metadataJson, event.chain.hash, recordedAtMs,
        );
        position = Number(info.lastInsertRowid);
      }
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') this.findRepeatedAppend(streamName, events, firstRevision);
      throw error;
    }
    return { nextExpectedRevision: firstRevision + events.length - 1, position: toPosition(position) };
  }

  /**
   * An append whose events are already stored at the revisions the caller expected is a retry
   * of one that succeeded: it succeeds again and writes nothing. An event id found anywhere
   * else is refused, so one id can never name two facts.
   */
  private findRepeatedAppend(streamName: string, events: readonly EncodedEvent[], firstRevision: number): AppendResult | undefined {
    const stored = events.map((e) => this.statements.byEventId.get(e.id)).find((found) => found !== undefined);
    if (!stored) return undefined;
    if (stored.stream_name === streamName && stored.revision === firstRevision) {
      const ids = this.statements.idsFrom.all(streamName, firstRevision, events.length);
      if (ids.length === events.length && ids.every((id, index) => id === events[index]!.id)) {
        const last = ids.length === 1 ? stored.position : this.statements.byEventId.get(ids[ids.length - 1]!)!.position;
        return { nextExpectedRevision: firstRevision + events.length - 1, position: toPosition(last) };
      }
    }
    throw new InvalidEventError(
      'DUPLICATE_ID',
      `Event id ${events[0]!.id} is already recorded in "${stored.stream_name}" at revision ${stored.revision}`,
    );
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw into a rejection
  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertStreamName(streamName);
    const limit = pageSize(options.maxCount, Number.MAX_SAFE_INTEGER);
    const rows =
      options.direction === 'backwards'
        ? this.statements.streamBackwards.all(streamName, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
        : this.statements.streamForwards.all(streamName, options.fromRevision ?? 0, limit);
    return this.toEvents(rows as Row[], options.raw);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw into a rejection
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.readAllNow(options);
  }

  private readAllNow(options: ReadAllOptions): RecordedEvent[] {
    const limit = pageSize(options.maxCount, 4096);
    const backwards = options.direction === 'backwards';
    const bound = options.after === undefined ? (backwards ? Number.MAX_SAFE_INTEGER : 0) : fromPosition(options.after);
    if (!hasFilter(options.filter)) {
      const statement = backwards ? this.statements.allBackwards : this.statements.allForwards;
      return this.toEvents(statement.all(bound, limit) as Row[], options.raw);
    }
    const statement = this.filteredRead(backwards);
    const filter = options.filter!;
    const rows = statement.all(bound, JSON.stringify(filter.eventTypes ?? []), JSON.stringify(filter.streamCategories ?? []), limit);
    return this.toEvents(rows as Row[], options.raw);
  }

  private filteredRead(backwards: boolean): Database.Statement {
    const key = backwards ? 'backwards' : 'forwards';
    let statement = this.filteredReads.get(key);
    if (!statement) {
      statement = this.db
        .prepare(
          `SELECT ${COLUMNS} FROM events WHERE position ${backwards ? '<' : '>'} ?
             AND (type IN (SELECT value FROM json_each(?)) OR category IN (SELECT value FROM json_each(?)))
           ORDER BY position ${backwards ? 'DESC' : 'ASC'} LIMIT ?`,
        )
        .raw();
      this.filteredReads.set(key, statement);
    }
    return statement;
  }

  private toEvents(rows: readonly Row[], raw = false): RecordedEvent[] {
    const events = new Array<RecordedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [position, id, streamName, revision, type, dataJson, metadataJson, recordedAtMs] = rows[i]!;
      events[i] = toRecordedEvent(
        this.serde,
        { id, type, streamName, revision, position: toPosition(position), dataJson, metadataJson, recordedAt: new Date(recordedAtMs) },
        raw,
      );
    }
    return events;
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): EventSubscription {
    this.assertOpen();
    if (options.after !== undefined) fromPosition(options.after);
    const filter = options.filter;
    return new PagedSubscription(
      {
        readPage: (after, maxCount) => this.readAll({ after, maxCount, ...(filter ? { filter } : {}) }),
        waitForMore: (signal) => this.waitForAppend(signal),
      },
      options.after,
      pageSize(options.bufferSize, 512),
    );
  }

  private waitForAppend(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      // The timer also notices appends made by another process sharing the file.
      const timer = setTimeout(done, this.pollIntervalMs);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private wakeSubscribers(): void {
    for (const wake of [...this.waiters]) wake();
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw into a rejection
  async setStreamMetadata(streamName: string, metadata: StreamMetadata): Promise<void> {
    this.assertOpen();
    assertStreamName(streamName);
    this.statements.setMetadata.run(streamName, this.serde.encode(metadata));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw into a rejection
  async getStreamMetadata(streamName: string): Promise<StreamMetadata | undefined> {
    this.assertOpen();
    const json = this.statements.getMetadata.get(streamName);
    return json === undefined ? undefined : (this.serde.decode(json) as StreamMetadata);
  }

  /** Group-commit counters: how many appends shared how many durable commits. */
  commitStats(): { readonly commits: number; readonly appends: number } {
    return { ...this.committer.stats };
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw into a rejection
  async headPosition(): Promise<Position | undefined> {
    this.assertOpen();
    const head = this.statements.headPosition.get();
    return head === null || head === undefined ? undefined : toPosition(head);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.committer.drained();
    this.closed = true;
    this.wakeSubscribers();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

function hasFilter(filter: AllFilter | undefined): boolean {
  return !!filter && ((filter.eventTypes?.length ?? 0) > 0 || (filter.streamCategories?.length ?? 0) > 0);
}
