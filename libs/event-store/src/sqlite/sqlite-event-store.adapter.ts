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
import { InvalidPositionError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { PagedSubscription } from '../paged-subscription.js';
import type { ScannedPage } from '../paged-subscription.js';
import type { Position } from '../position.js';
import { EventSerde } from '../serde.js';
import { assertStreamName, chainBatch, encodeBatch, streamCategory, toRecordedEvent } from '../stored-event.js';
import type { EncodedEvent } from '../stored-event.js';
import { assertExpectedRevision, pageSize } from '../arguments.js';
import { GroupCommitter } from './group-commit.js';
import type { EventRow } from './group-commit.js';
import { openLedgerFile } from './sqlite-file.js';
import { EVENT_STORE_FILE } from './sqlite-schema.js';

export interface SqliteEventStoreOptions {
  /** Path of the database file (a real file: the writer thread opens it too). */
  readonly file: string;
  readonly serde?: EventSerde;
  /** How often a live subscription looks for appends made by other processes. */
  readonly pollIntervalMs?: number;
}

type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string, recordedAtMs: number];

const COLUMNS = 'position, event_id, stream_name, revision, type, data, metadata, recorded_at';
/** How many streams' last event hashes are kept in memory. */
const HEAD_CACHE_SIZE = 10_000;
/** How many positions one filtered subscription page may scan. */
const SCAN_WINDOW = 8192;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const POSITION_WIDTH = 16;

function toPosition(rowid: number): Position {
  return rowid.toString(16).padStart(POSITION_WIDTH, '0') as Position;
}

function fromPosition(position: Position | undefined): number {
  if (position === undefined) return 0;
  if (typeof position !== 'string' || position.length !== POSITION_WIDTH || !/^[0-9a-f]+$/.test(position)) {
    throw new InvalidPositionError(position);
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

  /** The last event of recently written streams, so an append rarely reads its predecessor's hash. */
  private readonly heads = new Map<string, { readonly revision: number; readonly hash: string }>();

  constructor(options: SqliteEventStoreOptions) {
    super();
    if (options.file === ':memory:') throw new RangeError('The SQLite event store needs a file: its writer thread opens it too');
    // The main connection checks, migrates and then reads the file; the writer thread appends.
    this.db = openLedgerFile(options.file, EVENT_STORE_FILE);
    this.serde = options.serde ?? new EventSerde();
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.committer = new GroupCommitter(options.file, () => this.wakeSubscribers());
    this.statements = this.prepareStatements();
  }

  private prepareStatements() {
    const db = this.db;
    return {
      head: db.prepare<[string], { revision: number; chain_hash: string }>(
        'SELECT revision, chain_hash FROM events WHERE stream_name = ? ORDER BY revision DESC LIMIT 1',
      ),
      idsFrom: db.prepare<[string, number, number], { event_id: string; position: number }>(
        'SELECT event_id, position FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      hashAt: db.prepare<[string, number], string>('SELECT chain_hash FROM events WHERE stream_name = ? AND revision = ?').pluck(),
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
    const expected = options.expectedRevision;
    const encoded = encodeBatch(this.serde, streamName, events);
    const firstRevision = expected === 'no_stream' ? 0 : expected + 1;
    const previousHash = expected === 'no_stream' ? null : this.hashAt(streamName, expected);
    if (previousHash === undefined) return this.conflicted(streamName, encoded, expected, this.headRevision(streamName));
    const prepared = chainBatch(streamName, encoded, firstRevision, previousHash);
    const category = streamCategory(streamName);
    const recordedAtMs = Date.now();
    const rows = prepared.map((e): EventRow => [e.id, streamName, e.revision, e.type, category, e.dataJson, e.metadataJson, e.chain.hash, recordedAtMs]);
    const result = await this.committer.submit({ stream: streamName, expected: expected === 'no_stream' ? -1 : expected, rows });
    if ('position' in result) {
      const last = prepared[prepared.length - 1]!;
      this.rememberHead(streamName, last.revision, last.chain.hash);
      return { nextExpectedRevision: last.revision, position: toPosition(result.position) };
    }
    if ('conflict' in result) return this.conflicted(streamName, encoded, expected, result.conflict === -1 ? 'no_stream' : result.conflict);
    if (result.error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
      // Another append took these revisions between our check and the insert: a conflict.
      return this.conflicted(streamName, encoded, expected, this.headRevision(streamName));
    }
    throw new Error(`Appending to "${streamName}" failed: ${result.error.message}`);
  }

  /**
   * The chain hash of the event the caller says is the stream's last. Undefined when there is no
   * such event: then the stream is not where the caller thinks, which the append reports.
   */
  private hashAt(streamName: string, revision: number): string | undefined {
    const cached = this.heads.get(streamName);
    if (cached?.revision === revision) return cached.hash;
    return this.statements.hashAt.get(streamName, revision);
  }

  private rememberHead(streamName: string, revision: number, hash: string): void {
    this.heads.delete(streamName);
    this.heads.set(streamName, { revision, hash });
    if (this.heads.size > HEAD_CACHE_SIZE) this.heads.delete(this.heads.keys().next().value!);
  }

  private headRevision(streamName: string): ExpectedRevision {
    return this.statements.head.get(streamName)?.revision ?? 'no_stream';
  }

  /**
   * A stream not at the expected revision: a retry of an append that already succeeded is
   * answered as that append was; anything else is a conflict, and nothing was written.
   */
  private conflicted(streamName: string, events: readonly EncodedEvent[], expected: ExpectedRevision, actual: ExpectedRevision): AppendResult {
    const firstRevision = expected === 'no_stream' ? 0 : expected + 1;
    const repeated = this.findRepeatedAppend(streamName, events, firstRevision);
    if (repeated) return repeated;
    throw new WrongExpectedRevisionError(streamName, expected, actual);
  }

  /**
   * An append whose events are already stored at the revisions the caller expected is a retry
   * of one that succeeded: it succeeds again and writes nothing.
   */
  private findRepeatedAppend(streamName: string, events: readonly EncodedEvent[], firstRevision: number): AppendResult | undefined {
    const stored = this.statements.idsFrom.all(streamName, firstRevision, events.length);
    if (stored.length !== events.length || stored.some((row, index) => row.event_id !== events[index]!.id)) return undefined;
    return { nextExpectedRevision: firstRevision + events.length - 1, position: toPosition(stored[stored.length - 1]!.position) };
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

  /**
   * SQLite answers synchronously, so a read is work on the caller's thread. Each read first gives
   * the event loop a turn, and a filtered read walks the log in windows with a turn between
   * them: a projector catching up on a million events then never keeps an HTTP request waiting
   * for more than one window's work.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    await yieldToEventLoop();
    this.assertOpen();
    const limit = pageSize(options.maxCount, 4096);
    const backwards = options.direction === 'backwards';
    const bound = options.after === undefined ? (backwards ? Number.MAX_SAFE_INTEGER : 0) : fromPosition(options.after);
    if (!hasFilter(options.filter)) {
      const statement = backwards ? this.statements.allBackwards : this.statements.allForwards;
      return this.toEvents(statement.all(bound, limit) as Row[], options.raw);
    }
    return this.toEvents(await this.scanFiltered(backwards, bound, options.filter!, limit), options.raw);
  }

  /** Up to `limit` matching rows after `bound`, scanned SCAN_WINDOW positions at a time. */
  private async scanFiltered(backwards: boolean, bound: number, filter: AllFilter, limit: number): Promise<Row[]> {
    const head = this.statements.headPosition.get() ?? 0;
    const rows: Row[] = [];
    for (let from = Math.min(bound, head + 1); ; ) {
      const to = backwards ? Math.max(0, from - SCAN_WINDOW) : Math.min(head, from + SCAN_WINDOW);
      rows.push(...this.filteredRows(backwards, from, to, filter, limit - rows.length));
      const done = rows.length >= limit || (backwards ? to <= 0 : to >= head);
      if (done) return rows;
      from = to;
      await yieldToEventLoop();
      this.assertOpen();
    }
  }

  private filteredRows(backwards: boolean, bound: number, far: number, filter: AllFilter, limit: number): Row[] {
    const types = JSON.stringify(filter.eventTypes ?? []);
    const categories = JSON.stringify(filter.streamCategories ?? []);
    return this.filteredRead(backwards).all(bound, far, types, categories, limit) as Row[];
  }

  /**
   * One page for a subscription: matches within a bounded window of positions, so the scan
   * advances by at most SCAN_WINDOW rows per page even when nothing matches.
   */
  private scanPage(after: Position | undefined, filter: AllFilter | undefined, maxCount: number): ScannedPage {
    this.assertOpen();
    const from = fromPosition(after);
    const head = this.statements.headPosition.get() ?? 0;
    if (!hasFilter(filter)) {
      const events = this.toEvents(this.statements.allForwards.all(from, maxCount) as Row[]);
      const last = events[events.length - 1];
      return { events, scannedTo: last?.position ?? after, atHead: events.length < maxCount };
    }
    const upper = Math.min(head, from + SCAN_WINDOW);
    const rows = this.filteredRows(false, from, upper, filter!, maxCount);
    const full = rows.length === maxCount;
    const scannedTo = full ? rows[rows.length - 1]![0] : upper;
    return { events: this.toEvents(rows), scannedTo: scannedTo > from ? toPosition(scannedTo) : after, atHead: !full && upper >= head };
  }

  private filteredRead(backwards: boolean): Database.Statement {
    const key = backwards ? 'backwards' : 'forwards';
    let statement = this.filteredReads.get(key);
    if (!statement) {
      statement = this.db
        .prepare(
          // The unary plus keeps SQLite walking the log in position order (the rowid) and testing
          // the filter row by row: an index on type or category would gather every match after
          // the position and sort them for each page, which grows with the log.
          `SELECT ${COLUMNS} FROM events WHERE position ${backwards ? '<' : '>'} ? AND position ${backwards ? '>' : '<='} ?
             AND (+type IN (SELECT value FROM json_each(?)) OR +category IN (SELECT value FROM json_each(?)))
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
        { id, type, streamName, revision, position: toPosition(position), dataJson, metadataJson, recordedAtMs },
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
        readPage: (after, maxCount) => Promise.resolve(this.scanPage(after, filter, maxCount)),
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
    this.closed = true;
    await this.committer.close();
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
