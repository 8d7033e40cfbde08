// Two projector hosts on the same stores (SQLite files opened by each, as two processes would):
// only the lease holder writes, the other waits; it takes over when the holder stops (release)
// or can no longer renew (expiry), and the read models end exactly as one host alone would leave
// them. Also the per-projection status (state, position, lag) health checks and metrics read, and
// what a failing read store does to it: a transient failure (ReadStoreTransientError) is retried
// with backoff while the projection shows `retrying`; any other failure stops the projection.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteEventStore } from '@ledger/event-store';
import { alreadyApplied } from '@ledger/projections';
import type { Projection } from '@ledger/projections';
import { ReadStoreTransientError, SqliteReadStore } from '@ledger/read-store';
import { ProjectorHost } from './projector-host.js';

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

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** A read store of its own on the shared file, counting the batches it writes. */
function storeOn(file: string): { reads: SqliteReadStore; batches: () => number } {
  const reads = new SqliteReadStore({ file });
  let batches = 0;
  const apply = reads.apply.bind(reads);
  reads.apply = async (name, batch) => {
    await apply(name, batch);
    if (name.startsWith('counts@')) batches++;
  };
  return { reads, batches: () => batches };
}

describe('ProjectorHost with two instances', () => {
  let dir: string;
  let events: SqliteEventStore;
  let hosts: ProjectorHost[] = [];
  const hostOn = (reads: SqliteReadStore, options: ConstructorParameters<typeof ProjectorHost>[3]) => {
    const host = new ProjectorHost(events, reads, [counts], options);
    hosts.push(host);
    return host;
  };
  const pay = (n: number) => ({ id: randomUUID(), type: 'Paid', data: { n }, metadata: { tenant: 'acme' } });
  const append = (stream: string, n: number) => events.appendToStream(stream, Array.from({ length: n }, (_, i) => pay(i)), { expectedRevision: 'no_stream' });
  const countIn = async (reads: SqliteReadStore) => (await reads.get<{ count: number }>('per_tenant_v1', 'acme'))?.count;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-hosts-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    await append('booking-a', 5);
  });
  afterEach(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    hosts = [];
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets only the lease holder write, and the other take over when it stops', async () => {
    const a = storeOn(join(dir, 'reads.db'));
    const b = storeOn(join(dir, 'reads.db'));
    const first = hostOn(a.reads, { pollMs: 20, lease: { owner: 'host-a', ttlMs: 600 } });
    const second = hostOn(b.reads, { pollMs: 20, lease: { owner: 'host-b', ttlMs: 600 } });
    await first.start();
    await second.start();
    expect(first.status()).toMatchObject([{ name: 'counts', state: 'running', lagEvents: 0, lagMs: 0 }]);
    expect(second.status()).toMatchObject([{ name: 'counts', state: 'waiting' }]);

    await append('booking-b', 3);
    await first.caughtUpTo((await events.headPosition())!);
    await second.caughtUpTo((await events.headPosition())!);
    expect(await countIn(b.reads)).toBe(8);
    expect(a.batches()).toBeGreaterThan(0);
    expect(b.batches()).toBe(0);

    await first.stop();
    expect(await a.reads.leaseHolder('projection:counts')).toBeUndefined();
    await until(() => second.status()[0]!.state === 'running');
    await append('booking-c', 2);
    await second.caughtUpTo((await events.headPosition())!);
    expect(await countIn(a.reads)).toBe(10);
    expect(b.batches()).toBeGreaterThan(0);
    await second.stop();
    await Promise.all([a.reads.close(), b.reads.close()]);
  });

  it('takes over after the holder can no longer renew, and the old holder writes nothing more', async () => {
    const a = storeOn(join(dir, 'reads.db'));
    const b = storeOn(join(dir, 'reads.db'));
    const first = hostOn(a.reads, { pollMs: 20, lease: { owner: 'host-a', ttlMs: 300 } });
    const second = hostOn(b.reads, { pollMs: 20, lease: { owner: 'host-b', ttlMs: 300 } });
    await first.start();
    await second.start();
    // The holder is cut off from the lease (a partition, a stalled process): its renewals fail.
    a.reads.acquireLease = () => Promise.resolve(undefined);
    await until(() => second.status()[0]!.state === 'running');
    expect(first.status()[0]!.state).toBe('waiting');
    const before = a.batches();
    await append('booking-b', 4);
    await second.caughtUpTo((await events.headPosition())!);
    await sleep(100);
    expect(a.batches()).toBe(before);
    expect(await countIn(b.reads)).toBe(9);
    await Promise.all([first.stop(), second.stop()]);
    await Promise.all([a.reads.close(), b.reads.close()]);
  });

  it('retries a projection whose read store fails transiently, showing it as retrying, and then catches up', async () => {
    const { reads } = storeOn(join(dir, 'reads.db'));
    const apply = reads.apply.bind(reads);
    let failures = 2;
    reads.apply = (name, batch) => {
      if (failures-- > 0) return Promise.reject(new ReadStoreTransientError('WRITE_CONCERN', 'a majority did not confirm the write'));
      return apply(name, batch);
    };
    const host = hostOn(reads, { pollMs: 20, lease: { ttlMs: 60_000 }, retry: { initialMs: 150, maxMs: 300 } });
    await host.start();
    expect(host.status()[0]).toMatchObject({ state: 'retrying', retries: 1, failure: expect.stringMatching(/majority/) as unknown });
    await until(() => host.status()[0]!.retries === 2);
    await until(() => host.status()[0]!.state === 'running' && host.status()[0]!.retries === 0);
    expect(host.status()[0]!.failure).toBeUndefined();
    await append('booking-b', 3);
    await host.caughtUpTo((await events.headPosition())!);
    expect(await countIn(reads)).toBe(8);
    await host.stop();
    await reads.close();
  });

  it('stops a projection on a read store failure that retrying cannot cure', async () => {
    const { reads } = storeOn(join(dir, 'reads.db'));
    reads.apply = () => Promise.reject(new Error('the document is too large'));
    const host = hostOn(reads, { pollMs: 20, lease: { ttlMs: 60_000 }, retry: { initialMs: 10, maxMs: 10 } });
    await host.start();
    await sleep(100);
    expect(host.status()[0]).toMatchObject({ state: 'failed', retries: 0, failure: 'the document is too large' });
    await host.stop();
    await reads.close();
  });

  it('reports how far a projection is behind the log', async () => {
    const { reads } = storeOn(join(dir, 'reads.db'));
    const host = hostOn(reads, { pollMs: 60_000, lease: { ttlMs: 60_000 } });
    await host.start();
    const [started] = host.status();
    expect(started).toMatchObject({ name: 'counts', generation: 'v1', state: 'running', applied: 5, lagEvents: 0, lagMs: 0 });
    expect(started!.position).toBe(await events.headPosition());
    // Appends made elsewhere are not seen until the next poll, which is a minute away.
    await host.stop();
    await append('booking-b', 3);
    const [behind] = await host.measureLag();
    expect(behind).toMatchObject({ state: 'stopped', lagEvents: 3 });
    expect(behind!.lagMs).toBeGreaterThanOrEqual(0);
    await reads.close();
  });
});
