// What only the embedded SQLite store must show, on real files: durability settings, group
// commit, refusing corrupt, foreign or newer files without touching them, surviving a reopen,
// seeing appends made through another connection, and upcasting on read.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreUnavailableError } from '../event-store.errors.js';
import type { NewEvent, RecordedEvent } from '../event-store.port.js';
import { EventSerde } from '../serde.js';
import { UpcasterRegistry, renamed } from '../upcasters.js';
import { SqliteEventStore } from './sqlite-event-store.adapter.js';

const event = (type: string, data: unknown = {}): NewEvent => ({ id: randomUUID(), type, data });

describe('SQLite event store file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-file-'));
    file = join(dir, 'events.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs in WAL mode with synchronous=FULL', async () => {
    const store = new SqliteEventStore({ file });
    await store.appendToStream('booking-1', [event('A')], { expectedRevision: 'no_stream' });
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // synchronous is a per-connection setting, so it is read through the store's own connection.
    const again = new SqliteEventStore({ file });
    expect((again as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(2);
    await again.close();
  });

  it('commits many concurrent appends together in a few durable transactions', async () => {
    const store = new SqliteEventStore({ file });
    await Promise.all(Array.from({ length: 64 }, (_, i) => store.appendToStream(`booking-${i}`, [event('A')], { expectedRevision: 'no_stream' })));
    // One queue, sent as two alternating groups so the writer always has the next one ready.
    expect(store.commitStats()).toEqual({ commits: 2, appends: 64 });
    expect(await store.readAll()).toHaveLength(64);
    await store.close();
  });

  it('keeps an append that failed in a group from affecting the others', async () => {
    const store = new SqliteEventStore({ file });
    const results = await Promise.allSettled([
      store.appendToStream('booking-1', [event('A')], { expectedRevision: 'no_stream' }),
      store.appendToStream('booking-2', [event('B')], { expectedRevision: 3 }),
      store.appendToStream('booking-3', [event('C')], { expectedRevision: 'no_stream' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.readAll()).map((e) => e.type)).toEqual(['A', 'C']);
    await store.close();
  });

  it('keeps what was appended across a reopen, and continues the same hash chain', async () => {
    const first = new SqliteEventStore({ file });
    await first.appendToStream('booking-1', [event('A'), event('B')], { expectedRevision: 'no_stream' });
    await first.close();
    const second = new SqliteEventStore({ file });
    await second.appendToStream('booking-1', [event('C')], { expectedRevision: 1 });
    const events = await second.readStream('booking-1');
    expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C']);
    expect(events[2]!.chain.previousHash).toBe(events[1]!.chain.hash);
    await second.close();
  });

  it('refuses a file that is not a SQLite database, leaving it byte for byte as it was', () => {
    writeFileSync(file, 'this is a spreadsheet, not a ledger'.repeat(200));
    const before = readFileSync(file);
    expect(() => new SqliteEventStore({ file })).toThrow(EventStoreUnavailableError);
    expect(() => new SqliteEventStore({ file })).toThrow(/not a SQLite database.*events\.db/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a SQLite database of another program without changing it', () => {
    const foreign = new Database(file);
    foreign.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)");
    foreign.close();
    expect(() => new SqliteEventStore({ file })).toThrow(/not the ledger's event store/);
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT total FROM invoices').pluck().get()).toBe(9.5);
    check.close();
  });

  it('refuses a file written by a newer schema version', async () => {
    await new SqliteEventStore({ file }).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteEventStore({ file })).toThrow(/newer version/);
  });

  it('refuses a truncated database file', async () => {
    const store = new SqliteEventStore({ file });
    await store.appendToStream('booking-1', Array.from({ length: 50 }, () => event('A', { pad: 'x'.repeat(2000) })), { expectedRevision: 'no_stream' });
    await store.close();
    const bytes = readFileSync(file);
    writeFileSync(file, Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(4096, 0xab)]));
    expect(() => {
      const broken = new SqliteEventStore({ file });
      void broken.readAll();
    }).toThrow(EventStoreUnavailableError);
  });

  it('accepts an event id used in another stream, as EventStoreDB does, while a retry in its own stream writes nothing', async () => {
    const store = new SqliteEventStore({ file });
    const shared = event('A');
    const first = await store.appendToStream('booking-1', [shared], { expectedRevision: 'no_stream' });
    await store.appendToStream('booking-2', [shared], { expectedRevision: 'no_stream' });
    expect(await store.appendToStream('booking-1', [shared], { expectedRevision: 'no_stream' })).toEqual(first);
    expect(await store.readStream('booking-1')).toHaveLength(1);
    await store.close();
  });

  it('delivers to a live subscription what another connection appends to the same file', async () => {
    const reader = new SqliteEventStore({ file, pollIntervalMs: 20 });
    const writer = new SqliteEventStore({ file });
    const subscription = reader.subscribeToAll();
    setTimeout(() => void writer.appendToStream('booking-9', [event('FromElsewhere')], { expectedRevision: 'no_stream' }), 30);
    let seen: RecordedEvent | undefined;
    for await (const e of subscription) {
      seen = e;
      break;
    }
    expect(seen?.type).toBe('FromElsewhere');
    await Promise.all([reader.close(), writer.close()]);
  });

  it('upcasts on read, while raw reads return the event as stored', async () => {
    const old = new SqliteEventStore({ file });
    await old.appendToStream('customer-1', [event('CardAdded', { cardId: 'c1' })], { expectedRevision: 'no_stream' });
    await old.close();
    const store = new SqliteEventStore({ file, serde: new EventSerde(new UpcasterRegistry().register(renamed('CardAdded', 'CardSaved'))) });
    expect((await store.readStream('customer-1'))[0]).toMatchObject({ type: 'CardSaved', data: { cardId: 'c1' } });
    expect((await store.readStream('customer-1', { raw: true }))[0]).toMatchObject({ type: 'CardAdded' });
    expect((await store.readAll({ filter: { eventTypes: ['CardAdded'] } }))[0]?.type).toBe('CardSaved');
    await store.close();
  });

  it('delivers a rare event to a filtered subscription past many thousands that do not match', async () => {
    const store = new SqliteEventStore({ file, pollIntervalMs: 20 });
    const noise = Array.from({ length: 50 }, (_, i) => store.appendToStream(`booking-n${i}`, Array.from({ length: 400 }, () => event('Noise')), { expectedRevision: 'no_stream' }));
    await Promise.all(noise);
    const subscription = store.subscribeToAll({ filter: { eventTypes: ['Rare'] } });
    setTimeout(() => void store.appendToStream('booking-rare', [event('Rare', { n: 1 })], { expectedRevision: 'no_stream' }), 30);
    let seen: RecordedEvent | undefined;
    for await (const e of subscription) {
      seen = e;
      break;
    }
    expect(seen).toMatchObject({ type: 'Rare', data: { n: 1 } });
    await store.close();
  });
});
