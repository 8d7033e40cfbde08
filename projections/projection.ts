/**
 * The shape every read model's projection has. A projection is pure: it names the documents an
 * event touches, and, given those documents as stored, returns the ones the event changes. The
 * projector runtime (libs/application) loads, applies and checkpoints, guarded by the event's
 * position, so a projection never deals with storage, retries or duplicates.
 */
import type { Position } from '@ledger/event-store';

/** An event as a projection sees it: the recorded event with its tenant and time lifted out. */
export interface ProjectedEvent {
  readonly type: string;
  readonly data: unknown;
  readonly streamName: string;
  readonly revision: number;
  readonly position: Position;
  readonly tenant: string;
  /** When the command that recorded it was decided (ISO-8601). */
  readonly occurredAt: string;
}

export type Doc = Record<string, unknown>;

export interface DocumentRef {
  /** A collection this projection owns, without the version suffix the runtime adds. */
  readonly collection: string;
  readonly key: string;
}

export interface DocumentChange extends DocumentRef {
  /** The new document, or null to delete it. */
  readonly doc: Doc | null;
}

/** The documents an event's refs named, as stored before it: null when absent. */
export interface DocumentSet {
  get(collection: string, key: string): Doc | null;
}

export interface Projection {
  /** Stable name, e.g. `booking-balance`; with the version it names the collections. */
  readonly name: string;
  /** Bumped when the documents' shape or meaning changes: the read model is rebuilt from zero. */
  readonly version: number;
  readonly collections: readonly string[];
  /** The event types it reacts to; the runtime reads only these from the log. */
  readonly eventTypes: readonly string[];
  /**
   * The documents the event reads or changes. Called first without documents; when a document's
   * key depends on another document (a day in the tenant's time zone needs the tenant's zone),
   * it is called again with what was loaded, and may name more (at most three rounds).
   */
  refs(event: ProjectedEvent, loaded?: DocumentSet): readonly DocumentRef[];
  /** Pure. Returns only the documents that change; each changed document records `position`. */
  evolve(docs: DocumentSet, event: ProjectedEvent): readonly DocumentChange[];
}

/**
 * Every document records the position of the last event applied to it, and evolve leaves a
 * document alone when the event is not newer: applying an event twice changes nothing.
 */
export function alreadyApplied(doc: Doc | null, event: ProjectedEvent): boolean {
  return doc !== null && typeof doc.position === 'string' && doc.position >= event.position;
}

/** A malformed event: the runtime stops the projection and names the event's position. */
export class MalformedEventError extends Error {
  constructor(
    readonly eventType: string,
    readonly position: Position,
    problem: string,
  ) {
    super(`${eventType} at position ${position} cannot be projected: ${problem}`);
    this.name = 'MalformedEventError';
  }
}

/** A DocumentSet over a plain map, for projection specs and the runtime alike. */
export function documentSet(entries: Iterable<[string, Doc | null]> = []): DocumentSet & { set(collection: string, key: string, doc: Doc | null): void } {
  const docs = new Map<string, Doc | null>(entries);
  return {
    get: (collection, key) => docs.get(`${collection}/${key}`) ?? null,
    set: (collection, key, doc) => void docs.set(`${collection}/${key}`, doc),
  };
}

/**
 * Applies events to a projection in memory, exactly as the runtime does (refs in rounds, then
 * evolve), and returns every document by `collection/key`. For projection specs.
 */
export function replay(projection: Projection, events: readonly ProjectedEvent[], start: Iterable<[string, Doc]> = []): Map<string, Doc> {
  const store = new Map<string, Doc>(start);
  const view: DocumentSet = { get: (collection, key) => store.get(`${collection}/${key}`) ?? null };
  for (const event of events) {
    if (!projection.eventTypes.includes(event.type)) continue;
    let refs = projection.refs(event);
    for (let round = 0; round < 2; round++) {
      const more = projection.refs(event, view);
      if (more.length === refs.length) break;
      refs = more;
    }
    for (const change of projection.evolve(view, event)) {
      const id = `${change.collection}/${change.key}`;
      if (change.doc === null) store.delete(id);
      else store.set(id, change.doc);
    }
  }
  return store;
}
