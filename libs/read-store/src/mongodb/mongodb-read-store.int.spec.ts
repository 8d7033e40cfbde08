// Runs the shared read store contract against a real Mongo-wire server named by MONGODB_TEST_URL
// (locally FerretDB 1.24 on SQLite, started by `bash scripts/test-services.sh start`). FerretDB
// keeps its state between runs, so every test gets a database of its own, dropped afterwards.
// Without the variable the run shows one skipped "skipped: MONGODB_TEST_URL not set" line: there
// is no server to talk to, and a fake one would prove nothing about the adapter. It also checks
// that the server is recognised: FerretDB must get the path that works around its limits.
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { readStoreContract } from '../contract/read-store.contract.js';
import type { ReadStore } from '../read-store.port.js';
import { MongoReadStore } from './mongodb-read-store.adapter.js';

const url = process.env.MONGODB_TEST_URL;
const run = `rs_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;

if (url) {
  const databases = new Map<ReadStore, string>();
  let seq = 0;
  const admin = new MongoClient(url);
  afterAll(() => admin.close());

  readStoreContract('MongoDB', {
    open: () => {
      const database = `${run}_${++seq}`;
      const store = new MongoReadStore({ url, database });
      databases.set(store, database);
      return Promise.resolve(store);
    },
    dispose: async (store) => {
      await store.close();
      await admin.db(databases.get(store)).dropDatabase();
      databases.delete(store);
    },
  });

  describe('MongoDB read store server detection', () => {
    it('recognises FerretDB and gives it the compatible path, without transactions', async () => {
      const store = new MongoReadStore({ url, database: `${run}_detect` });
      expect(await store.describeServer()).toMatchObject({ kind: 'ferretdb', writePath: 'compatible', transactions: false });
      await store.close();
    });
  });
} else {
  readStoreContract('MongoDB', undefined, 'MONGODB_TEST_URL not set');
}
