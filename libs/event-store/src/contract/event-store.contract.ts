/**
 * The event store contract: one suite that every adapter must pass, run by each adapter's
 * integration spec against a real store. Tests use a fresh stream category per case, so they
 * also hold on a shared server (EventStoreDB) whose log contains other events.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store.port.js';
import { InvalidEventError, InvalidPositionError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { verifyChain } from '../hash-chain.js';

export interface ContractTarget {
  /** Returns a store; called once per test. */
  open(): Promise<EventStore>;
  /** Closes and, where possible, removes what `open` made. */
  dispose(store: EventStore): Promise<void>;
}

let categorySeq = 0;
/** A category no other test uses (letters and digits only: categories cannot contain dashes). */
export function freshCategory(): string {
  categorySeq++;
  return `t${randomUUID().replaceAll('-', '').slice(0, 12)}x${categorySeq}`;
}

export function event(type: string, data: unknown = {}, metadata?: NewEvent['metadata']): NewEvent {
  return { id: randomUUID(), type, data, ...(metadata ? { metadata } : {}) };
}

function types(events: readonly RecordedEvent[]): string[] {
  return events.map((e) => e.type);
}

async function collect(iterable: AsyncIterable<RecordedEvent>, count: number, onEach?: (e: RecordedEvent, i: number) => Promise<void>): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  for await (const e of iterable) {
    seen.push(e);
    await onEach?.(e, seen.length - 1);
    if (seen.length === count) break;
  }
  return seen;
}

export function eventStoreContract(name: string, target: ContractTarget | undefined, skipReason?: string): void {
  if (!target) {
    const reason = skipReason ?? 'not configured';
    describe(`EventStore contract: ${name}`, () => {
      // Skipped on purpose, and counted as skipped in the summary: this adapter needs a server
      // that this run was not given. The line names what to set to run it.
      it.skip(`skipped: ${reason}`, () => undefined);
    });
    console.warn(`EventStore contract for ${name} skipped: ${reason}`);
    return;
  }

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let category: string;
    const stream = (id = 'a'): string => `${category}-${id}`;

    beforeEach(async () => {
      store = await target.open();
      category = freshCategory();
    });
    afterEach(async () => {
      await target.dispose(store);
    });

    describe('appending', () => {
      it('creates a stream with no_stream and reads it back in order with revisions', async () => {
        const result = await store.appendToStream(stream(), [event('Opened', { n: 1 }), event('Noted', { n: 2 })], { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(1);
        const read = await store.readStream(stream());
        expect(read.map((e) => [e.type, e.revision, e.data])).toEqual([['Opened', 0, { n: 1 }], ['Noted', 1, { n: 2 }]]);
        expect(read[1]!.position).toBe(result.position);
        expect(read[0]!.position < read[1]!.position).toBe(true);
        expect(read[0]!.streamName).toBe(stream());
        expect(read[0]!.recordedAt).toBeInstanceOf(Date);
      });

      it('appends at the exact expected revision', async () => {
        await store.appendToStream(stream(), [event('A')], { expectedRevision: 'no_stream' });
        const result = await store.appendToStream(stream(), [event('B'), event('C')], { expectedRevision: 0 });
        expect(result.nextExpectedRevision).toBe(2);
        expect(types(await store.readStream(stream()))).toEqual(['A', 'B', 'C']);
      });

      it('refuses no_stream on an existing stream with the actual revision, writing nothing', async () => {
        await store.appendToStream(stream(), [event('A'), event('B')], { expectedRevision: 'no_stream' });
        const attempt = store.appendToStream(stream(), [event('C')], { expectedRevision: 'no_stream' });
        await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(attempt).rejects.toMatchObject({ streamName: stream(), expected: 'no_stream', actual: 1, code: 'CONCURRENCY_CONFLICT' });
        expect(types(await store.readStream(stream()))).toEqual(['A', 'B']);
      });

      it('refuses a stale or future revision, and a revision on a missing stream', async () => {
        await store.appendToStream(stream(), [event('A'), event('B')], { expectedRevision: 'no_stream' });
        await expect(store.appendToStream(stream(), [event('C')], { expectedRevision: 0 })).rejects.toMatchObject({ expected: 0, actual: 1 });
        await expect(store.appendToStream(stream(), [event('C')], { expectedRevision: 5 })).rejects.toMatchObject({ expected: 5, actual: 1 });
        await expect(store.appendToStream(stream('missing'), [event('C')], { expectedRevision: 0 })).rejects.toMatchObject({
          expected: 0,
          actual: 'no_stream',
        });
        expect(await store.readStream(stream('missing'))).toEqual([]);
        expect(types(await store.readStream(stream()))).toEqual(['A', 'B']);
      });

      it('lets exactly one of many concurrent appends at the same revision win', async () => {
        await store.appendToStream(stream(), [event('A')], { expectedRevision: 'no_stream' });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => store.appendToStream(stream(), [event('B', { i })], { expectedRevision: 0 })),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes) {
          if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        expect(await store.readStream(stream())).toHaveLength(2);
      });

      it('treats re-sending the same events at the same expected revision as success, writing nothing twice', async () => {
        const batch = [event('A', { x: 1 }), event('B', { x: 2 })];
        const first = await store.appendToStream(stream(), batch, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream(stream(), batch, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        await store.appendToStream(stream(), [event('C')], { expectedRevision: 1 });
        const late = await store.appendToStream(stream(), batch, { expectedRevision: 'no_stream' });
        expect(late.nextExpectedRevision).toBe(1);
        expect(types(await store.readStream(stream()))).toEqual(['A', 'B', 'C']);
      });

      it('appends a batch atomically: a bad event anywhere in it writes none', async () => {
        await store.appendToStream(stream(), [event('A')], { expectedRevision: 'no_stream' });
        const bad = [event('B'), event('C', { f: () => 1 })];
        await expect(store.appendToStream(stream(), bad, { expectedRevision: 0 })).rejects.toBeInstanceOf(InvalidEventError);
        expect(types(await store.readStream(stream()))).toEqual(['A']);
      });
    });

    describe('bad input', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const cases: [string, () => NewEvent[], string][] = [
        ['an empty batch', () => [], 'EMPTY_BATCH'],
        ['an event without a type', () => [{ id: randomUUID(), data: {} } as unknown as NewEvent], 'MISSING_TYPE'],
        ['an event with an empty type', () => [event('')], 'MISSING_TYPE'],
        ['an event whose id is not a UUID', () => [{ id: 'not-a-uuid', type: 'A', data: {} }], 'INVALID_ID'],
        ['the same id twice in one batch', () => { const e = event('A'); return [e, e]; }, 'DUPLICATE_ID'],
        ['data with a function', () => [event('A', { f: () => 1 })], 'NOT_SERIALISABLE'],
        ['data with a cycle', () => [event('A', cyclic)], 'NOT_SERIALISABLE'],
        ['data with NaN', () => [event('A', { amount: Number.NaN })], 'NOT_SERIALISABLE'],
        ['data that is undefined', () => [{ id: randomUUID(), type: 'A', data: undefined }], 'NOT_SERIALISABLE'],
        ['an event over 1 MiB', () => [event('A', { blob: 'x'.repeat(1024 * 1024) })], 'TOO_LARGE'],
      ];
      it.each(cases)('refuses %s with a typed error and writes nothing', async (_label, make, reason) => {
        const attempt = store.appendToStream(stream(), make(), { expectedRevision: 'no_stream' });
        await expect(attempt).rejects.toBeInstanceOf(InvalidEventError);
        await expect(attempt).rejects.toMatchObject({ reason });
        expect(await store.readStream(stream())).toEqual([]);
      });

      it('refuses a malformed expected revision and stream name', async () => {
        await expect(store.appendToStream(stream(), [event('A')], { expectedRevision: -1 })).rejects.toBeInstanceOf(RangeError);
        await expect(store.appendToStream('', [event('A')], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ reason: 'INVALID_STREAM' });
      });
    });

    describe('reading streams', () => {
      beforeEach(async () => {
        await store.appendToStream(stream(), ['E0', 'E1', 'E2', 'E3', 'E4'].map((t) => event(t)), { expectedRevision: 'no_stream' });
      });

      it('reads forwards from a revision with a maximum count', async () => {
        expect(types(await store.readStream(stream(), { fromRevision: 2, maxCount: 2 }))).toEqual(['E2', 'E3']);
      });

      it('reads backwards from the end and from a revision', async () => {
        expect(types(await store.readStream(stream(), { direction: 'backwards', maxCount: 2 }))).toEqual(['E4', 'E3']);
        expect(types(await store.readStream(stream(), { direction: 'backwards', fromRevision: 1 }))).toEqual(['E1', 'E0']);
      });

      it('reads a missing stream, or past its end, as empty', async () => {
        expect(await store.readStream(stream('never'))).toEqual([]);
        expect(await store.readStream(stream(), { fromRevision: 99 })).toEqual([]);
      });
    });

    describe('the global log', () => {
      it('orders events across streams by append order, with increasing positions', async () => {
        await store.appendToStream(stream('a'), [event('A1')], { expectedRevision: 'no_stream' });
        await store.appendToStream(stream('b'), [event('B1'), event('B2')], { expectedRevision: 'no_stream' });
        await store.appendToStream(stream('a'), [event('A2')], { expectedRevision: 0 });
        const all = await store.readAll({ filter: { streamCategories: [category] } });
        expect(types(all)).toEqual(['A1', 'B1', 'B2', 'A2']);
        for (let i = 1; i < all.length; i++) expect(all[i - 1]!.position < all[i]!.position).toBe(true);
        const backwards = await store.readAll({ direction: 'backwards', filter: { streamCategories: [category] }, maxCount: 4 });
        expect(types(backwards)).toEqual(['A2', 'B2', 'B1', 'A1']);
      });

      it('reads strictly after a position, in pages', async () => {
        for (let i = 0; i < 5; i++) await store.appendToStream(stream(`s${i}`), [event(`E${i}`)], { expectedRevision: 'no_stream' });
        const filter = { streamCategories: [category] };
        const first = await store.readAll({ filter, maxCount: 2 });
        const second = await store.readAll({ filter, maxCount: 2, after: first[1]!.position });
        const rest = await store.readAll({ filter, after: second[1]!.position });
        expect([...types(first), ...types(second), ...types(rest)]).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
        const before = await store.readAll({ filter, direction: 'backwards', after: rest[0]!.position });
        expect(types(before)).toEqual(['E3', 'E2', 'E1', 'E0']);
      });

      it('refuses a position it never handed out as bad input', async () => {
        for (const after of ['zz', '', 'ffffffffffffffffffffffffffffffffffff', '$all']) {
          await expect(store.readAll({ after: after as never, maxCount: 1 })).rejects.toBeInstanceOf(InvalidPositionError);
        }
      });

      it('filters by event type and by stream category', async () => {
        const other = freshCategory();
        await store.appendToStream(stream(), [event('Wanted'), event('Other'), event('Wanted')], { expectedRevision: 'no_stream' });
        await store.appendToStream(`${other}-x`, [event('Elsewhere')], { expectedRevision: 'no_stream' });
        const byType = await store.readAll({ filter: { eventTypes: ['Wanted', 'Elsewhere'] } });
        const mine = byType.filter((e) => e.streamName.startsWith(category) || e.streamName.startsWith(other));
        expect(types(mine)).toEqual(['Wanted', 'Wanted', 'Elsewhere']);
        expect(byType.every((e) => e.type === 'Wanted' || e.type === 'Elsewhere')).toBe(true);
        expect(types(await store.readAll({ filter: { streamCategories: [other] } }))).toEqual(['Elsewhere']);
      });

      it('reports the head position of the log', async () => {
        const result = await store.appendToStream(stream(), [event('A')], { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        expect(head !== undefined && head >= result.position).toBe(true);
      });
    });

    describe('catch-up subscriptions', () => {
      it('delivers history, then live events appended during the switch, without gaps or duplicates', async () => {
        for (let i = 0; i < 30; i++) await store.appendToStream(stream(`h${i}`), [event('History', { i })], { expectedRevision: 'no_stream' });
        const subscription = store.subscribeToAll({ filter: { streamCategories: [category] }, bufferSize: 8 });
        let live = 0;
        const seen = await collect(subscription, 60, async (_e, index) => {
          // Append while the subscription is still reading history, and again once it is live.
          if (index % 2 === 0 && live < 30) {
            await store.appendToStream(stream(`l${live}`), [event('Live', { i: live })], { expectedRevision: 'no_stream' });
            live++;
          }
        });
        await subscription.close();
        expect(seen.filter((e) => e.type === 'History').map((e) => (e.data as { i: number }).i)).toEqual([...Array(30).keys()]);
        expect(seen.filter((e) => e.type === 'Live').map((e) => (e.data as { i: number }).i)).toEqual([...Array(30).keys()]);
        expect(new Set(seen.map((e) => e.id)).size).toBe(60);
        for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.position < seen[i]!.position).toBe(true);
      });

      it('resumes strictly after a checkpoint and receives events appended later', async () => {
        await store.appendToStream(stream(), [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
        const [, b] = await store.readStream(stream());
        const subscription = store.subscribeToAll({ after: b!.position, filter: { streamCategories: [category] } });
        setTimeout(() => void store.appendToStream(stream(), [event('D')], { expectedRevision: 2 }), 50);
        const seen = await collect(subscription, 2);
        await subscription.close();
        expect(types(seen)).toEqual(['C', 'D']);
      });

      it('filters live events by type', async () => {
        const subscription = store.subscribeToAll({ filter: { eventTypes: [`${category}Wanted`] } });
        await store.appendToStream(stream(), [event('Noise'), event(`${category}Wanted`, { n: 1 })], { expectedRevision: 'no_stream' });
        await store.appendToStream(stream(), [event(`${category}Wanted`, { n: 2 })], { expectedRevision: 1 });
        const seen = await collect(subscription, 2);
        await subscription.close();
        expect(seen.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
      });

      it('ends iteration when closed while waiting for live events', async () => {
        const subscription = store.subscribeToAll({ filter: { streamCategories: [category] } });
        setTimeout(() => void subscription.close(), 50);
        expect(await collect(subscription, 1)).toEqual([]);
      });
    });

    describe('serialisation and integrity', () => {
      it('round-trips bigints, dates, unicode and metadata', async () => {
        const data = { big: 2n ** 70n, at: new Date('2026-11-22T10:00:00.000Z'), text: 'café ☕ 🧾', nested: { list: [1, null, 'x'] } };
        const metadata = { tenant: 'acme', commandId: randomUUID(), occurredAt: '2026-11-22T10:00:00.000Z' };
        await store.appendToStream(stream(), [event('Typed', data, metadata)], { expectedRevision: 'no_stream' });
        const [read] = await store.readStream(stream());
        expect(read!.data).toEqual(data);
        expect(read!.metadata).toEqual(metadata);
      });

      it('links every event to the previous one of its stream by hash, verifiably', async () => {
        await store.appendToStream(stream(), [event('A', { v: 1 }), event('B', { v: 2 })], { expectedRevision: 'no_stream' });
        await store.appendToStream(stream(), [event('C', { v: 3 })], { expectedRevision: 1 });
        const events = await store.readStream(stream(), { raw: true });
        expect(events[0]!.chain.previousHash).toBeNull();
        expect(events[1]!.chain.previousHash).toBe(events[0]!.chain.hash);
        expect(events[2]!.chain.previousHash).toBe(events[1]!.chain.hash);
        expect(verifyChain(events)).toEqual({ ok: true, checked: 3 });
        const altered = events.map((e, i) => (i === 1 ? { ...e, data: { v: 20 } } : e));
        expect(verifyChain(altered)).toMatchObject({ ok: false, brokenAt: 1 });
      });
    });

    describe('stream metadata', () => {
      it('stores and returns the tenant of a stream; a stream without metadata has none', async () => {
        expect(await store.getStreamMetadata(stream())).toBeUndefined();
        await store.setStreamMetadata(stream(), { tenant: 'acme-cleaning' });
        expect(await store.getStreamMetadata(stream())).toMatchObject({ tenant: 'acme-cleaning' });
        await store.setStreamMetadata(stream(), { tenant: 'acme-cleaning', region: 'ca' });
        expect(await store.getStreamMetadata(stream())).toMatchObject({ tenant: 'acme-cleaning', region: 'ca' });
      });
    });
  });
}
