/**
 * Runs one projection over the event log into the read store. It reads the events the
 * projection handles, in log order, from the projection's checkpoint; for each page it loads the
 * documents the events name (in rounds, see Projection.refs), lets the projection evolve them,
 * and hands all changed documents and the new checkpoint to the read store in one batch. The
 * read store ignores writes not newer than what it holds, so a page applied twice (a crash
 * between the writes and the checkpoint, a second projector) changes nothing.
 *
 * Documents read or written are kept in a DocumentCache, so a document is written once per page
 * however many events change it, and read from the store once per catch-up, not once per page.
 * With a `fence`, every batch is written only while the runner's owner holds the lease.
 */
import { EventStore } from '@ledger/event-store';
import type { Position, RecordedEvent } from '@ledger/event-store';
import type { Doc, DocumentRef, DocumentSet, ProjectedEvent, Projection } from '@ledger/projections';
import { ReadStore } from '@ledger/read-store';
import type { DocumentWrite, LeaseFence } from '@ledger/read-store';
import { DocumentCache } from './document-cache.js';

export interface ProjectionStatus {
  readonly name: string;
  /** The generation the runner writes, e.g. `v1` or `v1_r3` (see defaultGeneration). */
  readonly generation: string;
  readonly position: Position | undefined;
  /**
   * How far this runner has looked through the log: at or after `position`, because events it
   * does not handle move it on too. Read-your-writes waits compare against this.
   */
  readonly scannedTo: Position | undefined;
  readonly applied: number;
  /** Events of a type the projection does not handle: skipped and counted, never a crash. */
  readonly skipped: number;
  readonly failure: string | undefined;
}

const MAX_REF_ROUNDS = 3;

/**
 * A generation is one complete copy of a projection's documents with its own checkpoint. Each
 * version starts in its default generation `v<version>`; a rebuild without downtime writes a new
 * one (`v<version>_r<n>`: collection names allow no dash) beside it and then switches over.
 */
export function defaultGeneration(projection: Projection): string {
  return `v${projection.version}`;
}

/** The collection a projection's documents live in, e.g. `bookings_v1` or `bookings_v1_r2`. */
export function versionedCollection(projection: Projection, collection: string, generation = defaultGeneration(projection)): string {
  return `${collection}_${generation}`;
}

/** The name the read store knows the projection's checkpoint by: one per generation. */
export function checkpointName(projection: Projection, generation = defaultGeneration(projection)): string {
  return `${projection.name}@${generation}`;
}

/** The later of two positions (positions are ordered strings); undefined means before the first. */
function later(a: Position | undefined, b: Position | undefined): Position | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

const idOf = (ref: DocumentRef): string => `${ref.collection}/${ref.key}`;

export class ProjectionRunner {
  private position: Position | undefined;
  /** The log's head when a read came back short: nothing this projection handles lies before it unread. */
  private scanned: Position | undefined;
  private applied = 0;
  private skipped = 0;
  private failure: string | undefined;
  private readonly cache = new DocumentCache();
  /** The generation held no documents when this runner last looked (and it has written none since). */
  private foundEmpty = false;
  private readonly handled: ReadonlySet<string>;
  /** Set by ProjectorHost while it holds the projection's lease; every batch is fenced by it. */
  fence: LeaseFence | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly reads: ReadStore,
    readonly projection: Projection,
    private readonly pageSize = 1000,
    readonly generation = defaultGeneration(projection),
  ) {
    this.handled = new Set(projection.eventTypes);
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      generation: this.generation,
      position: this.position,
      scannedTo: later(this.scanned, this.position),
      applied: this.applied,
      skipped: this.skipped,
      failure: this.failure,
    };
  }

  /** The read-store collection of one of the projection's collections, in this generation. */
  collection(collection: string): string {
    return versionedCollection(this.projection, collection, this.generation);
  }

  handles(event: RecordedEvent): boolean {
    return this.handled.has(event.type);
  }

  /**
   * Reads the stored checkpoint. When it is not where this runner left it, someone else wrote
   * meanwhile and the cached documents may be stale; a generation with no checkpoint and no
   * collections yet holds no documents at all, which spares a rebuild every read.
   */
  async resume(): Promise<Position | undefined> {
    const stored = await this.reads.checkpoint(checkpointName(this.projection, this.generation));
    // Unchanged since this runner last wrote (or last found the generation empty): the cache holds.
    if (stored === this.position && (stored !== undefined || this.foundEmpty)) return stored;
    this.cache.clear();
    this.foundEmpty = false;
    this.position = stored;
    this.scanned = undefined;
    if (stored === undefined) {
      const existing = new Set(await this.reads.listCollections());
      this.foundEmpty = this.projection.collections.every((collection) => !existing.has(this.collection(collection)));
      if (this.foundEmpty) this.cache.assumeEmptyStore();
    }
    return stored;
  }

  /**
   * Projects everything up to the head of the log; returns how many events it applied.
   * `onPage` hears the running total after each page (for progress bars).
   */
  async catchUp(onPage?: (applied: number) => void | Promise<void>): Promise<number> {
    await this.resume();
    let total = 0;
    for (;;) {
      // A projection whose events are rare would otherwise rescan everything after its last one
      // on every wake-up: reads start after what was already scanned, and a short page (all that
      // matched up to the head seen before reading) moves the scan to that head.
      const head = await this.events.headPosition();
      const after = later(this.scanned, this.position);
      const page = await this.events.readAll({ filter: { eventTypes: this.projection.eventTypes }, maxCount: this.pageSize, ...(after ? { after } : {}) });
      if (page.length > 0) {
        await this.applyPage(page);
        total += page.length;
        await onPage?.(total);
      }
      if (page.length < this.pageSize) {
        this.scanned = later(this.scanned, head);
        // Caught up: an earlier failure that did not stop the projection (retried) is over.
        this.failure = undefined;
        return total;
      }
    }
  }

  /**
   * Applies the events of a page of the whole log (read once for several runners, see
   * catchUpTogether) that this projection handles and has not processed; returns how many.
   */
  async applyShared(page: readonly RecordedEvent[]): Promise<number> {
    const mine = page.filter((event) => this.handles(event) && (this.position === undefined || event.position > this.position));
    if (mine.length > 0) await this.applyPage(mine);
    return mine.length;
  }

  /** Applies one page of events (in log order) as one batch; exported for the live subscription. */
  async applyPage(page: readonly RecordedEvent[]): Promise<void> {
    const changed = new Map<string, DocumentWrite>();
    try {
      await this.evolvePage(page, changed);
      const checkpoint = page[page.length - 1]!.position;
      const writes = [...changed.values()];
      await this.reads.apply(checkpointName(this.projection, this.generation), { writes, checkpoint, ...(this.fence ? { fence: this.fence } : {}) });
      for (const [id, write] of changed) this.cache.set(id, write.doc);
      this.position = checkpoint;
      this.applied += page.length;
      this.failure = undefined;
    } catch (error) {
      // What this runner holds in memory may no longer match the store: start the next catch-up afresh.
      this.cache.clear();
      this.failure = (error as Error).message;
      throw error;
    }
  }

  /** Lets the projection evolve the page's events over the stored documents plus this page's changes. */
  private async evolvePage(page: readonly RecordedEvent[], changed: Map<string, DocumentWrite>): Promise<void> {
    const view: DocumentSet = {
      get: (collection, key) => {
        const id = `${collection}/${key}`;
        const write = changed.get(id);
        return write ? write.doc : (this.cache.get(id) ?? null);
      },
    };
    const events = this.projectedEvents(page);
    await this.load(events.flatMap((event) => this.projection.refs(event)));
    for (const event of events) {
      await this.loadLaterRounds(event, view);
      for (const change of this.projection.evolve(view, event)) {
        const id = idOf(change);
        const write: DocumentWrite = { collection: this.collection(change.collection), key: change.key, doc: change.doc, position: event.position };
        changed.set(id, withHint(write, changed.get(id), this.cache.get(id)));
      }
    }
  }

  private projectedEvents(page: readonly RecordedEvent[]): ProjectedEvent[] {
    const events: ProjectedEvent[] = [];
    for (const recorded of page) {
      if (this.handles(recorded)) events.push(projected(recorded));
      else this.skipped++;
    }
    return events;
  }

  /**
   * Later rounds of refs (keys that depend on loaded documents, such as a day in the tenant's
   * time zone) are loaded per event, and almost always found in the cache without a store read.
   */
  private async loadLaterRounds(event: ProjectedEvent, view: DocumentSet): Promise<void> {
    for (let round = 1; round < MAX_REF_ROUNDS; round++) {
      const missing = this.projection.refs(event, view).filter((ref) => this.cache.get(idOf(ref)) === undefined);
      if (missing.length === 0) return;
      await this.load(missing);
    }
  }

  /** Loads the refs the cache cannot answer, in one query per collection. */
  private async load(refs: readonly DocumentRef[]): Promise<void> {
    const byCollection = new Map<string, Set<string>>();
    for (const ref of refs) {
      if (this.cache.get(idOf(ref)) !== undefined) continue;
      const keys = byCollection.get(ref.collection) ?? new Set<string>();
      byCollection.set(ref.collection, keys.add(ref.key));
    }
    await Promise.all(
      [...byCollection].map(async ([collection, keys]) => {
        const found = await this.reads.getMany<Doc>(this.collection(collection), [...keys]);
        for (const key of keys) this.cache.set(`${collection}/${key}`, found.get(key) ?? null);
      }),
    );
  }
}

/** Whether the store held the document before this page: known from the page's first write of it, else the cache. */
function withHint(write: DocumentWrite, earlier: DocumentWrite | undefined, cached: Doc | null | undefined): DocumentWrite {
  const expectNew = earlier ? earlier.expectNew : cached === undefined ? undefined : cached === null;
  return expectNew === undefined ? write : { ...write, expectNew };
}

export function projected(event: RecordedEvent): ProjectedEvent {
  const occurredAt = typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt.toISOString();
  return {
    type: event.type,
    data: event.data,
    streamName: event.streamName,
    revision: event.revision,
    position: event.position,
    tenant: typeof event.metadata.tenant === 'string' ? event.metadata.tenant : '',
    occurredAt,
  };
}
