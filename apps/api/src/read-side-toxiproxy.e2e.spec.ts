// Goal: the API's read side on MongoDB (MONGODB_URL) through a bad network. While MongoDB is slow
// the read models keep up; while it stops answering, or connections are reset in the middle of
// the projector's writes, /health/ready says so for as long as it lasts; once the network heals
// the projector goes on by itself, with no restart, and every read model ends equal to a rebuild
// from the log. Equal to a rebuild after resuming from the stored checkpoints is what shows that
// no checkpoint moved past a write that was lost. A mutation made while MongoDB stops answering
// is recorded and answers RESULT_PENDING (not NOT_FOUND, which would deny what it just did); the
// same request repeated once healed answers with the one booking it made.
// Method: the API in-process over real HTTP on its embedded SQLite event store, with MONGODB_URL
// pointing at a real Toxiproxy in front of FerretDB (a database of its own). Bookings are made
// through the command bus while the fault lasts; readiness is polled over HTTP; the comparison
// rebuilds every projection into a scratch SQLite store (compareWithRebuild).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { CommandBus } from '@nestjs/cqrs';
import { compareWithRebuild, CreateBookingCommand, ProjectorHost } from '@ledger/application';
import { EventStore } from '@ledger/event-store';
import { allProjections } from '@ledger/projections';
import { ReadStore, SqliteReadStore } from '@ledger/read-store';
import { describeWithToxiproxy, FaultyNetwork } from '@ledger/testing';
import { codesOf, graphql, keyFor } from './testing/graphql-client.js';
import type { FaultyLink } from '@ledger/testing';
import { readModels, seedCustomer } from './pages/testing/customer-pages.fixture.js';
import type { SeededCustomer } from './pages/testing/customer-pages.fixture.js';
import { startTestApi } from './testing/test-api.js';
import type { TestApi } from './testing/test-api.js';

const mongoUrl = process.env.MONGODB_TEST_URL;

describeWithToxiproxy('the read side on MongoDB when the network fails (Toxiproxy)', () => {
  let network: FaultyNetwork;
  let link: FaultyLink;
  let database: string;
  let api: TestApi;
  let seeded: SeededCustomer;
  let made = 0;

  beforeAll(async () => {
    if (!mongoUrl) throw new Error('MONGODB_TEST_URL not set; run `bash scripts/test-services.sh start`');
    network = await FaultyNetwork.connect();
  });
  // A fresh API and database per test, so one fault's damage cannot pass for another's.
  beforeEach(async () => {
    link = await network.proxy('mongodb_read_side', new URL(mongoUrl!).host);
    database = `toxi_api_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;
    // The adapter's own timeouts apply (DEFAULT_MONGO_TIMEOUTS); heartbeats every 500 ms notice a lost server soon.
    api = await startTestApi({ MONGODB_URL: `mongodb://${link.address}/${database}?directConnection=true&heartbeatFrequencyMS=500` });
    seeded = await seedCustomer(api.app, 'sparkle');
    await readModels(api.app);
  });
  afterEach(async () => {
    await link?.heal();
    await api?.close();
    await network.removeAll();
    const admin = new MongoClient(mongoUrl!);
    await admin.db(database).dropDatabase();
    await admin.close();
  });

  /** Makes bookings through the command bus, which writes the log only; projecting is the host's job. */
  async function book(count: number): Promise<void> {
    const bus = api.app.get(CommandBus);
    for (let i = 0; i < count; i++) {
      const n = ++made;
      const data = { customerId: seeded.customerId, description: `Windows ${n}`, amountMinor: 1_000 + n, currency: 'CAD', serviceDate: '2026-12-01', source: 'PHONE' as const, idempotencyKey: `toxi-booking-${n}` };
      await bus.execute(new CreateBookingCommand(seeded.caller, data));
    }
  }

  async function ready(): Promise<{ status: number; checks: Record<string, string> }> {
    const response = await fetch(`${api.url}/health/ready`);
    const body = (await response.json()) as { checks: Record<string, string> };
    return { status: response.status, checks: body.checks };
  }

  async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs} ms; projector: ${JSON.stringify(api.app.get(ProjectorHost).status())}`);
      await sleep(250);
    }
  }

  /** Once healed: ready again by itself, every projection running, and the read models equal to a rebuild. */
  async function expectRecovered(): Promise<void> {
    // A retry can find nothing left to apply (a reset that lost only the answer to a batch that
    // landed); readiness must still come back, not keep reporting the old failure.
    await until('/health/ready answering 200', async () => (await ready()).status === 200, 45_000);
    await readModels(api.app);
    const host = api.app.get(ProjectorHost);
    // Ready must mean it: no projection may have stopped behind a 200, e.g. one that lost its
    // lease during a stall longer than the lease and then met a transient error.
    expect(host.status().filter((projection) => projection.state === 'failed')).toEqual([]);
    // Leases that lapsed during the outage are taken back within a third of their ttl.
    await until('every projection running again', () => Promise.resolve(host.status().every((projection) => projection.state === 'running')), 15_000);
    const dir = mkdtempSync(join(tmpdir(), 'ledger-rebuild-'));
    const scratch = new SqliteReadStore({ file: join(dir, 'rebuild.db') });
    try {
      const differences = await compareWithRebuild(api.app.get(EventStore), api.app.get(ReadStore), scratch, allProjections, (projection, collection) => host.collectionFor(projection.name, collection));
      expect(differences).toEqual([]);
    } finally {
      await scratch.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('keeps the read models up to date through latency, and stays ready', async () => {
    await link.latency(150, { jitterMs: 50 });
    await book(3);
    await readModels(api.app);
    expect((await ready()).status).toBe(200);
    await link.heal();
    await expectRecovered();
  });

  it('says it is not ready while MongoDB stops answering, and goes on by itself once it answers again', async () => {
    await link.stall();
    // With nothing to project it finds out too: its lease renewals go unanswered.
    await until('/health/ready answering 503 while idle', async () => (await ready()).status === 503, 20_000);
    await book(3);
    // Not a blip: it keeps saying so for as long as the fault lasts.
    await sleep(1_500);
    const during = await ready();
    expect(during.status).toBe(503);
    expect(during.checks.readModels).toMatch(/^behind: /);
    await link.heal();
    await book(2);
    await expectRecovered();
  });

  it('survives connections reset in the middle of its writes, with no write lost behind a checkpoint', async () => {
    // Every answer is late, so batches are in flight when the resets come.
    await link.latency(100);
    const booking = book(12);
    for (let i = 0; i < 4; i++) {
      await sleep(300);
      const reset = await link.resetPeer();
      await sleep(200);
      await reset.remove();
    }
    await booking;
    await link.heal();
    await expectRecovered();
  });

  it('answers a mutation whose result is not yet readable with RESULT_PENDING, and its repeat with the one booking it made', async () => {
    const key = await keyFor(api, 'sparkle', 'ADMIN');
    const create = 'mutation($i: CreateBookingInput!) { createBooking(input: $i) { booking { id balance { amountMinor } } } }';
    const input = { i: { customerId: seeded.customerId, description: 'Oven', amountMinor: 4_200, currency: 'CAD', serviceDate: '2026-12-02', source: 'PHONE', idempotencyKey: 'pending-booking' } };
    await link.stall();
    const bookingsBefore = await api.app.get(EventStore).readAll({ filter: { eventTypes: ['BookingCreated'] } });
    const during = await graphql(api, key, create, input);
    expect(codesOf(during)).toEqual(['RESULT_PENDING']);
    expect(during.errors![0]!.extensions).toMatchObject({ details: { recorded: true, retryable: true, bookingId: expect.any(String) } });
    await link.heal();
    await until('/health/ready answering 200', async () => (await ready()).status === 200, 45_000);
    const repeated = await graphql(api, key, create, input);
    expect(repeated.errors).toBeUndefined();
    expect(repeated.data!.createBooking.booking.balance).toEqual({ amountMinor: 4_200 });
    expect((during.errors![0]!.extensions!.details as { bookingId: string }).bookingId).toBe(repeated.data!.createBooking.booking.id);
    const made = (await api.app.get(EventStore).readAll({ filter: { eventTypes: ['BookingCreated'] } })).slice(bookingsBefore.length);
    expect(made.map((event) => (event.data as { bookingId: string }).bookingId)).toEqual([repeated.data!.createBooking.booking.id]);
    await expectRecovered();
  });
});
