// Runs the shared read store contract against the SQLite adapter on a real file per test, and
// checks that the file is opened safely (a foreign file is refused, never overwritten).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readStoreContract } from '../contract/read-store.contract.js';
import type { ReadStore } from '../read-store.port.js';
import { ReadStoreUnavailableError } from '../read-store.errors.js';
import { SqliteReadStore } from './sqlite-read-store.adapter.js';

const dirs = new Map<ReadStore, string>();

readStoreContract('SQLite', {
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-rs-'));
    const store = new SqliteReadStore({ file: join(dir, 'read-models.db') });
    dirs.set(store, dir);
    return Promise.resolve(store);
  },
  dispose: async (store) => {
    await store.close();
    rmSync(dirs.get(store)!, { recursive: true, force: true });
    dirs.delete(store);
  },
});

describe('SQLite read store file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-rs-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps documents and checkpoints across reopening', async () => {
    const file = join(dir, 'read-models.db');
    const first = new SqliteReadStore({ file });
    await first.apply('p', { writes: [{ collection: 'booking_v1', key: 'k', doc: { v: 1 }, position: '01' as never }], checkpoint: '01' as never });
    await first.close();
    const second = new SqliteReadStore({ file });
    expect(await second.get('booking_v1', 'k')).toEqual({ v: 1 });
    expect(await second.listCollections()).toEqual(['booking_v1']);
    expect(await second.checkpoint('p')).toBe('01');
    await second.close();
  });

  it('refuses a file that is not SQLite, or another application database, and leaves it untouched', () => {
    const foreign = join(dir, 'notes.db');
    writeFileSync(foreign, 'these are not the read models');
    expect(() => new SqliteReadStore({ file: foreign })).toThrow(ReadStoreUnavailableError);
    expect(readFileSync(foreign, 'utf8')).toBe('these are not the read models');
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE stuff (x)');
    db.close();
    expect(() => new SqliteReadStore({ file: other })).toThrow(/not the ledger read models/);
  });
});
