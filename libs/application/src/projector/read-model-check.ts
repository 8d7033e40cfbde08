/**
 * Whether the stored read models are what the log says they should be: every projection is
 * built again from position zero into a scratch store and compared, document by document, with
 * the collections the projector serves. Read models are a pure function of the log, so any
 * difference is a write that did not come from an event (or an event applied wrongly), and the
 * first differing document names it. Tests run it after fault and fuzz runs; an auditor's
 * verification can run it against production stores.
 */
import type { EventStore } from '@ledger/event-store';
import type { Projection } from '@ledger/projections';
import type { ReadDocument, ReadStore } from '@ledger/read-store';
import { ProjectionRunner, versionedCollection } from './projection-runner.js';

export interface ReadModelDifference {
  readonly projection: string;
  readonly collection: string;
  /** A stored document no rebuilt one equals (written without an event, or applied wrongly). */
  readonly stored?: ReadDocument;
  /** A rebuilt document no stored one equals (an event not applied, or a document lost). */
  readonly rebuilt?: ReadDocument;
}

/** Every document of a collection, each as canonical JSON (keys sorted), in pages of the store's maximum. */
async function documentsOf(reads: ReadStore, collection: string): Promise<Map<string, ReadDocument>> {
  const documents = new Map<string, ReadDocument>();
  // No document has this field, so pages come in key order, which every store can give.
  const orderBy = { field: 'zzUnordered', direction: 'asc' } as const;
  for (let after: string | undefined; ; ) {
    const page = await reads.find<ReadDocument>(collection, { orderBy, first: 1000, ...(after ? { after } : {}) });
    for (const document of page.items) documents.set(canonical(document), document);
    if (!page.hasNextPage || page.endCursor === undefined) return documents;
    after = page.endCursor;
  }
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}

/**
 * The differences per collection between the stored read models and a rebuild into `scratch`
 * (an empty store the caller provides and disposes of). `storedCollection` names the collection
 * the projector serves now (generations change on rebuilds).
 */
export async function compareWithRebuild(
  events: EventStore,
  stored: ReadStore,
  scratch: ReadStore,
  projections: readonly Projection[],
  storedCollection: (projection: Projection, collection: string) => string,
): Promise<ReadModelDifference[]> {
  const differences: ReadModelDifference[] = [];
  for (const projection of projections) {
    await new ProjectionRunner(events, scratch, projection).catchUp();
    for (const collection of projection.collections) {
      const mine = await documentsOf(stored, storedCollection(projection, collection));
      const truth = await documentsOf(scratch, versionedCollection(projection, collection));
      const extra = [...mine.keys()].find((json) => !truth.has(json));
      const missing = [...truth.keys()].find((json) => !mine.has(json));
      if (extra === undefined && missing === undefined) continue;
      differences.push({ projection: projection.name, collection, ...(extra ? { stored: mine.get(extra) } : {}), ...(missing ? { rebuilt: truth.get(missing) } : {}) });
    }
  }
  return differences;
}
