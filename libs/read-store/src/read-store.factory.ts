/** Chooses the read store the configuration names: MongoDB with MONGODB_URL, else a SQLite file. */
import type { Configuration } from '@ledger/config';
import { join } from 'node:path';
import { MongoReadStore } from './mongodb/mongodb-read-store.adapter.js';
import type { ReadStore } from './read-store.port.js';
import { SqliteReadStore } from './sqlite/sqlite-read-store.adapter.js';

export function createReadStore(config: Pick<Configuration, 'dataDir' | 'mongodbUrl'> & Partial<Pick<Configuration, 'mongodbTimeouts'>>): ReadStore {
  if (config.mongodbUrl) {
    // The database named in the URL's path, or `ledger` when it names none.
    const database = new URL(config.mongodbUrl).pathname.replace(/^\//, '') || 'ledger';
    return new MongoReadStore({ url: config.mongodbUrl, database, ...(config.mongodbTimeouts ? { timeouts: config.mongodbTimeouts } : {}) });
  }
  return new SqliteReadStore({ file: join(config.dataDir, 'read-models.db') });
}
