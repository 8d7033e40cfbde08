// Goal: a projector on MongoDB rides out the read store's transient faults instead of stopping
// for good or losing writes: a write a majority did not confirm, or a server that stops
// answering, shows the projection as `retrying` (with the error) and ends, once the server
// answers again, with read models equal to a rebuild and the checkpoint at the head. Method: a
// ProjectorHost on a SQLite log and the real MongoDB adapter, whose server replies pass through a
// wire proxy that rewrites them (MongoWireFaults) on their way from FerretDB (MONGODB_TEST_URL);
// a write lost to a rollback after a step-down is one the proxy reports applied but unconfirmed
// and never passes on.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { SqliteEventStore } from '@ledger/event-store';
import { alreadyApplied, type Projection } from '@ledger/projections';
import { MongoReadStore } from '@ledger/read-store';
import { MongoWireFaults, type WireRule } from '../../../read-store/src/testing/mongo-wire-faults.js';
import { ProjectionRunner, checkpointName } from './projection-runner.js';
import { ProjectorHost, type ProjectionState } from './projector-host.js';

const mongoUrl = process.env.MONGODB_TEST_URL;
const TIMEOUTS = { operationMs: 1_000, socketMs: 1_500, serverSelectionMs: 1_500 };

const counts: Projection = {
  name: 'counts',
  version: 1,
  collections: ['per_tenant'],
  eventTypes: ['Paid'],
  refs: (event) => [{ collection: 'per_tenant', key: event.tenant }],
  evolve: (docs, event) => {
    const doc = docs.get('per_tenant', event.tenant);
    if (alreadyApplied(doc, event)) return [];
    return [{ collection: 'per_tenant', key: event.tenant, doc: { count: ((doc?.count as number | undefined) ?? 0) + 1, position: event.position } }];
  },
};

(mongoUrl ? describe : describe.skip)('ProjectorHost on MongoDB under read-store faults', () => {
  let dir: string;
  let events: SqliteEventStore;
  let proxy: MongoWireFaults;
  let admin: MongoClient;
  const databases: string[] = [];
  const stores: MongoReadStore[] = [];
  const hosts: ProjectorHost[] = [];

  const storeIn = (database: string, url: string): MongoReadStore => {
    databases.push(database);
    const store = new MongoReadStore({ url, database, timeouts: TIMEOUTS });
    stores.push(store);
    return store;
  };
  const pay = (tenant: string) => ({ id: randomUUID(), type: 'Paid', data: {}, metadata: { tenant } });
  const append = (stream: string, tenants: string[]) => events.appendToStream(stream, tenants.map(pay), { expectedRevision: 'no_stream' });

  beforeAll(async () => {
    proxy = await MongoWireFaults.start(new URL(mongoUrl!).host);
    admin = new MongoClient(mongoUrl!);
  });
  afterAll(async () => {
    await proxy.close();
    await admin.close();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-mongo-faults-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    await append('booking-a', ['acme', 'sparkle', 'acme', 'acme', 'sparkle']);
  });
  afterEach(async () => {
    proxy.heal();
    await Promise.all(hosts.splice(0).map((host) => host.stop()));
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(databases.splice(0).map((database) => admin.db(database).dropDatabase()));
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a host through the proxy with `rules` in force, and records every state it shows. */
  async function hostUnder(rules: WireRule[]): Promise<{ host: ProjectorHost; reads: MongoReadStore; seen: Set<ProjectionState> }> {
    const database = `pm_faults_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;
    const reads = storeIn(database, proxy.url(database));
    const faultsBefore = proxy.applied;
    for (const rule of rules) proxy.inject(rule);
    const host = new ProjectorHost(events, reads, [counts], { pollMs: 20, lease: { ttlMs: 30_000 }, retry: { initialMs: 100, maxMs: 400 } });
    hosts.push(host);
    const seen = new Set<ProjectionState>();
    const watch = setInterval(() => host.status().forEach((status) => seen.add(status.state)), 5);
    await host.start();
    const faults = rules.reduce((sum, rule) => sum + (rule.times ?? 1), 0);
    await until(() => proxy.applied - faultsBefore >= faults && host.status()[0]!.state === 'running' && host.status()[0]!.retries === 0);
    clearInterval(watch);
    seen.add(host.status()[0]!.state);
    return { host, reads, seen };
  }

  /** The read models a fresh runner builds from the whole log, straight into FerretDB. */
  async function rebuilt(): Promise<unknown[]> {
    const reads = storeIn(`pm_rebuilt_${randomUUID().slice(0, 8)}`, mongoUrl!);
    await new ProjectionRunner(events, reads, counts).catchUp();
    return (await reads.find('per_tenant_v1', { orderBy: { field: 'count', direction: 'asc' }, first: 10 })).items;
  }

  it('writes again what a majority did not confirm and a rollback lost, and ends equal to a rebuild', async () => {
    const { host, reads, seen } = await hostUnder([
      // The primary reports the documents applied but unconfirmed, then steps down and loses them.
      { command: 'insert', collection: 'per_tenant_v1', times: 1, fault: { kind: 'lostWrite' } },
      // Then the checkpoint of the batch written again is applied but not confirmed in time.
      { command: 'update', collection: '_checkpoints', times: 1, fault: { kind: 'writeConcernError' } },
    ]);
    expect(seen).toContain('retrying');
    expect(seen).not.toContain('failed');
    await append('booking-b', ['acme', 'globex']);
    await host.caughtUpTo((await events.headPosition())!);
    expect(await reads.checkpoint(checkpointName(counts))).toBe(await events.headPosition());
    expect((await reads.find('per_tenant_v1', { orderBy: { field: 'count', direction: 'asc' }, first: 10 })).items).toEqual(await rebuilt());
  });

  it('retries after a server that stopped answering, within the configured timeouts', async () => {
    const { host, reads, seen } = await hostUnder([{ command: 'insert', collection: 'per_tenant_v1', times: 1, fault: { kind: 'stall' } }]);
    expect(seen).toContain('retrying');
    expect(host.status()[0]).toMatchObject({ state: 'running', failure: undefined });
    expect(await reads.get('per_tenant_v1', 'acme')).toMatchObject({ count: 3 });
  });
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
