// Goal: the MongoDB timeouts an operator sets reach the read store, and a combination that would
// cut a slow but answering server off mid-write stops start-up with the variables named. Method:
// the real configuration loader and factory; the MongoDB client connects lazily, so nothing here
// talks to a server.
import { loadConfiguration } from '@ledger/config';
import { DEFAULT_MONGO_TIMEOUTS } from './mongodb/mongodb-timeouts.js';
import { MongoReadStore } from './mongodb/mongodb-read-store.adapter.js';
import { createReadStore } from './read-store.factory.js';

const MONGODB_URL = 'mongodb://db.example.com:27017/ledger';

describe('createReadStore on MongoDB', () => {
  it('bounds every operation by the defaults when nothing is set', async () => {
    const store = createReadStore(loadConfiguration({ MONGODB_URL }));
    expect(store).toBeInstanceOf(MongoReadStore);
    expect((store as MongoReadStore).timeouts).toEqual(DEFAULT_MONGO_TIMEOUTS);
    await store.close();
  });

  it('takes the timeouts set in the environment', async () => {
    const env = { MONGODB_URL, MONGODB_OPERATION_TIMEOUT_MS: '2000', MONGODB_SOCKET_TIMEOUT_MS: '4000', MONGODB_SERVER_SELECTION_TIMEOUT_MS: '1500' };
    const store = createReadStore(loadConfiguration(env)) as MongoReadStore;
    expect(store.timeouts).toEqual({ operationMs: 2_000, socketMs: 4_000, serverSelectionMs: 1_500 });
    await store.close();
  });

  it.each([
    [{ MONGODB_OPERATION_TIMEOUT_MS: 'soon' }, /MONGODB_OPERATION_TIMEOUT_MS must be a whole number of milliseconds/],
    [{ MONGODB_SOCKET_TIMEOUT_MS: '0' }, /MONGODB_SOCKET_TIMEOUT_MS must be a whole number of milliseconds/],
    [{ MONGODB_SERVER_SELECTION_TIMEOUT_MS: '2.5' }, /MONGODB_SERVER_SELECTION_TIMEOUT_MS must be a whole number/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfiguration({ MONGODB_URL, ...env })).toThrow(message);
  });

  it('refuses a socket timeout that does not leave the server its operation timeout', () => {
    const config = loadConfiguration({ MONGODB_URL, MONGODB_OPERATION_TIMEOUT_MS: '20000' });
    expect(() => createReadStore(config)).toThrow(/MONGODB_SOCKET_TIMEOUT_MS \(15000\) must be longer than MONGODB_OPERATION_TIMEOUT_MS \(20000\)/);
  });
});
