/**
 * Runs one projection over the event log into the read store. It reads the events the
 * projection handles, in log order, from the projection's checkpoint; for each page it loads the
 * documents the events name (in rounds, see Projection.refs), lets the projection evolve them,
 * and hands all changed documents and the new checkpoint to the read store in one batch. The
 * read store ignores writes not newer than what it holds, so a page applied twice (a crash
 * between the writes and the checkpoint, a second projector) changes nothing.
 */
import { EventStore } from '@ledger/event-store';
import type { Position, RecordedEvent } from '@ledger/event-store';
import type { Doc, DocumentRef, DocumentSet, ProjectedEvent, Projection } from '@ledger/projections';
import { ReadStore } from '@ledger/read-store';
import type { DocumentWrite } from '@ledger/read-store';

export interface ProjectionStatus {
  readonly name: string;
  /** The generation the runner writes, e.g. `v1` or `v1_r3` (see defaultGeneration). */
  readonly generation: string;
  readonly position: Position | undefined;
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

export class ProjectionRunner {
  private position: Position | undefined;
  private applied = 0;
  private skipped = 0;
  private failure: string | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly reads: ReadStore,
    readonly projection: Projection,
    private readonly pageSize = 1000,
    readonly generation = defaultGeneration(projection),
  ) {}

  status(): ProjectionStatus {
    return { name: this.projection.name, generation: this.generation, position: this.position, applied: this.applied, skipped: this.skipped, failure: this.failure };
  }

  /** The read-store collection of one of the projection's collections, in this generation. */
  collection(collection: string): string {
    return versionedCollection(this.projection, collection, this.generation);
  }

  /**
   * Projects everything up to the head of the log; returns how many events it applied.
   * `onPage` hears the running total after each page (for progress bars).
   */
  async catchUp(onPage?: (applied: number) => void | Promise<void>): Promise<number> {
    this.position = await this.reads.checkpoint(checkpointName(this.projection, this.generation));
    let total = 0;
    for (;;) {
      const page = await this.events.readAll({
        filter: { eventTypes: this.projection.eventTypes },
        maxCount: this.pageSize,
        ...(this.position ? { after: this.position } : {}),
      });
      if (page.length === 0) return total;
      await this.applyPage(page);
      total += page.length;
      await onPage?.(total);
    }
  }

  /** Applies one page of events (in log order) as one batch; exported for the live subscription. */
  async applyPage(page: readonly RecordedEvent[]): Promise<void> {
    const docs = new Map<string, Doc | null>();
    const writes = new Map<string, DocumentWrite>();
    const view: DocumentSet = { get: (collection, key) => docs.get(`${collection}/${key}`) ?? null };
    try {
      await this.prefetch(page, docs);
      for (const recorded of page) {
        if (!this.projection.eventTypes.includes(recorded.type)) {
          this.skipped++;
          continue;
        }
        const event = projected(recorded);
        await this.loadRefs(event, docs, view);
        for (const change of this.projection.evolve(view, event)) {
          const id = `${change.collection}/${change.key}`;
          docs.set(id, change.doc);
          const collection = this.collection(change.collection);
          writes.set(id, { collection, key: change.key, doc: change.doc, position: event.position });
        }
      }
    } catch (error) {
      this.failure = (error as Error).message;
      throw error;
    }
    const checkpoint = page[page.length - 1]!.position;
    await this.reads.apply(checkpointName(this.projection, this.generation), { writes: [...writes.values()], checkpoint });
    this.position = checkpoint;
    this.applied += page.length;
  }

  /**
   * Loads, in one query per collection, every document the page's events name in their first
   * round of refs: a page then costs a handful of reads instead of one or more per event. Later
   * rounds (keys that depend on loaded documents) are loaded per event, and mostly hit this cache.
   */
  private async prefetch(page: readonly RecordedEvent[], docs: Map<string, Doc | null>): Promise<void> {
    const wanted = new Map<string, DocumentRef>();
    for (const recorded of page) {
      if (!this.projection.eventTypes.includes(recorded.type)) continue;
      for (const ref of this.projection.refs(projected(recorded))) wanted.set(`${ref.collection}/${ref.key}`, ref);
    }
    await this.load([...wanted.values()], docs);
  }

  private async loadRefs(event: ProjectedEvent, docs: Map<string, Doc | null>, view: DocumentSet): Promise<void> {
    let refs = this.projection.refs(event);
    for (let round = 0; round < MAX_REF_ROUNDS; round++) {
      await this.load(refs.filter((ref) => !docs.has(`${ref.collection}/${ref.key}`)), docs);
      const next = this.projection.refs(event, view);
      if (next.every((ref) => docs.has(`${ref.collection}/${ref.key}`))) return;
      refs = next;
    }
  }

  private async load(refs: readonly DocumentRef[], docs: Map<string, Doc | null>): Promise<void> {
    const byCollection = new Map<string, string[]>();
    for (const ref of refs) byCollection.set(ref.collection, [...(byCollection.get(ref.collection) ?? []), ref.key]);
    for (const [collection, keys] of byCollection) {
      const found = await this.reads.getMany<Doc>(this.collection(collection), keys);
      for (const key of keys) docs.set(`${collection}/${key}`, found.get(key) ?? null);
    }
  }
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
