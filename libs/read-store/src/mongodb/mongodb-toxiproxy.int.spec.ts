// Goal: the MongoDB read store on a bad network keeps the one promise the projector builds on: a
// checkpoint never moves past a write that did not land. Through latency and sliced packets a
// batch lands whole; a connection reset in the middle of a batch, or a server that stops
// answering, fails the batch (within the configured timeouts, not never) and leaves the checkpoint
// where it was; and once the network heals the same batch applied again ends exactly as if
// nothing had happened.
// Method: the real adapter -> a real Toxiproxy -> FerretDB (MONGODB_TEST_URL), each test in a
// database of its own; what landed is read by a second store connected to FerretDB directly,
// past the fault. The upstream is slowed for the reset so that it lands while the batch's writes
// are on the wire; the assertions hold wherever it lands.
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { encodePosition } from '@ledger/event-store';
import type { Position } from '@ledger/event-store';
import { describeWithToxiproxy, FaultyNetwork } from '@ledger/testing';
import type { FaultyLink } from '@ledger/testing';
import { ReadStoreTransientError } from '../read-store.errors.js';
import type { ApplyBatch, DocumentWrite, ReadDocument } from '../read-store.port.js';
import { MongoReadStore } from './mongodb-read-store.adapter.js';

const mongoUrl = process.env.MONGODB_TEST_URL;
/** Short bounds, so a silent server costs seconds here (production: DEFAULT_MONGO_TIMEOUTS). */
const TIMEOUTS = { operationMs: 2_000, socketMs: 3_000, serverSelectionMs: 2_000 };
const PROJECTION = 'balances';
const COLLECTION = 'balances_v1';

const pos = (n: number): Position => encodePosition(BigInt(n));

/** `count` new documents written by events 1..count, and the checkpoint after the last. */
function batchOf(count: number, from = 1, amountMinor = 100): ApplyBatch {
  const writes: DocumentWrite[] = Array.from({ length: count }, (_, i) => ({
    collection: COLLECTION,
    key: `booking-${String(from + i).padStart(6, '0')}`,
    doc: { tenant: 'sparkle', amountMinor, note: 'A deep clean of three bedrooms, paid by card on file.' },
    position: pos(from + i),
    expectNew: true,
  }));
  return { writes, checkpoint: pos(from + count - 1) };
}

describeWithToxiproxy('MongoReadStore behind Toxiproxy (FerretDB)', () => {
  let network: FaultyNetwork;
  let link: FaultyLink;
  let database: string;
  let store: MongoReadStore;
  let direct: MongoReadStore;

  beforeAll(async () => {
    if (!mongoUrl) throw new Error('MONGODB_TEST_URL not set; run `bash scripts/test-services.sh start`');
    network = await FaultyNetwork.connect();
  });
  beforeEach(async () => {
    const server = new URL(mongoUrl!);
    link = await network.proxy('mongodb', server.host);
    database = `toxi_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
    // Heartbeats every 500 ms, so the driver notices a lost server soon.
    const url = `mongodb://${link.address}/${database}?directConnection=true&heartbeatFrequencyMS=500`;
    store = new MongoReadStore({ url, database, timeouts: TIMEOUTS });
    direct = new MongoReadStore({ url: mongoUrl!, database });
  });
  afterEach(async () => {
    await network.removeAll();
    await store.close().catch(() => undefined);
    await direct.close();
    const admin = new MongoClient(mongoUrl!);
    await admin.db(database).dropDatabase();
    await admin.close();
  });

  async function landed(): Promise<Map<string, ReadDocument>> {
    const keys = Array.from({ length: 1_500 }, (_, i) => `booking-${String(i + 1).padStart(6, '0')}`);
    return direct.getMany(COLLECTION, keys);
  }

  /** The invariant: a checkpoint at or past an event means that event's write is stored. */
  async function expectNoCheckpointPastALostWrite(batch: ApplyBatch): Promise<void> {
    const checkpoint = await direct.checkpoint(PROJECTION);
    const stored = await landed();
    const lost = batch.writes.filter((write) => !stored.has(write.key));
    if (lost.length > 0) expect(checkpoint === undefined || checkpoint < lost[0]!.position).toBe(true);
  }

  it('lands a batch whole through latency and sliced packets', async () => {
    await link.latency(200);
    await link.slicer({ averageBytes: 48, variationBytes: 16, delayUs: 10, direction: 'upstream' });
    const batch = batchOf(300);
    await store.apply(PROJECTION, batch);
    expect(await direct.checkpoint(PROJECTION)).toBe(batch.checkpoint);
    expect((await landed()).size).toBe(300);
    expect(await store.get(COLLECTION, 'booking-000300')).toMatchObject({ amountMinor: 100 });
  });

  it('never moves the checkpoint past a write lost to a reset, wherever in the batch it lands, and the retried batch lands whole', async () => {
    // Every answer is 200 ms late, so a batch takes several hundred ms; a reset added at each of
    // these offsets cuts a different answer of it (or the next batch's first, past its end).
    await store.apply(PROJECTION, batchOf(1));
    let from = 2;
    for (const offsetMs of [0, 200, 450, 750]) {
      const batch = batchOf(120, from);
      from += 120;
      await link.latency(200);
      const applying = store.apply(PROJECTION, batch).then(
        () => undefined,
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, offsetMs));
      await link.resetPeer();
      const failure = await applying;
      // A batch the reset cut is a transient failure: the projector retries it, it does not stop.
      if (failure !== undefined) expect([offsetMs, failure]).toEqual([offsetMs, expect.any(ReadStoreTransientError)]);
      await expectNoCheckpointPastALostWrite(batch);
      await link.heal();
      await store.apply(PROJECTION, batch);
      expect(await direct.checkpoint(PROJECTION)).toBe(batch.checkpoint);
      expect((await landed()).size).toBe(from - 1);
    }
  });

  // Was a defect (issue 10): the driver's connect-on-first-use (mongodb 7.9 autoConnect) closes
  // the client's topology when that first connection is cut, but keeps it, so every later
  // operation threw MongoTopologyClosedError for the life of the process. The adapter now
  // connects the client itself and tries again after a failed first connection.
  it('recovers once the network heals when its very first contact with the server was cut', async () => {
    const reset = await link.resetPeer();
    await store.apply(PROJECTION, batchOf(5)).catch(() => undefined);
    await reset.remove();
    await store.apply(PROJECTION, batchOf(5));
    expect(await direct.checkpoint(PROJECTION)).toBe(pos(5));
  });

  it('fails a batch on a server that stops answering within its timeouts, keeps the checkpoint, and goes on once it answers again', async () => {
    await store.apply(PROJECTION, batchOf(5));
    await link.stall();
    const started = Date.now();
    const stalled = batchOf(50, 6);
    await expect(store.apply(PROJECTION, stalled)).rejects.toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(TIMEOUTS.socketMs + TIMEOUTS.serverSelectionMs + 3_000);
    expect(await direct.checkpoint(PROJECTION)).toBe(pos(5));
    await expectNoCheckpointPastALostWrite(stalled);

    await link.heal();
    await store.apply(PROJECTION, stalled);
    await store.apply(PROJECTION, batchOf(10, 56, 200));
    expect(await direct.checkpoint(PROJECTION)).toBe(pos(65));
    expect((await landed()).size).toBe(65);
    expect(await store.get(COLLECTION, 'booking-000065')).toMatchObject({ amountMinor: 200 });
  });
});
