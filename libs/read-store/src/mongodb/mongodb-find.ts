/** Builds the filter and sort for `find` with the same keyset semantics as the SQLite adapter. */
import type { Document, Filter, Sort } from 'mongodb';
import { decodeCursor } from '../cursor.js';
import type { FindQuery } from '../read-store.port.js';

/** A stored document: the projection's fields plus the adapter's `_id`, `_position` and `_deleted`. */
export type StoredDoc = Document & { _id: string };

/** Tombstones stay in the collection (they guard against late older writes) but are never read. */
export const LIVE: Filter<StoredDoc> = { _deleted: { $ne: true } };

/** "After the cursor" in (field, _id) order; a missing or null field sorts first, as in SQLite. */
function afterFilter(query: FindQuery): Filter<StoredDoc> | undefined {
  const cursor = decodeCursor(query);
  if (!cursor) return undefined;
  const f = query.orderBy.field;
  const asc = query.orderBy.direction === 'asc';
  if (cursor.value === null) {
    return asc ? { $or: [{ [f]: null, _id: { $gt: cursor.key } }, { [f]: { $ne: null } }] } : { [f]: null, _id: { $lt: cursor.key } };
  }
  const op = asc ? '$gt' : '$lt';
  const or: Filter<StoredDoc>[] = [{ [f]: { [op]: cursor.value } }, { [f]: cursor.value, _id: { [op]: cursor.key } }];
  if (!asc) or.push({ [f]: null });
  return { $or: or };
}

export function buildFind(query: FindQuery): { filter: Filter<StoredDoc>; sort: Sort } {
  const and: Filter<StoredDoc>[] = [LIVE];
  for (const [field, value] of Object.entries(query.where ?? {})) and.push({ [field]: value });
  const range = query.range;
  if (range && (range.gte !== undefined || range.lt !== undefined)) {
    and.push({ [range.field]: { ...(range.gte !== undefined ? { $gte: range.gte } : {}), ...(range.lt !== undefined ? { $lt: range.lt } : {}) } });
  }
  const after = afterFilter(query);
  if (after) and.push(after);
  const dir = query.orderBy.direction === 'asc' ? 1 : -1;
  return { filter: { $and: and }, sort: { [query.orderBy.field]: dir, _id: dir } };
}

/** Strips the adapter's own fields so documents come back exactly as the projection wrote them. */
export function toDocument<D>(stored: StoredDoc): D {
  const { _id, _position, _deleted, ...doc } = stored;
  return doc as D;
}
