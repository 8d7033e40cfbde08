/**
 * The lease part of the read store contract: one owner at a time per lease, renewal by the
 * holder, takeover after expiry or release, and fencing tokens: a renewal keeps the token, every
 * other grant gets a larger one, and a fenced batch writes nothing unless its token is the
 * lease's current one. Expiry uses real time with short leases, as adapters judge it by their
 * clock (the server's, for MongoDB). Called from readStoreContract with the store of the test.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseLostError } from '../read-store.errors.js';
import type { LeaseFence, LeaseGrant, ReadStore } from '../read-store.port.js';
import { pos, put } from './read-store.contract.js';

const LONG = 60_000;
const fenceOf = (grant: LeaseGrant | undefined): LeaseFence => ({ lease: grant!.lease, owner: grant!.owner, token: grant!.token });

export function leaseContract(current: () => { store: ReadStore; prefix: string }): void {
  describe('leases', () => {
    let store: ReadStore;
    let lease: string;
    beforeEach(() => {
      ({ store } = current());
      lease = `projection:${current().prefix}`;
    });

    it('gives a free lease to the first owner and refuses a second one while it is held', async () => {
      expect(await store.leaseHolder(lease)).toBeUndefined();
      const a = await store.acquireLease({ lease, owner: 'a', ttlMs: LONG });
      expect(a).toMatchObject({ lease, owner: 'a', token: expect.any(Number) as unknown });
      expect(await store.acquireLease({ lease, owner: 'b', ttlMs: LONG })).toBeUndefined();
      expect(await store.leaseHolder(lease)).toMatchObject({ owner: 'a', token: a!.token });
      expect(await store.acquireLease({ lease: `${lease}:other`, owner: 'b', ttlMs: LONG })).toBeDefined();
    });

    it('lets the holder renew, pushing the expiry forward and keeping its token', async () => {
      const first = await store.acquireLease({ lease, owner: 'a', ttlMs: 1_000 });
      const renewed = await store.acquireLease({ lease, owner: 'a', ttlMs: LONG });
      expect(renewed!.token).toBe(first!.token);
      expect(renewed!.expiresAtMs).toBeGreaterThan(first!.expiresAtMs + 50_000);
      expect((await store.leaseHolder(lease))!.expiresAtMs).toBe(renewed!.expiresAtMs);
      expect(await store.acquireLease({ lease, owner: 'b', ttlMs: LONG })).toBeUndefined();
    });

    it('lets another owner take an expired lease with a larger token, after which the old holder is refused', async () => {
      const a = await store.acquireLease({ lease, owner: 'a', ttlMs: 150 });
      await sleep(300);
      const b = await store.acquireLease({ lease, owner: 'b', ttlMs: LONG });
      expect(b!.token).toBeGreaterThan(a!.token);
      expect(await store.acquireLease({ lease, owner: 'a', ttlMs: LONG })).toBeUndefined();
      expect(await store.leaseHolder(lease)).toMatchObject({ owner: 'b', token: b!.token });
    });

    it('gives the holder a new token when it takes its own lease again after it lapsed', async () => {
      const first = await store.acquireLease({ lease, owner: 'a', ttlMs: 150 });
      await sleep(300);
      const again = await store.acquireLease({ lease, owner: 'a', ttlMs: LONG });
      expect(again!.token).toBeGreaterThan(first!.token);
    });

    it('frees the lease on release of its current grant only, and never reuses a token', async () => {
      const a = await store.acquireLease({ lease, owner: 'a', ttlMs: LONG });
      await store.releaseLease({ ...fenceOf(a), owner: 'b' });
      await store.releaseLease({ ...fenceOf(a), token: a!.token + 1 });
      expect(await store.acquireLease({ lease, owner: 'b', ttlMs: LONG })).toBeUndefined();
      await store.releaseLease(fenceOf(a));
      expect(await store.leaseHolder(lease)).toBeUndefined();
      const b = await store.acquireLease({ lease, owner: 'b', ttlMs: LONG });
      expect(b!.token).toBeGreaterThan(a!.token);
      await store.releaseLease(fenceOf(b));
      expect((await store.acquireLease({ lease, owner: 'a', ttlMs: LONG }))!.token).toBeGreaterThan(b!.token);
    });

    it('gives a contested free lease to exactly one of many owners', async () => {
      const owners = Array.from({ length: 8 }, (_, i) => `o${i}`);
      const grants = await Promise.all(owners.map((owner) => store.acquireLease({ lease, owner, ttlMs: LONG })));
      const won = grants.filter((grant) => grant !== undefined);
      expect(won).toHaveLength(1);
      expect(await store.leaseHolder(lease)).toMatchObject({ owner: won[0]!.owner, token: won[0]!.token });
    });

    it('gives a contested expired lease to exactly one of many owners, with the next token', async () => {
      const old = await store.acquireLease({ lease, owner: 'old', ttlMs: 150 });
      await sleep(300);
      const grants = await Promise.all(Array.from({ length: 8 }, (_, i) => store.acquireLease({ lease, owner: `o${i}`, ttlMs: LONG })));
      const won = grants.filter((grant) => grant !== undefined);
      expect(won).toHaveLength(1);
      expect(won[0]!.token).toBe(old!.token + 1);
    });

    fencedBatchContract(() => ({ store, lease, prefix: current().prefix }));

    it('refuses empty lease and owner names, a ttl that is not a positive integer and a negative token', async () => {
      const refused = expect.objectContaining({ code: 'INVALID_READ_REQUEST' }) as unknown;
      await expect(store.acquireLease({ lease: '', owner: 'a', ttlMs: LONG })).rejects.toEqual(refused);
      await expect(store.acquireLease({ lease, owner: '', ttlMs: LONG })).rejects.toEqual(refused);
      await expect(store.acquireLease({ lease, owner: 'a', ttlMs: 0 })).rejects.toEqual(refused);
      await expect(store.releaseLease({ lease, owner: 'a', token: -1 })).rejects.toEqual(refused);
      await expect(store.apply('p', { writes: [], checkpoint: pos(1), fence: { lease, owner: 'a', token: 1.5 } })).rejects.toEqual(refused);
    });
  });
}

/** Fenced batches: written only under the current grant, whatever the clock says. */
function fencedBatchContract(current: () => { store: ReadStore; lease: string; prefix: string }): void {
  it('writes a fenced batch only while its token is the current one', async () => {
    const { store, lease, prefix } = current();
    const collection = `${prefix}_fenced_v1`;
    const batch = (v: number, fence: LeaseFence) => ({ writes: [put(collection, 'k', { v }, v + 1)], checkpoint: pos(v + 1), fence });
    await expect(store.apply('p', batch(0, { lease, owner: 'a', token: 0 }))).rejects.toBeInstanceOf(LeaseLostError);
    const a = fenceOf(await store.acquireLease({ lease, owner: 'a', ttlMs: 150 }));
    await store.apply('p', batch(1, a));
    await sleep(300);
    const b = fenceOf(await store.acquireLease({ lease, owner: 'b', ttlMs: LONG }));
    await expect(store.apply('p', batch(2, a))).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await store.releaseLease(b);
    // The former holder takes the lease back: its old grant stays refused, only the new one writes.
    const again = fenceOf(await store.acquireLease({ lease, owner: 'a', ttlMs: LONG }));
    await expect(store.apply('p', batch(3, a))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await store.get(collection, 'k')).toEqual({ v: 1 });
    expect(await store.checkpoint('p')).toBe(pos(2));
    await store.apply('p', batch(4, again));
    expect(await store.get(collection, 'k')).toEqual({ v: 4 });
  });

  it('keeps writing under a lapsed grant nobody took over: only a new grant fences it out', async () => {
    const { store, lease, prefix } = current();
    const collection = `${prefix}_lapsed_v1`;
    const a = fenceOf(await store.acquireLease({ lease, owner: 'a', ttlMs: 150 }));
    await sleep(300);
    await store.apply('p', { writes: [put(collection, 'k', { v: 1 }, 1)], checkpoint: pos(1), fence: a });
    expect(await store.get(collection, 'k')).toEqual({ v: 1 });
  });
}
