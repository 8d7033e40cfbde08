/**
 * The `find` part of the read store contract: filters, order and keyset pagination, including
 * ties in the order field, missing values and documents inserted between pages.
 */
import { encodePosition } from '@ledger/event-store';
import type { DocumentWrite, FindQuery, ReadStore } from '../read-store.port.js';

interface Item {
  id: string;
  n?: number;
  group: string;
  day: string;
  paid: boolean;
}

function item(i: number): Item {
  return { id: `d${String(i).padStart(2, '0')}`, n: i, group: i % 2 === 0 ? 'even' : 'odd', day: `2026-01-0${(i % 5) + 1}`, paid: i % 3 === 0 };
}

function write(collection: string, doc: Item, at: number): DocumentWrite {
  return { collection, key: doc.id, doc: { ...doc }, position: encodePosition(BigInt(at)) };
}

async function allPages(store: ReadStore, collection: string, query: Omit<FindQuery, 'after'>, between?: (page: number) => Promise<void>): Promise<{ ids: string[]; sizes: number[]; flags: boolean[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  const flags: boolean[] = [];
  let after: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await store.find<Item>(collection, { ...query, ...(after ? { after } : {}) });
    ids.push(...result.items.map((i) => i.id));
    sizes.push(result.items.length);
    flags.push(result.hasNextPage);
    if (!result.hasNextPage) break;
    after = result.endCursor;
    await between?.(page);
  }
  return { ids, sizes, flags };
}

export function findContract(context: () => { store: ReadStore; collection: string }): void {
  describe('find', () => {
    const items = Array.from({ length: 25 }, (_, i) => item(i));
    const byDayThenKey = [...items].sort((a, b) => (a.day === b.day ? (a.id < b.id ? -1 : 1) : a.day < b.day ? -1 : 1)).map((i) => i.id);
    let store: ReadStore;
    let collection: string;

    beforeEach(async () => {
      ({ store, collection } = context());
      // Written in reverse key order, in two batches, so storage order is not the answer.
      const writes = [...items].reverse().map((doc, i) => write(collection, doc, i + 1));
      await store.apply('find', { writes: writes.slice(0, 12), checkpoint: encodePosition(12n) });
      await store.apply('find', { writes: writes.slice(12), checkpoint: encodePosition(25n) });
    });

    it('pages through 25 documents in pages of 10, ties broken by key, without duplicates or gaps', async () => {
      const asc = await allPages(store, collection, { orderBy: { field: 'day', direction: 'asc' }, first: 10 });
      expect(asc).toEqual({ ids: byDayThenKey, sizes: [10, 10, 5], flags: [true, true, false] });
      const desc = await allPages(store, collection, { orderBy: { field: 'day', direction: 'desc' }, first: 10 });
      expect(desc.ids).toEqual([...byDayThenKey].reverse());
      expect(desc.sizes).toEqual([10, 10, 5]);
    });

    it('filters by equality and range, in both directions, with and without an index', async () => {
      const expected = items.filter((i) => i.group === 'even' && i.n! >= 4 && i.n! < 20).map((i) => i.id);
      const query = { where: { group: 'even' }, range: { field: 'n', gte: 4, lt: 20 }, first: 3 } as const;
      for (const indexed of [false, true]) {
        if (indexed) await store.ensureIndex(collection, ['group', 'n']);
        expect((await allPages(store, collection, { ...query, orderBy: { field: 'n', direction: 'asc' } })).ids).toEqual(expected);
        expect((await allPages(store, collection, { ...query, orderBy: { field: 'n', direction: 'desc' } })).ids).toEqual([...expected].reverse());
      }
      await store.ensureIndex(collection, ['group', 'n']);
      const days = await store.find<Item>(collection, { range: { field: 'day', gte: '2026-01-02', lt: '2026-01-04' }, orderBy: { field: 'n', direction: 'asc' }, first: 100 });
      expect(days.items.map((i) => i.n)).toEqual(items.filter((i) => i.day >= '2026-01-02' && i.day < '2026-01-04').map((i) => i.n));
    });

    it('matches booleans, numbers and null exactly', async () => {
      const paid = await store.find<Item>(collection, { where: { paid: true, group: 'odd' }, orderBy: { field: 'n', direction: 'asc' }, first: 100 });
      expect(paid.items.map((i) => i.n)).toEqual([3, 9, 15, 21]);
      expect((await store.find<Item>(collection, { where: { n: 7 }, orderBy: { field: 'n', direction: 'asc' }, first: 5 })).items.map((i) => i.id)).toEqual(['d07']);
      expect((await store.find<Item>(collection, { where: { n: '7' }, orderBy: { field: 'n', direction: 'asc' }, first: 5 })).items).toEqual([]);
      await store.apply('find', { writes: [{ collection, key: 'x', doc: { group: 'none', day: '', paid: false }, position: encodePosition(99n) }], checkpoint: encodePosition(99n) });
      expect((await store.find<Item>(collection, { where: { n: null }, orderBy: { field: 'day', direction: 'asc' }, first: 5 })).items).toEqual([{ group: 'none', day: '', paid: false }]);
    });

    it.each(['asc', 'desc'] as const)('stays stable, %s, when documents are inserted between pages', async (direction) => {
      const inserted = [{ ...item(0), id: 'i-behind', n: direction === 'asc' ? 5.5 : 19.5 }, { ...item(0), id: 'i-ahead', n: direction === 'asc' ? 15.5 : 4.5 }, { ...item(0), id: 'i-far', n: direction === 'asc' ? 30 : -1 }];
      const seen = await allPages(store, collection, { orderBy: { field: 'n', direction }, first: 10 }, async (page) => {
        if (page === 0) await store.apply('find', { writes: inserted.map((doc, i) => write(collection, doc, 100 + i)), checkpoint: encodePosition(102n) });
      });
      expect(new Set(seen.ids).size).toBe(seen.ids.length);
      for (const i of items) expect(seen.ids).toContain(i.id);
      expect(seen.ids).not.toContain('i-behind');
      expect(seen.ids).toContain('i-ahead');
      expect(seen.ids.at(-1)).toBe('i-far');
    });

    it('orders documents without the field first (asc) or last (desc) and pages through them', async () => {
      const missing = ['m1', 'm2', 'm3'].map((id, i) => ({ collection, key: id, doc: { group: 'none', day: '', paid: false, id }, position: encodePosition(BigInt(200 + i)) }));
      await store.apply('find', { writes: missing, checkpoint: encodePosition(202n) });
      const byN = items.map((i) => i.id);
      expect((await allPages(store, collection, { orderBy: { field: 'n', direction: 'asc' }, first: 2 })).ids).toEqual(['m1', 'm2', 'm3', ...byN]);
      expect((await allPages(store, collection, { orderBy: { field: 'n', direction: 'desc' }, first: 2 })).ids).toEqual([...byN].reverse().concat(['m3', 'm2', 'm1']));
    });

    it('returns an empty last page for an empty or unknown collection, and refuses a cursor of another order', async () => {
      expect(await store.find(`${collection}_empty`, { orderBy: { field: 'n', direction: 'asc' }, first: 10 })).toEqual({ items: [], endCursor: undefined, hasNextPage: false });
      const first = await store.find(collection, { orderBy: { field: 'n', direction: 'asc' }, first: 10 });
      await expect(store.find(collection, { orderBy: { field: 'n', direction: 'desc' }, first: 10, after: first.endCursor! })).rejects.toMatchObject({ code: 'INVALID_READ_REQUEST' });
    });
  });
}
