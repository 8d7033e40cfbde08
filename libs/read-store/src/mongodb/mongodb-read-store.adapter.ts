/**
 * The production read store on MongoDB. Documents are stored as `{ _id: key, ...doc, _position }`;
 * a delete leaves a tombstone `{ _id, _deleted: true, _position }` so a late older write cannot
 * resurrect the document, and reads filter tombstones out.
 *
 * Deliberately limited to what FerretDB 1.24 on SQLite (the Mongo-wire server the tests use)
 * supports: no multi-document transactions, no change streams, no $lookup/$facet, no partial or
 * TTL indexes. Only plain CRUD, unordered bulkWrite, createIndex and find with sort/limit. Without
 * transactions the checkpoint cannot be atomic with the writes, so it is advanced with $max after
 * all writes succeeded: a crash in between replays writes that the position guard then ignores.
 */
import { MongoClient, type AnyBulkWriteOperation, type Db } from 'mongodb';
import type { Position } from '@ledger/event-store';
import { encodeCursor } from '../cursor.js';
import { InvalidReadRequestError } from '../read-store.errors.js';
import { ReadStore, type ApplyBatch, type DocumentWrite, type FindQuery, type Page, type ReadDocument } from '../read-store.port.js';
import { assertBatch, assertCollection, assertField, assertProjection, assertQuery, collapseWrites } from '../validation.js';
import { buildFind, LIVE, toDocument, type StoredDoc } from './mongodb-find.js';

export interface MongoReadStoreOptions {
  readonly url: string;
  readonly database: string;
}

/** Starts with `_`, which collection names given to the port cannot, so it never collides. */
const CHECKPOINTS = '_checkpoints';
const BULK_SIZE = 1000;
const NAMESPACE_NOT_FOUND = 26;

interface CheckpointDoc {
  _id: string;
  position: string;
}

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

export class MongoReadStore extends ReadStore {
  private readonly client: MongoClient;
  private readonly db: Db;

  constructor(options: MongoReadStoreOptions) {
    super();
    this.client = new MongoClient(options.url, { writeConcern: { w: 'majority' } });
    this.db = this.client.db(options.database);
  }

  async apply(projection: string, batch: ApplyBatch): Promise<void> {
    assertBatch(projection, batch);
    const byCollection = new Map<string, DocumentWrite[]>();
    for (const write of collapseWrites(batch.writes)) {
      const list = byCollection.get(write.collection) ?? [];
      list.push(write);
      byCollection.set(write.collection, list);
    }
    for (const [collection, writes] of byCollection) {
      for (let i = 0; i < writes.length; i += BULK_SIZE) await this.writeChunk(collection, writes.slice(i, i + BULK_SIZE));
    }
    await this.db.collection<CheckpointDoc>(CHECKPOINTS).updateOne({ _id: projection }, { $max: { position: batch.checkpoint } }, { upsert: true });
  }

  /**
   * Two unordered, error-free passes instead of one guarded upsert that answers "a newer version
   * exists" with a duplicate-key error: FerretDB 1.24 stops an unordered bulk write at its first
   * error (measured), which would silently skip the writes after it. The first pass inserts absent
   * documents (an _id-only upsert filter, which MongoDB also retries itself when two writers race),
   * the second replaces versions older than the write. Either pass repeated changes nothing.
   */
  private async writeChunk(collection: string, writes: DocumentWrite[]): Promise<void> {
    const target = this.db.collection<StoredDoc>(collection);
    await target.bulkWrite(writes.map(insertIfAbsent), { ordered: false });
    await target.bulkWrite(writes.map(replaceIfOlder), { ordered: false });
  }

  async checkpoint(projection: string): Promise<Position | undefined> {
    assertProjection(projection);
    const found = await this.db.collection<CheckpointDoc>(CHECKPOINTS).findOne({ _id: projection });
    return found?.position as Position | undefined;
  }

  async get<D = ReadDocument>(collection: string, key: string): Promise<D | undefined> {
    return (await this.getMany<D>(collection, [key])).get(key);
  }

  async getMany<D = ReadDocument>(collection: string, keys: readonly string[]): Promise<Map<string, D>> {
    assertCollection(collection);
    const found = new Map<string, D>();
    if (keys.length === 0) return found;
    const docs = await this.db.collection<StoredDoc>(collection).find({ $and: [{ _id: { $in: [...keys] } }, LIVE] }).toArray();
    for (const doc of docs) found.set(String(doc._id), toDocument<D>(doc));
    return found;
  }

  async find<D = ReadDocument>(collection: string, query: FindQuery): Promise<Page<D>> {
    assertCollection(collection);
    assertQuery(query);
    const { filter, sort } = buildFind(query);
    const docs = await this.db.collection<StoredDoc>(collection).find(filter).sort(sort).limit(query.first + 1).toArray();
    const page = docs.slice(0, query.first);
    const last = page.at(-1);
    return {
      items: page.map((doc) => toDocument<D>(doc)),
      endCursor: last ? encodeCursor(query, last[query.orderBy.field], String(last._id)) : undefined,
      hasNextPage: docs.length > query.first,
    };
  }

  async ensureIndex(collection: string, fields: readonly string[]): Promise<void> {
    assertCollection(collection);
    if (fields.length === 0) throw new InvalidReadRequestError('INVALID_QUERY', 'An index needs at least one field');
    fields.forEach(assertField);
    const spec: Record<string, 1> = {};
    for (const field of fields) spec[field] = 1;
    spec._id = 1;
    await this.db.collection<StoredDoc>(collection).createIndex(spec, { name: `ix__${fields.join('__')}` });
  }

  async dropCollection(collection: string): Promise<void> {
    assertCollection(collection);
    try {
      await this.db.collection<StoredDoc>(collection).drop();
    } catch (error) {
      if ((error as { code?: unknown }).code !== NAMESPACE_NOT_FOUND) throw error;
    }
  }

  async listCollections(prefix = ''): Promise<string[]> {
    const infos = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return infos
      .map((info) => info.name)
      .filter((name) => /^[A-Za-z]/.test(name) && !name.startsWith('system.') && name.startsWith(prefix))
      .sort();
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
