/**
 * The MongoDB write path (4.2+): one guarded upsert per document, all of a collection's in one
 * unordered bulk write. The guard is an update pipeline that keeps the stored document when its
 * `_position` is not older than the write's and replaces it otherwise, so "a newer version is
 * there" is an unchanged document, not an error: the same operations work inside a transaction
 * (where any error aborts it) and outside one. The new version is wrapped in `$literal`, so a
 * string value beginning with `$` is stored as written instead of being read as a field path.
 */
import type { AnyBulkWriteOperation, ClientSession, Collection } from 'mongodb';
import type { DocumentWrite } from '../read-store.port.js';
import type { StoredDoc } from './mongodb-find.js';

function stored(write: DocumentWrite): StoredDoc {
  return write.doc === null ? { _id: write.key, _deleted: true, _position: write.position } : { _id: write.key, ...write.doc, _position: write.position };
}

export function guardedUpsert(write: DocumentWrite): AnyBulkWriteOperation<StoredDoc> {
  const newer = { $lt: [{ $ifNull: ['$_position', ''] }, { $literal: write.position }] };
  return {
    updateOne: {
      filter: { _id: write.key },
      update: [{ $replaceWith: { $cond: [newer, { $literal: stored(write) }, '$$ROOT'] } }],
      upsert: true,
    },
  };
}

/**
 * Writes one collection's share of a batch (collapsed to one write per document). Any write error
 * fails the call, and so does a write-concern error (the driver raises both), so nothing
 * unconfirmed is ever taken for written.
 */
export async function upsertCollection(target: Collection<StoredDoc>, writes: readonly DocumentWrite[], session?: ClientSession): Promise<void> {
  if (writes.length === 0) return;
  await target.bulkWrite(writes.map(guardedUpsert), { ordered: false, ...(session ? { session } : {}) });
}
