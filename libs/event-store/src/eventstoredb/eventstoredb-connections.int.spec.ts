// Goal: the KurrentDB adapter's connections are released and recovered: closing it ends its
// subscriptions and closes its JavaScript connection, opening and closing adapters again and
// again does not pile up connections (the native bridge, which cannot be closed, is reused), and
// a bridge whose first connection failed is replaced once the server is back instead of failing
// every read for good. Method: the real adapter and client against the KurrentDB test double,
// which owns the TCP connections and knows which library opened each one.
import { KurrentDbDouble } from '../../../testing/src/kurrentdb-double/index.js';
import { EventStoreUnavailableError } from '../event-store.errors.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter.js';
import { FAST, event, eventually, quietLogger } from './kurrentdb-double.fixture.js';

describe('the KurrentDB adapter and its connections', () => {
  let double: KurrentDbDouble;

  beforeAll(async () => {
    double = await KurrentDbDouble.start();
  });

  afterAll(async () => {
    await double.stop();
  });

  const open = (url = double.url): EventStoreDbEventStore => new EventStoreDbEventStore(url, undefined, { ...FAST, logger: quietLogger().logger });
  const openConnections = (client: 'js' | 'bridge') => double.connections().filter((connection) => connection.open && connection.client === client).length;

  it('leaves no JavaScript connection and one bridge connection behind, however many adapters came and went', async () => {
    for (let round = 0; round < 4; round++) {
      const store = open();
      const stream = `closing${round}x${Date.now().toString(36)}-a`;
      await store.appendToStream(stream, [event('Opened')], { expectedRevision: 'no_stream' });
      await store.readStream(stream);
      const subscription = store.subscribeToAll({ filter: { streamCategories: [stream.split('-')[0]!] } });
      for await (const delivered of subscription) if (delivered.type === 'Opened') break;
      await store.close();
    }
    await eventually('the JavaScript connections are closed', () => openConnections('js') === 0);
    expect(openConnections('bridge')).toBe(1);
    expect(double.connections().filter((connection) => connection.client === 'bridge')).toHaveLength(1);
  }, 15_000);

  it('ends its open subscriptions when it closes, and refuses to be used afterwards', async () => {
    const store = open();
    const subscription = store.subscribeToAll({ filter: { eventTypes: ['NeverWritten'] } });
    const ended = (async () => {
      for await (const delivered of subscription) void delivered;
    })();
    await eventually('live', () => subscription.status?.state === 'live');
    await store.close();
    await ended;
    expect(subscription.status?.state).toBe('closed');
    await expect(store.readStream('anything-1')).rejects.toThrow('closed');
  }, 10_000);

  it('replaces a bridge whose first connection failed once the server is back, so reads work again', async () => {
    // A connection string of its own, so this adapter gets a client (and a bridge) of its own.
    const store = open(`${double.url}&connectionName=cold-start`);
    const restarted = double.restart(1_200);
    await expect(store.readStream('cold-1')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await restarted;
    const deadline = Date.now() + 8_000;
    let answer: unknown;
    while (answer === undefined) {
      answer = await store.readStream('cold-1').catch((error: unknown) => {
        if (Date.now() > deadline) throw error;
        return new Promise((resolve) => setTimeout(resolve, 50)).then(() => undefined);
      });
    }
    expect(answer).toEqual([]);
    await store.close();
  }, 15_000);
});
