/**
 * The read store contract: one suite every adapter must pass, run by each adapter's integration
 * spec against a real store. Each test uses collections with a fresh prefix, so the suite also
 * holds on a shared server whose database already holds other collections.
 */
import { randomUUID } from 'node:crypto';
import { encodePosition, type Position } from '@ledger/event-store';
import { InvalidReadRequestError } from '../read-store.errors.js';
import type { DocumentWrite, FindQuery, ReadDocument, ReadStore } from '../read-store.port.js';
import { findContract } from './read-store-find.contract.js';
import { leaseContract } from './read-store-lease.contract.js';

export interface ContractTarget {
  /** Returns a store; called once per test. */
  open(): Promise<ReadStore>;
  /** Closes and, where possible, removes what `open` made. */
  dispose(store: ReadStore): Promise<void>;
}

export function pos(n: number): Position {
  return encodePosition(BigInt(n));
}

export function put(collection: string, key: string, doc: ReadDocument, at: number): DocumentWrite {
  return { collection, key, doc, position: pos(at) };
}

export function del(collection: string, key: string, at: number): DocumentWrite {
  return { collection, key, doc: null, position: pos(at) };
}

export function freshPrefix(): string {
  return `t${randomUUID().replaceAll('-', '').slice(0, 10)}`;
}

export function readStoreContract(name: string, target: ContractTarget | undefined, skipReason?: string): void {
  if (!target) {
    const reason = skipReason ?? 'not configured';
    describe(`ReadStore contract: ${name}`, () => {
      // Skipped on purpose, and counted as skipped in the summary: this adapter needs a server
      // that this run was not given. The line names what to set to run it.
      it.skip(`skipped: ${reason}`, () => undefined);
    });
    console.warn(`ReadStore contract for ${name} skipped: ${reason}`);
    return;
  }

  describe(`ReadStore contract: ${name}`, () => {
    let store: ReadStore;
    let prefix: string;
    let balances: string;
    let bookings: string;

    beforeEach(async () => {
      store = await target.open();
      prefix = freshPrefix();
      balances = `${prefix}_balance_v1`;
      bookings = `${prefix}_booking_v1`;
    });
    afterEach(async () => {
      await target.dispose(store);
    });

    describe('writing and reading', () => {
      it('applies writes to several collections and reads them back without storage internals', async () => {
        await store.apply('p', { writes: [put(balances, 'b1', { amountMinor: 500, currency: 'EUR' }, 1), put(balances, 'b2', { amountMinor: 0, currency: 'EUR' }, 2), put(bookings, 'k1', { status: 'open', tags: ['a'], nested: { x: 1 } }, 2)], checkpoint: pos(2) });
        expect(await store.get(balances, 'b1')).toEqual({ amountMinor: 500, currency: 'EUR' });
        expect(await store.get(bookings, 'k1')).toEqual({ status: 'open', tags: ['a'], nested: { x: 1 } });
        expect(await store.get(balances, 'missing')).toBeUndefined();
        expect(await store.get(`${prefix}_never_written`, 'b1')).toBeUndefined();
        const many = await store.getMany(balances, ['b1', 'b2', 'missing']);
        expect([...many.entries()].sort()).toEqual([['b1', { amountMinor: 500, currency: 'EUR' }], ['b2', { amountMinor: 0, currency: 'EUR' }]]);
        expect((await store.getMany(balances, [])).size).toBe(0);
      });

      it('keeps a document exactly as written, empty lists and objects included', async () => {
        const doc = { payments: [], refunds: [], nested: { list: [], empty: {} }, zero: 0, flag: false, none: null, text: '' };
        await store.apply('p', { writes: [put(bookings, 'k1', doc, 1)], checkpoint: pos(1) });
        expect(await store.get(bookings, 'k1')).toEqual(doc);
        await store.apply('p', { writes: [put(bookings, 'k1', { ...doc, zero: 1 }, 2)], checkpoint: pos(2) });
        expect(await store.get(bookings, 'k1')).toEqual({ ...doc, zero: 1 });
      });

      it('replaces the whole document with a newer version', async () => {
        await store.apply('p', { writes: [put(balances, 'b1', { amountMinor: 500, note: 'first' }, 1)], checkpoint: pos(1) });
        await store.apply('p', { writes: [put(balances, 'b1', { amountMinor: 700 }, 2)], checkpoint: pos(2) });
        expect(await store.get(balances, 'b1')).toEqual({ amountMinor: 700 });
      });

      it('changes nothing when the same batch is applied twice', async () => {
        const batch = { writes: [put(balances, 'b1', { amountMinor: 1 }, 3), del(balances, 'b2', 4)], checkpoint: pos(4) };
        await store.apply('p', { writes: [put(balances, 'b2', { amountMinor: 2 }, 1)], checkpoint: pos(1) });
        await store.apply('p', batch);
        await store.apply('p', batch);
        expect(await store.get(balances, 'b1')).toEqual({ amountMinor: 1 });
        expect(await store.get(balances, 'b2')).toBeUndefined();
        expect(await store.checkpoint('p')).toBe(pos(4));
      });

      it('ignores a write that is older than, or as old as, the stored version', async () => {
        await store.apply('p', { writes: [put(balances, 'b1', { amountMinor: 900 }, 10)], checkpoint: pos(10) });
        await store.apply('p', { writes: [put(balances, 'b1', { amountMinor: 100 }, 5), put(balances, 'b2', { amountMinor: 5 }, 5)], checkpoint: pos(5) });
        await store.apply('p', { writes: [put(balances, 'b1', { amountMinor: 200 }, 10)], checkpoint: pos(10) });
        expect(await store.get(balances, 'b1')).toEqual({ amountMinor: 900 });
        expect(await store.get(balances, 'b2')).toEqual({ amountMinor: 5 });
      });

      it('keeps, within one batch, the newest write per document whatever its place in the batch', async () => {
        await store.apply('p', { writes: [put(balances, 'b1', { v: 'new' }, 8), put(balances, 'b1', { v: 'old' }, 7), put(balances, 'b2', { v: 'a' }, 7), del(balances, 'b2', 9)], checkpoint: pos(9) });
        expect(await store.get(balances, 'b1')).toEqual({ v: 'new' });
        expect(await store.get(balances, 'b2')).toBeUndefined();
      });

      it('does not resurrect a deleted document on a late older write, but a newer write brings it back', async () => {
        await store.apply('p', { writes: [put(balances, 'b1', { amountMinor: 1 }, 1)], checkpoint: pos(1) });
        await store.apply('p', { writes: [del(balances, 'b1', 5)], checkpoint: pos(5) });
        await store.apply('p', { writes: [put(balances, 'b1', { amountMinor: 2 }, 3)], checkpoint: pos(3) });
        expect(await store.get(balances, 'b1')).toBeUndefined();
        expect((await store.getMany(balances, ['b1'])).size).toBe(0);
        const query: FindQuery = { orderBy: { field: 'amountMinor', direction: 'asc' }, first: 10 };
        expect((await store.find(balances, query)).items).toEqual([]);
        await store.apply('p', { writes: [put(balances, 'b1', { amountMinor: 3 }, 6)], checkpoint: pos(6) });
        expect(await store.get(balances, 'b1')).toEqual({ amountMinor: 3 });
      });

      it('treats expectNew as a hint: a wrong one neither overwrites a newer version nor loses a write', async () => {
        await store.apply('p', { writes: [put(balances, 'b1', { v: 'newer' }, 9), del(balances, 'b2', 9)], checkpoint: pos(9) });
        const hinted = (write: DocumentWrite): DocumentWrite => ({ ...write, expectNew: true });
        await store.apply('p', { writes: [hinted(put(balances, 'b1', { v: 'older' }, 5)), hinted(put(balances, 'b2', { v: 'older' }, 5)), hinted(put(balances, 'b3', { v: 'new' }, 5))], checkpoint: pos(9) });
        expect(await store.get(balances, 'b1')).toEqual({ v: 'newer' });
        expect(await store.get(balances, 'b2')).toBeUndefined();
        await store.apply('p', { writes: [hinted(put(balances, 'b1', { v: 'newest' }, 10)), hinted(put(balances, 'b2', { v: 'back' }, 10)), { ...put(balances, 'b3', { v: 'seen' }, 10), expectNew: false }], checkpoint: pos(10) });
        expect(await store.getMany(balances, ['b1', 'b2', 'b3'])).toEqual(new Map([['b1', { v: 'newest' }], ['b2', { v: 'back' }], ['b3', { v: 'seen' }]]));
      });

      it('keeps a delete of a never-written document as a guard against its older writes', async () => {
        await store.apply('p', { writes: [del(balances, 'b1', 5)], checkpoint: pos(5) });
        await store.apply('p', { writes: [put(balances, 'b1', { amountMinor: 2 }, 4)], checkpoint: pos(5) });
        expect(await store.get(balances, 'b1')).toBeUndefined();
      });
    });

    describe('checkpoints', () => {
      it('starts undefined, moves forward, never moves back, and is kept per projection', async () => {
        expect(await store.checkpoint(`${prefix}-a`)).toBeUndefined();
        await store.apply(`${prefix}-a`, { writes: [], checkpoint: pos(7) });
        expect(await store.checkpoint(`${prefix}-a`)).toBe(pos(7));
        await store.apply(`${prefix}-a`, { writes: [], checkpoint: pos(3) });
        expect(await store.checkpoint(`${prefix}-a`)).toBe(pos(7));
        await store.apply(`${prefix}-a`, { writes: [put(balances, 'b1', { v: 1 }, 12)], checkpoint: pos(12) });
        expect(await store.checkpoint(`${prefix}-a`)).toBe(pos(12));
        expect(await store.checkpoint(`${prefix}-b`)).toBeUndefined();
      });
    });

    describe('collections', () => {
      it('lists collections by prefix and drops them', async () => {
        await store.apply('p', { writes: [put(balances, 'b1', { v: 1 }, 1), put(bookings, 'k1', { v: 1 }, 1)], checkpoint: pos(1) });
        await store.ensureIndex(`${prefix}_index_only`, ['v']);
        expect(await store.listCollections(prefix)).toEqual([balances, bookings, `${prefix}_index_only`].sort());
        expect(await store.listCollections(`${prefix}_bal`)).toEqual([balances]);
        await store.dropCollection(balances);
        await store.dropCollection(`${prefix}_never_existed`);
        expect(await store.listCollections(prefix)).toEqual([bookings, `${prefix}_index_only`].sort());
        expect(await store.get(balances, 'b1')).toBeUndefined();
        await store.apply('p', { writes: [put(balances, 'b1', { v: 2 }, 1)], checkpoint: pos(1) });
        expect(await store.get(balances, 'b1')).toEqual({ v: 2 });
      });
    });

    describe('refusals', () => {
      const refused = expect.objectContaining({ code: 'INVALID_READ_REQUEST' }) as unknown;
      const query: FindQuery = { orderBy: { field: 'n', direction: 'asc' }, first: 10 };

      it.each(['bad-name', 'x"; DROP TABLE projection_checkpoints; --', '', '_checkpoints', 'a.b', 'system.users', 'x'.repeat(65)])('refuses the collection name %j', async (bad) => {
        await expect(store.apply('p', { writes: [put(bad, 'k', { v: 1 }, 1)], checkpoint: pos(1) })).rejects.toEqual(refused);
        await expect(store.get(bad, 'k')).rejects.toBeInstanceOf(InvalidReadRequestError);
        await expect(store.find(bad, query)).rejects.toEqual(refused);
        await expect(store.ensureIndex(bad, ['v'])).rejects.toEqual(refused);
        await expect(store.dropCollection(bad)).rejects.toEqual(refused);
      });

      it.each(["n') --", 'a.b', '$where', '_id', 'with space'])('refuses the field name %j', async (bad) => {
        await expect(store.find(balances, { ...query, where: { [bad]: 1 } })).rejects.toEqual(refused);
        await expect(store.find(balances, { ...query, range: { field: bad, gte: 1 } })).rejects.toEqual(refused);
        await expect(store.find(balances, { ...query, orderBy: { field: bad, direction: 'asc' } })).rejects.toEqual(refused);
        await expect(store.ensureIndex(balances, ['ok', bad])).rejects.toEqual(refused);
      });

      it('refuses reserved document fields, bad positions and bad queries, writing nothing', async () => {
        await expect(store.apply('p', { writes: [put(balances, 'b1', { v: 1 }, 1), put(balances, 'b2', { _position: 'f' }, 1)], checkpoint: pos(1) })).rejects.toEqual(refused);
        await expect(store.apply('p', { writes: [{ collection: balances, key: 'b1', doc: { v: 1 }, position: 'NOT-HEX' as Position }], checkpoint: pos(1) })).rejects.toEqual(refused);
        expect(await store.get(balances, 'b1')).toBeUndefined();
        expect(await store.checkpoint('p')).toBeUndefined();
        await expect(store.find(balances, { ...query, first: 0 })).rejects.toEqual(refused);
        await expect(store.find(balances, { ...query, after: 'not-a-cursor' })).rejects.toEqual(refused);
      });
    });

    findContract(() => ({ store, collection: `${prefix}_list_v1` }));
    leaseContract(() => ({ store, prefix }));
  });
}
