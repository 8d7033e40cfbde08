// Goal: the MongoDB adapter under the faults no network proxy can produce. A write a majority did
// not confirm (a write-concern error, e.g. a primary stepping down while waiting for majority)
// fails its batch and leaves the checkpoint where it was, so the batch is written again instead
// of being lost for good when the unconfirmed write is rolled back; a server that never answers
// costs a bounded wait; every operation carries its server-side bound; leases go by the server's
// clock. Method: the real adapter and driver -> a wire proxy that rewrites the server's replies
// (MongoWireFaults) -> FerretDB (MONGODB_TEST_URL), one database per test; what landed is read
// past the proxy. A rollback after a step-down is played by deleting the unconfirmed documents.
import { randomUUID } from 'node:crypto';
import { MongoClient, type Document } from 'mongodb';
import { encodePosition, type Position } from '@ledger/event-store';
import { ReadStoreTransientError } from '../read-store.errors.js';
import type { ApplyBatch, DocumentWrite } from '../read-store.port.js';
import { MongoWireFaults } from '../testing/mongo-wire-faults.js';
import { MongoReadStore } from './mongodb-read-store.adapter.js';

const mongoUrl = process.env.MONGODB_TEST_URL;
const TIMEOUTS = { operationMs: 1_000, socketMs: 1_500, serverSelectionMs: 1_500 };
const PROJECTION = 'balances@v1';
const COLLECTION = 'balances_v1';
const pos = (n: number): Position => encodePosition(BigInt(n));

/** Documents `from`..`from + count - 1`, each written by the event of the same position; without a hint, the guarded path. */
function batchOf(from: number, count: number, expectNew: boolean | undefined = true): ApplyBatch {
  const writes: DocumentWrite[] = Array.from({ length: count }, (_, i) => ({
    collection: COLLECTION,
    key: `b${from + i}`,
    doc: { amountMinor: 100 * (from + i), tags: [] },
    position: pos(from + i),
    ...(expectNew === undefined ? {} : { expectNew }),
  }));
  return { writes, checkpoint: pos(from + count - 1) };
}

const transient = (reason: ReadStoreTransientError['reason']): unknown => expect.objectContaining({ code: 'READ_STORE_TRANSIENT', reason });

(mongoUrl ? describe : describe.skip)('MongoReadStore under driver-level faults (FerretDB)', () => {
  let proxy: MongoWireFaults;
  let database: string;
  let store: MongoReadStore;
  let admin: MongoClient;

  beforeAll(async () => {
    proxy = await MongoWireFaults.start(new URL(mongoUrl!).host);
    admin = new MongoClient(mongoUrl!);
  });
  afterAll(async () => {
    await proxy.close();
    await admin.close();
  });
  beforeEach(() => {
    database = `faults_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
    store = new MongoReadStore({ url: proxy.url(database), database, timeouts: TIMEOUTS });
  });
  afterEach(async () => {
    proxy.heal();
    await store.close();
    await admin.db(database).dropDatabase();
  });

  const stored = async (): Promise<string[]> => (await admin.db(database).collection<Document>(COLLECTION).find({}, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id)).sort();
  const checkpoint = async (): Promise<string | undefined> => (await admin.db(database).collection<Document>('_checkpoints').findOne({ _id: PROJECTION as never }))?.position as string | undefined;

  it('fails a batch whose inserts a majority did not confirm, so a rollback cannot lose them for good', async () => {
    await store.apply(PROJECTION, batchOf(1, 3));
    proxy.inject({ command: 'insert', collection: COLLECTION, times: 1, fault: { kind: 'writeConcernError' } });
    await expect(store.apply(PROJECTION, batchOf(4, 3))).rejects.toEqual(transient('WRITE_CONCERN'));
    expect(await checkpoint()).toBe(pos(3));
    // The primary steps down and its unconfirmed inserts are rolled back.
    await admin.db(database).collection<Document>(COLLECTION).deleteMany({ _id: { $in: ['b4', 'b5', 'b6'] as never[] } });
    // The runner applies the same page again: everything lands, and only then the checkpoint moves.
    await store.apply(PROJECTION, batchOf(4, 3));
    expect(await stored()).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    expect(await checkpoint()).toBe(pos(6));
  });

  it.each([
    ['the guarded writes of documents that may exist', 'update', COLLECTION],
    ['the checkpoint', 'update', '_checkpoints'],
  ])('fails a batch when a majority does not confirm %s', async (_what, command, collection) => {
    await store.apply(PROJECTION, batchOf(1, 2));
    proxy.inject({ command, collection, times: 1, fault: { kind: 'writeConcernError', code: 189, codeName: 'PrimarySteppedDown', errmsg: 'primary stepped down' } });
    await expect(store.apply(PROJECTION, batchOf(1, 3, undefined))).rejects.toEqual(transient('WRITE_CONCERN'));
    await store.apply(PROJECTION, batchOf(1, 3, undefined));
    expect(await stored()).toEqual(['b1', 'b2', 'b3']);
    expect(await checkpoint()).toBe(pos(3));
  });

  it('ends a call the server never answers at the socket timeout, and the batch goes through later', async () => {
    await store.apply(PROJECTION, batchOf(1, 2));
    proxy.inject({ command: 'insert', collection: COLLECTION, times: 1, fault: { kind: 'stall' } });
    const started = Date.now();
    await expect(store.apply(PROJECTION, batchOf(3, 2))).rejects.toEqual(transient('TIMEOUT'));
    expect(Date.now() - started).toBeLessThan(TIMEOUTS.socketMs + 1_000);
    expect(await checkpoint()).toBe(pos(2));
    await store.apply(PROJECTION, batchOf(3, 2));
    expect(await checkpoint()).toBe(pos(4));
  });

  it('reports a connection cut after the server acted as transient, with the checkpoint behind', async () => {
    proxy.inject({ command: 'insert', collection: COLLECTION, times: 1, fault: { kind: 'reset' } });
    await expect(store.apply(PROJECTION, batchOf(1, 5))).rejects.toEqual(transient('CONNECTION'));
    expect(await checkpoint()).toBeUndefined();
    await store.apply(PROJECTION, batchOf(1, 5));
    expect(await stored()).toHaveLength(5);
  });

  it('bounds every write by a majority wtimeout and every read by maxTimeMS', async () => {
    await store.apply(PROJECTION, batchOf(1, 2));
    await store.apply(PROJECTION, batchOf(1, 3, undefined));
    await store.get(COLLECTION, 'b1');
    await store.find(COLLECTION, { orderBy: { field: 'amountMinor', direction: 'asc' }, first: 10 });
    await store.checkpoint(PROJECTION);
    await store.acquireLease({ lease: 'projection:balances', owner: 'a', ttlMs: 5_000 });
    const sent = (name: string) => proxy.commands.filter((body) => Object.keys(body)[0] === name && body.$db === database);
    for (const name of ['insert', 'update']) {
      expect(sent(name).length).toBeGreaterThan(0);
      for (const body of sent(name)) expect(body.writeConcern).toEqual({ w: 'majority', wtimeout: TIMEOUTS.operationMs });
    }
    for (const name of ['find']) {
      expect(sent(name).length).toBeGreaterThan(0);
      for (const body of sent(name)) expect(body.maxTimeMS).toBe(TIMEOUTS.operationMs);
    }
  });

  it("judges a lease by the server's clock, not the host's", async () => {
    const hourAhead = 3_600_000;
    proxy.inject({ command: 'hello', fault: { kind: 'clockOffset', ms: hourAhead } });
    const before = Date.now();
    const grant = await store.acquireLease({ lease: 'projection:balances', owner: 'a', ttlMs: 5_000 });
    expect(grant!.expiresAtMs).toBeGreaterThanOrEqual(before + hourAhead + 5_000);
    expect(grant!.expiresAtMs).toBeLessThan(Date.now() + hourAhead + 5_000 + 1_000);
    expect(await store.leaseHolder('projection:balances')).toMatchObject({ owner: 'a', expiresAtMs: grant!.expiresAtMs });
  });

  it('refuses a lease whose grant a majority did not confirm', async () => {
    proxy.inject({ command: 'insert', collection: '_lease_grants', fault: { kind: 'writeConcernError' } });
    await expect(store.acquireLease({ lease: 'projection:balances', owner: 'a', ttlMs: 5_000 })).rejects.toEqual(transient('WRITE_CONCERN'));
  });
});
