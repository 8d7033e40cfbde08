/**
 * How the MongoDB adapter writes one collection's share of a batch on the `compatible` path
 * (FerretDB; MongoDB 4.2+ takes mongodb-upserts.ts), in as few server operations as it can:
 * FerretDB 1.24 on SQLite runs each update as its own operation over the collection (measured:
 * about 100 ms per update at 15,000 documents), while an insertMany of thousands of documents
 * costs one. So documents the writer found absent (`expectNew`) are inserted together, and only
 * the rest go through the guarded per-document path. A wrong hint costs a duplicate-key error for
 * that document, which then takes the guarded path too: never a lost or older write.
 */
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type WriteError } from 'mongodb';
import type { DocumentWrite } from '../read-store.port.js';
import { writeConcernFailed } from './mongodb-errors.js';
import type { StoredDoc } from './mongodb-find.js';

const BULK_SIZE = 1000;
const DUPLICATE_KEY = 11000;

function body(write: DocumentWrite): Omit<StoredDoc, '_id'> {
  return write.doc === null ? { _deleted: true, _position: write.position } : { ...write.doc, _position: write.position };
}

/**
 * Creates an invisible placeholder (a tombstone older than any position) if the key is absent, a
 * no-op otherwise, so it never fails on a duplicate; the second pass replaces it with the real
 * document. The document itself is not written here: FerretDB 1.24 drops top-level empty arrays
 * from a $setOnInsert upsert (measured), while a replacement keeps them.
 */
function insertIfAbsent(write: DocumentWrite): AnyBulkWriteOperation<StoredDoc> {
  return { updateOne: { filter: { _id: write.key }, update: { $setOnInsert: { _deleted: true, _position: '' } }, upsert: true } };
}

/**
 * Replaces an older stored version. Replacement (not $set) so fields dropped from a new version
 * and a previous tombstone flag do not linger; the position guard makes replays no-ops.
 */
function replaceIfOlder(write: DocumentWrite): AnyBulkWriteOperation<StoredDoc> {
  return { replaceOne: { filter: { _id: write.key, $or: [{ _position: { $lt: write.position } }, { _position: { $exists: false } }] }, replacement: body(write) } };
}

/** Inserts the documents in one operation; returns those that were not inserted (the key existed). */
async function insertNew(target: Collection<StoredDoc>, writes: readonly DocumentWrite[]): Promise<DocumentWrite[]> {
  if (writes.length === 0) return [];
  try {
    await target.insertMany(
      writes.map((write) => ({ _id: write.key, ...body(write) })),
      { ordered: false },
    );
    return [];
  } catch (error) {
    // Only "these keys exist already" sends documents on to the guarded path. A write-concern
    // error means the inserts are applied but unconfirmed (a step-down may roll them back), and a
    // bulk error without write errors means the call itself failed: both fail the batch, so its
    // checkpoint stays where it was and the whole batch is written again.
    if (!(error instanceof MongoBulkWriteError) || writeConcernFailed(error)) throw error;
    const failed: WriteError[] = Array.isArray(error.writeErrors) ? (error.writeErrors as WriteError[]) : [error.writeErrors as WriteError];
    if (failed.length === 0 || failed.some((e) => e.code !== DUPLICATE_KEY)) throw error;
    // Unless every document is accounted for, trust none: the guarded path repeats harmlessly.
    if (error.insertedCount + failed.length !== writes.length) return [...writes];
    return failed.map((e) => writes[e.index]!);
  }
}

/**
 * Two unordered, error-free passes instead of one guarded upsert that answers "a newer version
 * exists" with a duplicate-key error: FerretDB 1.24 stops an unordered bulk write of updates at
 * its first error (measured), which would silently skip the writes after it. The first pass
 * inserts absent documents, the second replaces versions older than the write; either repeated
 * changes nothing. Writes whose document is known to exist skip the first pass.
 */
async function guarded(target: Collection<StoredDoc>, writes: readonly DocumentWrite[], exist: ReadonlySet<DocumentWrite>): Promise<void> {
  for (let i = 0; i < writes.length; i += BULK_SIZE) {
    const chunk = writes.slice(i, i + BULK_SIZE);
    const maybeAbsent = chunk.filter((write) => !exist.has(write));
    if (maybeAbsent.length > 0) await target.bulkWrite(maybeAbsent.map(insertIfAbsent), { ordered: false });
    await target.bulkWrite(chunk.map(replaceIfOlder), { ordered: false });
  }
}

/** Writes one collection's share of a batch (already collapsed to one write per document). */
export async function writeCollection(target: Collection<StoredDoc>, writes: readonly DocumentWrite[]): Promise<void> {
  const fresh = writes.filter((write) => write.expectNew === true && write.doc !== null);
  const rest = writes.filter((write) => !(write.expectNew === true && write.doc !== null));
  const existing = await insertNew(target, fresh);
  const known = new Set([...existing, ...rest.filter((write) => write.expectNew === false)]);
  await guarded(target, [...rest, ...existing], known);
}
