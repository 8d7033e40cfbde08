// Rebuilding without downtime on real SQLite stores: while the new generation is projected, a
// running projector host still serves the old one; afterwards the registry names the new one,
// its documents hash the same as a fresh build from zero, the old collections are gone, and the
// host follows the new generation without a restart.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteEventStore } from '@ledger/event-store';
import { alreadyApplied } from '@ledger/projections';
import type { Projection } from '@ledger/projections';
import { ReadStore, SqliteReadStore } from '@ledger/read-store';
import { ProjectionRunner, versionedCollection } from './projection-runner.js';
import { ProjectorHost } from './projector-host.js';
import { activeGeneration, readRegistry } from './projection-registry.js';
import { rebuildProjection } from './rebuild.js';

const totals: Projection = {
  name: 'totals',
  version: 1,
  collections: ['per_booking', 'per_tenant'],
  eventTypes: ['Paid'],
  refs: (event) => [
    { collection: 'per_booking', key: (event.data as { bookingId: string }).bookingId },
    { collection: 'per_tenant', key: event.tenant },
  ],
  evolve: (docs, event) => {
    const { bookingId, amountMinor } = event.data as { bookingId: string; amountMinor: number };
    const changes = [];
    for (const [collection, key] of [['per_booking', bookingId], ['per_tenant', event.tenant]] as const) {
      const doc = docs.get(collection, key);
      if (alreadyApplied(doc, event)) continue;
      const paidMinor = ((doc?.paidMinor as number | undefined) ?? 0) + amountMinor;
      changes.push({ collection, key, doc: { tenant: event.tenant, paidMinor, count: ((doc?.count as number | undefined) ?? 0) + 1, position: event.position } });
    }
    return changes;
  },
};

async function hashOf(reads: ReadStore, generation: string): Promise<string> {
  const hash = createHash('sha256');
  for (const collection of totals.collections) {
    const page = await reads.find(versionedCollection(totals, collection, generation), { orderBy: { field: 'paidMinor', direction: 'asc' }, first: 1000 });
    hash.update(JSON.stringify(page.items));
  }
  return hash.digest('hex');
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('rebuildProjection', () => {
  let dir: string;
  let events: SqliteEventStore;
  let reads: SqliteReadStore;
  const pay = (bookingId: string, amountMinor: number, tenant: string) => ({ id: randomUUID(), type: 'Paid', data: { bookingId, amountMinor }, metadata: { tenant } });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-rebuild-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    reads = new SqliteReadStore({ file: join(dir, 'reads.db') });
    for (let b = 0; b < 20; b++) {
      await events.appendToStream(`booking-b${b}`, Array.from({ length: 10 }, (_, i) => pay(`b${b}`, 100 + i, b % 2 ? 'acme' : 'sparkle')), { expectedRevision: 'no_stream' });
    }
  });
  afterEach(async () => {
    await Promise.all([events.close(), reads.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds a new generation beside the serving one, switches to it and drops the old one', async () => {
    const host = new ProjectorHost(events, reads, [totals], 20);
    await host.start();
    expect(host.collectionFor('totals', 'per_booking')).toBe('per_booking_v1');
    const served: unknown[] = [];
    let appended = false;
    const result = await rebuildProjection(events, reads, totals, {
      pageSize: 25,
      onProgress: async () => {
        // Mid-rebuild the old generation answers, and new events still arrive.
        served.push(await reads.get(host.collectionFor('totals', 'per_booking'), 'b3'));
        if (!appended) {
          appended = true;
          await events.appendToStream('booking-b3', [pay('b3', 7, 'acme')], { expectedRevision: 9 });
        }
      },
    });
    expect(result).toMatchObject({ projection: 'totals', from: 'v1', to: 'v1_r1', applied: 201 });
    expect(served.length).toBeGreaterThan(3);
    expect(served.every((doc) => (doc as { count: number } | undefined)?.count !== undefined)).toBe(true);

    expect(await activeGeneration(reads, totals)).toBe('v1_r1');
    expect(await readRegistry(reads, 'totals')).toMatchObject({ name: 'totals', active: 'v1_r1', revision: 2, position: result.position });
    const fresh = new SqliteReadStore({ file: join(dir, 'fresh.db') });
    await new ProjectionRunner(events, fresh, totals).catchUp();
    expect(await hashOf(reads, 'v1_r1')).toBe(await hashOf(fresh, 'v1'));
    await fresh.close();

    await until(() => host.collectionFor('totals', 'per_booking') === 'per_booking_v1_r1');
    await events.appendToStream('booking-b3', [pay('b3', 1, 'acme')], { expectedRevision: 10 });
    await host.caughtUpTo((await events.headPosition())!);
    expect(await reads.get('per_booking_v1_r1', 'b3')).toMatchObject({ count: 12 });
    await host.stop();
    expect(await reads.listCollections('per_')).toEqual(['per_booking_v1_r1', 'per_tenant_v1_r1']);
  });

  it('rebuilds again at an unchanged head, and a host started later serves the newest generation', async () => {
    await new ProjectionRunner(events, reads, totals).catchUp();
    await rebuildProjection(events, reads, totals);
    const second = await rebuildProjection(events, reads, totals);
    expect(second).toMatchObject({ from: 'v1_r1', to: 'v1_r3', applied: 200 });
    const host = new ProjectorHost(events, reads, [totals]);
    await host.start();
    expect(host.collectionFor('totals', 'per_tenant')).toBe('per_tenant_v1_r3');
    expect(await reads.get('per_tenant_v1_r3', 'acme')).toMatchObject({ count: 100 });
    await host.stop();
    expect(await reads.listCollections('per_')).toEqual(['per_booking_v1_r3', 'per_tenant_v1_r3']);
  });
});
