/**
 * The production read store on MongoDB. Documents are stored as `{ _id: key, ...doc, _position }`;
 * a delete leaves a tombstone `{ _id, _deleted: true, _position }` so a late older write cannot
 * resurrect the document, and reads filter tombstones out.
 *
 * The first operation asks the server what it is (mongodb-server.ts) and picks a path:
 * MongoDB 4.2+ writes guarded upserts concurrently, in one transaction with the checkpoint and
 * the lease check on a replica set (mongodb-batches.ts); FerretDB 1.24 (the tests' Mongo-wire
 * server) gets the workarounds its bugs need, one batch at a time. Leases are judged by the
 * server's clock and fence every batch with a token (mongodb-leases.ts on MongoDB,
 * mongodb-lease-grants.ts where updates are not atomic). Every operation is
 * bounded (mongodb-timeouts.ts), and the driver's failures reach callers as the port's typed
 * errors (mongodb-errors.ts): a write that was not confirmed by a majority fails its batch.
 */
import { MongoClient, type Db } from 'mongodb';
import type { Position } from '@ledger/event-store';
import { encodeCursor } from '../cursor.js';
import { InvalidReadRequestError, ReadStoreUnavailableError } from '../read-store.errors.js';
import {
  ReadStore,
  type ApplyBatch,
  type FindQuery,
  type LeaseFence,
  type LeaseGrant,
  type LeaseHolder,
  type LeaseRequest,
  type Page,
  type ReadDocument,
} from '../read-store.port.js';
import { assertBatch, assertCollection, assertFence, assertField, assertLeaseRequest, assertProjection, assertQuery } from '../validation.js';
import { applyBatch, CHECKPOINTS, type BatchTarget, type CheckpointDoc } from './mongodb-batches.js';
import { mapped } from './mongodb-errors.js';
import { buildFind, LIVE, toDocument, type StoredDoc } from './mongodb-find.js';
import { GrantLeases } from './mongodb-lease-grants.js';
import { PipelineLeases, type Leases } from './mongodb-leases.js';
import { detectServer, type ServerProfile } from './mongodb-server.js';
import { clientOptions, timeoutsOf, type MongoTimeouts } from './mongodb-timeouts.js';

export interface MongoReadStoreOptions {
  readonly url: string;
  readonly database: string;
  /** Bounds on every operation; DEFAULT_MONGO_TIMEOUTS where not given. The socket's must exceed the operation's. */
  readonly timeouts?: Partial<MongoTimeouts>;
}

const NAMESPACE_NOT_FOUND = 26;

export class MongoReadStore extends ReadStore {
  private readonly client: MongoClient;
  private readonly db: Db;
  /** The bounds every operation runs under (mongodb-timeouts.ts). */
  readonly timeouts: MongoTimeouts;
  private readonly leaseBooks: { readonly pipeline: Leases; readonly compatible: Leases };
  private profile: Promise<ServerProfile> | undefined;
  private connection: Promise<void> | undefined;
  private closed = false;
  /** FerretDB only: the batch being written; the next waits for it (see apply). */
  private writing: Promise<void> = Promise.resolve();

  constructor(options: MongoReadStoreOptions) {
    super();
    this.timeouts = timeoutsOf(options.timeouts);
    this.client = new MongoClient(options.url, clientOptions(this.timeouts));
    this.db = this.client.db(options.database);
    this.leaseBooks = { pipeline: new PipelineLeases(this.db, this.timeouts.operationMs), compatible: new GrantLeases(this.db, this.timeouts.operationMs) };
  }

  /** The server and the path it gets, asked once; a failed question is asked again next time. */
  describeServer(): Promise<ServerProfile> {
    this.profile ??= this.connected()
      .then(() => detectServer(this.db))
      .catch((error: unknown) => {
        this.profile = undefined;
        throw error;
      });
    return mapped(() => this.profile!);
  }

  /**
   * Connects the client, once it has succeeded. The driver's own connect-on-first-use keeps a
   * client whose first connection failed closed for good (every later call throws "Topology is
   * closed", though the server is back), so the store connects itself and, after a failure,
   * tries again on the next call; once connected, the driver's monitoring recovers from outages.
   */
  private connected(): Promise<void> {
    if (this.closed) return Promise.reject(new ReadStoreUnavailableError('The MongoDB read store is closed'));
    this.connection ??= this.client.connect().then(
      () => undefined,
      (error: unknown) => {
        this.connection = undefined;
        throw error;
      },
    );
    return this.connection;
  }

  /** Runs an operation on a connected client, its failures mapped to the port's errors. */
  private run<T>(operation: () => Promise<T>): Promise<T> {
    return mapped(async () => {
      await this.connected();
      return operation();
    });
  }

  /** The lease book the server's path uses (mongodb-leases.ts, mongodb-lease-grants.ts). */
  private async leases(): Promise<Leases> {
    return this.leaseBooks[(await this.describeServer()).writePath];
  }

  async apply(projection: string, batch: ApplyBatch): Promise<void> {
    assertBatch(projection, batch);
    const server = await this.describeServer();
    const target: BatchTarget = { client: this.client, db: this.db, leases: this.leaseBooks[server.writePath], timeouts: this.timeouts };
    const write = (): Promise<void> => this.run(() => applyBatch(target, server, projection, batch));
    if (server.kind !== 'ferretdb') return write();
    // One batch at a time per store: FerretDB 1.24 on SQLite was seen to lock a database under
    // concurrent bulk writes from several projections (every later operation on it waited until
    // the client's process was killed), and it runs one write at a time anyway.
    const applied = this.writing.then(write);
    this.writing = applied.catch(() => undefined);
    await applied;
  }

  async checkpoint(projection: string): Promise<Position | undefined> {
    assertProjection(projection);
    const found = await this.run(() => this.db.collection<CheckpointDoc>(CHECKPOINTS).findOne({ _id: projection }, { maxTimeMS: this.timeouts.operationMs }));
    return found?.position as Position | undefined;
  }

  async get<D = ReadDocument>(collection: string, key: string): Promise<D | undefined> {
    return (await this.getMany<D>(collection, [key])).get(key);
  }

  async getMany<D = ReadDocument>(collection: string, keys: readonly string[]): Promise<Map<string, D>> {
    assertCollection(collection);
    const found = new Map<string, D>();
    if (keys.length === 0) return found;
    const filter = { $and: [{ _id: { $in: [...keys] } }, LIVE] };
    const docs = await this.run(() => this.db.collection<StoredDoc>(collection).find(filter, { maxTimeMS: this.timeouts.operationMs }).toArray());
    for (const doc of docs) found.set(String(doc._id), toDocument<D>(doc));
    return found;
  }

  async find<D = ReadDocument>(collection: string, query: FindQuery): Promise<Page<D>> {
    assertCollection(collection);
    assertQuery(query);
    const { filter, sort } = buildFind(query);
    const cursor = this.db.collection<StoredDoc>(collection).find(filter, { maxTimeMS: this.timeouts.operationMs });
    const docs = await this.run(() =>
      cursor
        .sort(sort)
        .limit(query.first + 1)
        .toArray(),
    );
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
    await this.run(() => this.db.collection<StoredDoc>(collection).createIndex(spec, { name: `ix__${fields.join('__')}`, maxTimeMS: this.timeouts.operationMs }));
  }

  async dropCollection(collection: string): Promise<void> {
    assertCollection(collection);
    try {
      await this.run(() => this.db.collection<StoredDoc>(collection).drop());
    } catch (error) {
      if ((error as { code?: unknown }).code !== NAMESPACE_NOT_FOUND) throw error;
    }
  }

  async listCollections(prefix = ''): Promise<string[]> {
    const infos = await this.run(() => this.db.listCollections({}, { nameOnly: true, maxTimeMS: this.timeouts.operationMs }).toArray());
    return infos
      .map((info) => info.name)
      .filter((name) => /^[A-Za-z]/.test(name) && !name.startsWith('system.') && name.startsWith(prefix))
      .sort();
  }

  async acquireLease(request: LeaseRequest): Promise<LeaseGrant | undefined> {
    assertLeaseRequest(request);
    const leases = await this.leases();
    return this.run(() => leases.acquire(request));
  }

  async releaseLease(fence: LeaseFence): Promise<void> {
    assertFence(fence);
    const leases = await this.leases();
    await this.run(() => leases.release(fence));
  }

  async leaseHolder(lease: string): Promise<LeaseHolder | undefined> {
    const leases = await this.leases();
    return this.run(() => leases.holder(lease));
  }

  close(): Promise<void> {
    this.closed = true;
    return this.client.close();
  }
}
