// The projection runner on real stores (SQLite event store, SQLite read store): it catches up
// from its checkpoint, applies a page as one guarded batch, and after a crash between pages (the
// read store failing mid-run) a restart ends with read models identical to a rebuild from zero.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { MalformedEventError, alreadyApplied } from '@ledger/projections';
import type { Projection } from '@ledger/projections';
import { ReadStore, SqliteReadStore } from '@ledger/read-store';
import { ProjectionRunner, checkpointName, versionedCollection } from './projection-runner.js';

// Totals per booking and per tenant: two documents per event, one of them shared by many events.
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
    const { bookingId, amountMinor } = event.data as { bookingId: string; amountMinor: unknown };
    if (!Number.isSafeInteger(amountMinor)) throw new MalformedEventError(event.type, event.position, 'amountMinor is not an integer');
    const changes = [];
    for (const [collection, key] of [['per_booking', bookingId], ['per_tenant', event.tenant]] as const) {
      const doc = docs.get(collection, key);
      if (alreadyApplied(doc, event)) continue;
      const paidMinor = ((doc?.paidMinor as number | undefined) ?? 0) + (amountMinor as number);
      changes.push({ collection, key, doc: { tenant: event.tenant, paidMinor, count: ((doc?.count as number | undefined) ?? 0) + 1, position: event.position } });
    }
    return changes;
  },
};

async function readModelHash(reads: ReadStore): Promise<string> {
  const hash = createHash('sha256');
  for (const collection of totals.collections) {
    const page = await reads.find(versionedCollection(totals, collection), { orderBy: { field: 'paidMinor', direction: 'asc' }, first: 1000 });
    hash.update(JSON.stringify(page.items));
  }
  return hash.digest('hex');
}

describe('ProjectionRunner', () => {
  let dir: string;
  let events: SqliteEventStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-projector-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    for (let b = 0; b < 30; b++) {
      const batch = Array.from({ length: 10 }, (_, i) => ({ id: randomUUID(), type: i === 5 ? 'Noise' : 'Paid', data: { bookingId: `b${b}`, amountMinor: 100 + i }, metadata: { tenant: b % 2 ? 'acme' : 'sparkle', occurredAt: '2026-11-22T10:00:00.000Z' } }));
      await events.appendToStream(`booking-b${b}`, batch, { expectedRevision: 'no_stream' });
    }
  });
  afterEach(async () => {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('projects the log from its checkpoint and resumes where it stopped', async () => {
    const reads = new SqliteReadStore({ file: join(dir, 'reads.db') });
    const runner = new ProjectionRunner(events, reads, totals, 64);
    expect(await runner.catchUp()).toBe(270);
    expect(await reads.get(versionedCollection(totals, 'per_booking'), 'b3')).toMatchObject({ paidMinor: 100 + 101 + 102 + 103 + 104 + 106 + 107 + 108 + 109, count: 9 });
    expect(await reads.get(versionedCollection(totals, 'per_tenant'), 'acme')).toMatchObject({ count: 135 });
    await events.appendToStream('booking-b99', [{ id: randomUUID(), type: 'Paid', data: { bookingId: 'b99', amountMinor: 5 }, metadata: { tenant: 'acme' } }], { expectedRevision: 'no_stream' });
    expect(await new ProjectionRunner(events, reads, totals).catchUp()).toBe(1);
    expect(await reads.get(versionedCollection(totals, 'per_tenant'), 'acme')).toMatchObject({ count: 136 });
    await reads.close();
  });

  it('changes nothing when the same page is applied twice', async () => {
    const reads = new SqliteReadStore({ file: join(dir, 'reads.db') });
    const runner = new ProjectionRunner(events, reads, totals);
    await runner.catchUp();
    const before = await readModelHash(reads);
    const page = await events.readAll({ filter: { eventTypes: ['Paid'] }, maxCount: 50 });
    await runner.applyPage(page);
    expect(await readModelHash(reads)).toBe(before);
    await reads.close();
  });

  it('after a crash mid-run, a restart gives read models identical to a full rebuild', async () => {
    const crashing = new SqliteReadStore({ file: join(dir, 'crashed.db') });
    let batches = 0;
    const apply = crashing.apply.bind(crashing);
    crashing.apply = (name, batch) => (++batches === 3 ? Promise.reject(new Error('killed mid-run')) : apply(name, batch));
    await expect(new ProjectionRunner(events, crashing, totals, 40).catchUp()).rejects.toThrow('killed mid-run');
    crashing.apply = apply;
    await new ProjectionRunner(events, crashing, totals, 40).catchUp();
    const rebuilt = new SqliteReadStore({ file: join(dir, 'rebuilt.db') });
    await new ProjectionRunner(events, rebuilt, totals, 1000).catchUp();
    expect(await readModelHash(crashing)).toBe(await readModelHash(rebuilt));
    expect(await crashing.checkpoint(checkpointName(totals))).toBe(await rebuilt.checkpoint(checkpointName(totals)));
    await Promise.all([crashing.close(), rebuilt.close()]);
  });

  it('stops with an error naming the position of a malformed event, and records nothing past it', async () => {
    const reads = new SqliteReadStore({ file: join(dir, 'reads.db') });
    await events.appendToStream('booking-bad', [{ id: randomUUID(), type: 'Paid', data: { bookingId: 'bad', amountMinor: 'lots' }, metadata: { tenant: 'acme' } }], { expectedRevision: 'no_stream' });
    const runner = new ProjectionRunner(events, reads, totals, 1000);
    await expect(runner.catchUp()).rejects.toThrow(/Paid at position [0-9a-f]{16} cannot be projected: amountMinor/);
    expect(runner.status().failure).toMatch(/cannot be projected/);
    expect(await reads.get(versionedCollection(totals, 'per_booking'), 'bad')).toBeUndefined();
    await reads.close();
  });
});
