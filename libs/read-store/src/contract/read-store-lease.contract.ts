/**
 * The lease part of the read store contract: one owner at a time per lease, renewal by the
 * holder, takeover after expiry or release, and fenced batches that write nothing once the
 * writer's lease is gone. Expiry uses real time with short leases, as adapters judge it by their
 * clock. Called from readStoreContract with the store of the current test.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseLostError } from '../read-store.errors.js';
import type { ReadStore } from '../read-store.port.js';
import { pos, put } from './read-store.contract.js';

export function leaseContract(current: () => { store: ReadStore; prefix: string }): void {
  describe('leases', () => {
    let store: ReadStore;
    let lease: string;
    const LONG = 60_000;
    beforeEach(() => {
      ({ store } = current());
      lease = `projection:${current().prefix}`;
    });

    it('gives a free lease to the first owner and refuses a second one while it is held', async () => {
      expect(await store.leaseHolder(lease)).toBeUndefined();
      expect(await store.acquireLease({ lease, owner: 'a', ttlMs: LONG })).toBe(true);
      expect(await store.acquireLease({ lease, owner: 'b', ttlMs: LONG })).toBe(false);
      expect(await store.leaseHolder(lease)).toMatchObject({ owner: 'a' });
      expect(await store.acquireLease({ lease: `${lease}:other`, owner: 'b', ttlMs: LONG })).toBe(true);
    });

    it('lets the holder renew, pushing the expiry forward', async () => {
      await store.acquireLease({ lease, owner: 'a', ttlMs: 1_000 });
      const first = (await store.leaseHolder(lease))!.expiresAtMs;
      expect(await store.acquireLease({ lease, owner: 'a', ttlMs: LONG })).toBe(true);
      expect((await store.leaseHolder(lease))!.expiresAtMs).toBeGreaterThan(first + 50_000);
      expect(await store.acquireLease({ lease, owner: 'b', ttlMs: LONG })).toBe(false);
    });

    it('lets another owner take an expired lease, after which the old holder is refused', async () => {
      await store.acquireLease({ lease, owner: 'a', ttlMs: 150 });
      await sleep(300);
      expect(await store.acquireLease({ lease, owner: 'b', ttlMs: LONG })).toBe(true);
      expect(await store.acquireLease({ lease, owner: 'a', ttlMs: LONG })).toBe(false);
      expect(await store.leaseHolder(lease)).toMatchObject({ owner: 'b' });
    });

    it('frees the lease on release by its holder only', async () => {
      await store.acquireLease({ lease, owner: 'a', ttlMs: LONG });
      await store.releaseLease({ lease, owner: 'b' });
      expect(await store.acquireLease({ lease, owner: 'b', ttlMs: LONG })).toBe(false);
      await store.releaseLease({ lease, owner: 'a' });
      expect(await store.leaseHolder(lease)).toBeUndefined();
      expect(await store.acquireLease({ lease, owner: 'b', ttlMs: LONG })).toBe(true);
    });

    it('gives a contested free lease to exactly one of many owners', async () => {
      const owners = Array.from({ length: 8 }, (_, i) => `o${i}`);
      const won = await Promise.all(owners.map((owner) => store.acquireLease({ lease, owner, ttlMs: LONG })));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await store.leaseHolder(lease)).toMatchObject({ owner: owners[won.indexOf(true)] });
    });

    it('writes a fenced batch only while its owner holds the lease', async () => {
      const collection = `${current().prefix}_fenced_v1`;
      const fence = { lease, owner: 'a' };
      await expect(store.apply('p', { writes: [put(collection, 'k', { v: 0 }, 1)], checkpoint: pos(1), fence })).rejects.toBeInstanceOf(LeaseLostError);
      await store.acquireLease({ ...fence, ttlMs: 150 });
      await store.apply('p', { writes: [put(collection, 'k', { v: 1 }, 2)], checkpoint: pos(2), fence });
      await sleep(300);
      await store.acquireLease({ lease, owner: 'b', ttlMs: LONG });
      await expect(store.apply('p', { writes: [put(collection, 'k', { v: 2 }, 3)], checkpoint: pos(3), fence })).rejects.toMatchObject({ code: 'LEASE_LOST' });
      expect(await store.get(collection, 'k')).toEqual({ v: 1 });
      expect(await store.checkpoint('p')).toBe(pos(2));
    });

    it('refuses empty lease and owner names and a ttl that is not a positive integer', async () => {
      const refused = expect.objectContaining({ code: 'INVALID_READ_REQUEST' }) as unknown;
      await expect(store.acquireLease({ lease: '', owner: 'a', ttlMs: LONG })).rejects.toEqual(refused);
      await expect(store.acquireLease({ lease, owner: '', ttlMs: LONG })).rejects.toEqual(refused);
      await expect(store.acquireLease({ lease, owner: 'a', ttlMs: 0 })).rejects.toEqual(refused);
    });
  });
}
