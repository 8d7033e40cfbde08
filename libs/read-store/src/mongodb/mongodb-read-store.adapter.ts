/**
 * The production read store on MongoDB. Documents are stored as `{ _id: key, ...doc, _position }`;
 * a delete leaves a tombstone `{ _id, _deleted: true, _position }` so a late older write cannot
 * resurrect the document, and reads filter tombstones out.
 *
 * Deliberately limited to what FerretDB 1.24 on SQLite (the Mongo-wire server the tests use)
 * supports: no multi-document transactions, no change streams, no $lookup/$facet, no partial or
 * TTL indexes. Only plain CRUD, insertMany, unordered bulkWrite, findOneAndUpdate (leases, in
 * `_leases`), createIndex and find with sort/limit. Without
 * transactions the checkpoint cannot be atomic with the writes, so it is advanced with $max after
 * all writes succeeded: a crash in between replays writes that the position guard then ignores.
 */
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import type { Position } from '@ledger/event-store';
import { encodeCursor } from '../cursor.js';
import { InvalidReadRequestError, LeaseLostError } from '../read-store.errors.js';
import { ReadStore, type ApplyBatch, type DocumentWrite, type FindQuery, type LeaseFence, type LeaseHolder, type LeaseRequest, type Page, type ReadDocument } from '../read-store.port.js';
import { assertBatch, assertCollection, assertFence, assertField, assertLeaseRequest, assertProjection, assertQuery, collapseWrites } from '../validation.js';
import { buildFind, LIVE, toDocument, type StoredDoc } from './mongodb-find.js';
import { writeCollection } from './mongodb-writes.js';

export interface MongoReadStoreOptions {
  readonly url: string;
  readonly database: string;
  /** Milliseconds since the epoch; lease expiry is judged by it. Tests may pass their own. */
  readonly clock?: () => number;
}

/** Start with `_`, which collection names given to the port cannot, so they never collide. */
const CHECKPOINTS = '_checkpoints';
const LEASES = '_leases';
const NAMESPACE_NOT_FOUND = 26;
const DUPLICATE_KEY = 11000;

interface CheckpointDoc {
  _id: string;
  position: string;
}

interface LeaseDoc {
  _id: string;
  owner: string;
  expiresAtMs: number;
}

export class MongoReadStore extends ReadStore {
  private readonly client: MongoClient;
  private readonly db: Db;
  private readonly clock: () => number;
  /** The batch being written; the next waits for it (see apply). */
  private writing: Promise<void> = Promise.resolve();

  constructor(options: MongoReadStoreOptions) {
    super();
    this.client = new MongoClient(options.url, { writeConcern: { w: 'majority' } });
    this.db = this.client.db(options.database);
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Each collection is written in as few operations as possible (mongodb-writes.ts); the
   * checkpoint follows once all of them are acknowledged.
   */
  async apply(projection: string, batch: ApplyBatch): Promise<void> {
    assertBatch(projection, batch);
    // One batch at a time per store: FerretDB 1.24 on SQLite was seen to lock a database under
    // concurrent bulk writes from several projections (every later operation on it waited until
    // the client's process was killed), and it runs one write at a time anyway.
    const applied = this.writing.then(() => this.applyNow(projection, batch));
    this.writing = applied.catch(() => undefined);
    await applied;
  }

  private async applyNow(projection: string, batch: ApplyBatch): Promise<void> {
    if (batch.fence) await this.assertHeld(batch.fence);
    const byCollection = new Map<string, DocumentWrite[]>();
    for (const write of collapseWrites(batch.writes)) {
      const list = byCollection.get(write.collection) ?? [];
      list.push(write);
      byCollection.set(write.collection, list);
    }
    for (const [collection, writes] of byCollection) await writeCollection(this.db.collection<StoredDoc>(collection), writes);
    await this.db.collection<CheckpointDoc>(CHECKPOINTS).updateOne({ _id: projection }, { $max: { position: batch.checkpoint } }, { upsert: true });
  }

  /**
   * Without transactions the lease cannot be checked atomically with the writes, so it is checked
   * just before them; the holder renews well before expiry (ProjectorHost), which leaves a batch
   * most of a lease period to land. A batch that still lands late repeats what the new holder
   * writes anyway (same events, same documents), and the position guards keep either from going
   * backwards.
   */
  private async assertHeld(fence: LeaseFence): Promise<void> {
    const held = await this.db.collection<LeaseDoc>(LEASES).findOne({ _id: fence.lease, owner: fence.owner, expiresAtMs: { $gt: this.clock() } });
    if (!held) throw new LeaseLostError(fence.lease, fence.owner);
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

  /**
   * One findOneAndUpdate: it matches only a lease that is ours or expired, and upserts when there
   * is none; when another owner holds it, the upsert collides with the existing `_id` and fails
   * with a duplicate-key error, which means "refused". Works without transactions (FerretDB).
   */
  async acquireLease(request: LeaseRequest): Promise<boolean> {
    assertLeaseRequest(request);
    const now = this.clock();
    try {
      const after = await this.db.collection<LeaseDoc>(LEASES).findOneAndUpdate(
        { _id: request.lease, $or: [{ owner: request.owner }, { expiresAtMs: { $lte: now } }] },
        { $set: { owner: request.owner, expiresAtMs: now + request.ttlMs } },
        { upsert: true, returnDocument: 'after' },
      );
      return after?.owner === request.owner;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  async releaseLease(fence: LeaseFence): Promise<void> {
    assertFence(fence);
    await this.db.collection<LeaseDoc>(LEASES).deleteOne({ _id: fence.lease, owner: fence.owner });
  }

  async leaseHolder(lease: string): Promise<LeaseHolder | undefined> {
    const found = await this.db.collection<LeaseDoc>(LEASES).findOne({ _id: lease });
    return found ? { owner: found.owner, expiresAtMs: found.expiresAtMs } : undefined;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
