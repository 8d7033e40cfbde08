// Runs the shared event store contract against the SQLite adapter on a real file per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../contract/event-store.contract.js';
import type { EventStore } from '../event-store.port.js';
import { SqliteEventStore } from './sqlite-event-store.adapter.js';

const dirs = new Map<EventStore, string>();

eventStoreContract('SQLite', {
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-es-'));
    const store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 50 });
    dirs.set(store, dir);
    return Promise.resolve(store);
  },
  dispose: async (store) => {
    await store.close();
    rmSync(dirs.get(store)!, { recursive: true, force: true });
    dirs.delete(store);
  },
});
