// Goal: the KurrentDB test double answers the real `@kurrent/kurrentdb-client` (its JavaScript
// half and its native bridge) with KurrentDB's semantics for what the ledger relies on: expected
// revisions, idempotent re-appends, positions, $all reads and filters, catch-up subscriptions
// with checkpoints, MaxAppendSize and stream metadata. Method: drive the client directly and
// compare its answers with what KurrentDB's documentation and source say it answers.
import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import type { EventData, Position } from '@kurrent/kurrentdb-client';
import { KurrentDbDouble } from './index.js';

/** dispose() cancels the calls but leaves the channel open; a test must close it to let Jest exit. */
async function closeClient(client: KurrentDBClient): Promise<void> {
  await client.dispose();
  (await (client as unknown as { getChannel(): Promise<{ close(): void }> }).getChannel()).close();
}

const one = (type = 'Happened', data: Record<string, unknown> = {}): EventData => jsonEvent({ id: randomUUID(), type, data });

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

describe('KurrentDB test double', () => {
  let double: KurrentDbDouble;
  let client: KurrentDBClient;
  let seq = 0;
  const fresh = (): string => `double${randomUUID().slice(0, 8)}x${++seq}-1`;

  beforeAll(async () => {
    double = await KurrentDbDouble.start();
    client = KurrentDBClient.connectionString(double.url);
  });

  afterAll(async () => {
    await closeClient(client);
    await double.stop();
  });

  it('serves each half of the client the RPCs it uses: the bridge reads, the JavaScript half appends and subscribes', async () => {
    const stream = fresh();
    const before = double.calls.length;
    await client.appendToStream(stream, one(), { streamState: NO_STREAM });
    await collect(client.readStream(stream));
    await collect(client.readAll({ maxCount: 1 }));
    const subscription = client.subscribeToAll({ fromPosition: END });
    await new Promise((resolve) => subscription.once('confirmation', resolve));
    await subscription.unsubscribe();
    const calls = double.calls.slice(before).map(({ method, kind, client: by }) => `${by} ${method} ${kind}`);
    expect(calls).toEqual(expect.arrayContaining(['js BatchAppend append', 'bridge Read readStream', 'bridge Read readAll', 'js Read subscribeToAll']));
    expect(double.calls.filter((call) => call.method === 'GetSupportedMethods').map((call) => call.client).sort()).toEqual(['bridge', 'js']);
    expect(double.calls.some((call) => call.method === 'Append')).toBe(false);
  });

  it('checks expected revisions and reports what was expected and what the stream is at', async () => {
    const stream = fresh();
    await client.appendToStream(stream, [one(), one()], { streamState: NO_STREAM });
    const refused = (state: Parameters<KurrentDBClient['appendToStream']>[2]) => client.appendToStream(stream, one(), state);
    await expect(refused({ streamState: NO_STREAM })).rejects.toMatchObject({ expectedState: NO_STREAM, actualState: 1n });
    await expect(refused({ streamState: 0n })).rejects.toMatchObject({ expectedState: 0n, actualState: 1n });
    await expect(refused({ streamState: 7n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(client.appendToStream(fresh(), one(), { streamState: STREAM_EXISTS })).rejects.toMatchObject({ actualState: NO_STREAM });
    await expect(client.appendToStream(fresh(), one(), { streamState: 0n })).rejects.toMatchObject({ expectedState: 0n, actualState: NO_STREAM });
    await expect(refused({ streamState: STREAM_EXISTS })).resolves.toMatchObject({ nextExpectedRevision: 2n });
    await expect(refused({ streamState: ANY })).resolves.toMatchObject({ nextExpectedRevision: 3n });
  });

  it('treats the same ids at the same expected revision as the same append, and a half-new retry as a conflict', async () => {
    const stream = fresh();
    const batch = [one('A'), one('B')];
    const first = await client.appendToStream(stream, batch, { streamState: NO_STREAM });
    await client.appendToStream(stream, one('C'), { streamState: 1n });
    await expect(client.appendToStream(stream, batch, { streamState: NO_STREAM })).resolves.toEqual(first);
    await expect(client.appendToStream(stream, batch, { streamState: ANY })).resolves.toEqual(first);
    await expect(client.appendToStream(stream, [batch[0]!, one('New')], { streamState: NO_STREAM })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await collect(client.readStream(stream))).map((e) => e.event?.type)).toEqual(['A', 'B', 'C']);
  });

  it('answers a write with the position its last event is read at; reads $all forwards from a position and backwards before it', async () => {
    const stream = fresh();
    const written = await client.appendToStream(stream, [one('A'), one('B'), one('C')], { streamState: NO_STREAM });
    const events = (await collect(client.readStream(stream))).map((e) => e.event!);
    expect(events[2]!.position).toEqual(written.position);
    const middle: Position = events[1]!.position!;
    const forwards = await collect(client.readAll({ fromPosition: middle, direction: FORWARDS, maxCount: 2 }));
    expect(forwards.map((e) => e.event?.type)).toEqual(['B', 'C']);
    const backwards = await collect(client.readAll({ fromPosition: middle, direction: BACKWARDS, maxCount: 1 }));
    expect(backwards.map((e) => e.event?.type)).toEqual(['A']);
    const [newest] = await collect(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }));
    expect(newest?.event?.id).toBe(events[2]!.id);
    expect(events[0]!.position!.commit).toBe(events[0]!.position!.prepare);
  });

  it('filters $all on the server by event type or stream name, by regex or prefix, after its own bookkeeping', async () => {
    const stream = fresh();
    const category = stream.split('-')[0]!;
    await client.appendToStream(stream, [one(`${category}Wanted`), one('Other')], { streamState: NO_STREAM });
    const byType = await collect(client.readAll({ filter: eventTypeFilter({ prefixes: [`${category}Want`] }) }));
    expect(byType.map((e) => e.event?.type)).toEqual([`${category}Wanted`]);
    const byStream = await collect(client.readAll({ filter: streamNameFilter({ regex: `^${category}-` }) }));
    expect(byStream.map((e) => e.event?.type)).toEqual([`${category}Wanted`, 'Other']);
    const systemFirst = await collect(client.readAll({ fromPosition: START, maxCount: 1 }));
    expect(systemFirst[0]?.event?.streamId.startsWith('$')).toBe(true);
    const noSystem = await collect(client.readAll({ fromPosition: START, maxCount: 1, filter: eventTypeFilter({ regex: '^[^$]' }) }));
    expect(noSystem[0]?.event?.type.startsWith('$')).toBe(false);
  });

  it('refuses an append whose data, metadata and types together exceed MaxAppendSize, on both append RPCs', async () => {
    for (const batchAppend of [true, false]) {
      const small = await KurrentDbDouble.start({ maxAppendSizeBytes: 1_000, batchAppend });
      const smallClient = KurrentDBClient.connectionString(small.url);
      // 20 bytes of type (10 characters at two bytes), 900 of data, 81 of metadata: 1001.
      const over = jsonEvent({ type: 'TenLetters', data: 'd'.repeat(898), metadata: 'm'.repeat(79) });
      await expect(smallClient.appendToStream('sized-1', over, { streamState: NO_STREAM })).rejects.toMatchObject({ maxAppendSize: 1_000 });
      await expect(smallClient.appendToStream('sized-1', over, { streamState: NO_STREAM })).rejects.toBeInstanceOf(MaxAppendSizeExceededError);
      const under = jsonEvent({ type: 'TenLetters', data: 'd'.repeat(897), metadata: 'm'.repeat(79) });
      await expect(smallClient.appendToStream('sized-1', under, { streamState: NO_STREAM })).resolves.toMatchObject({ nextExpectedRevision: 0n });
      expect(small.calls.some((call) => call.method === (batchAppend ? 'BatchAppend' : 'Append'))).toBe(true);
      await closeClient(smallClient);
      await small.stop();
    }
  });

  it('subscribes: history, checkpoints every 32 events looked at, caught up, then live events', async () => {
    const category = fresh().split('-')[0]!;
    await client.appendToStream(`${category}-1`, one('Wanted'), { streamState: NO_STREAM });
    for (let i = 0; i < 40; i++) await client.appendToStream(`${category}noise-${i}`, one('Noise'), { streamState: NO_STREAM });
    const checkpoints: bigint[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: streamNameFilter({ prefixes: [`${category}-`], checkpointReached: (_subscription, position) => void checkpoints.push(position.commit) }),
    });
    const caughtUp = new Promise((resolve) => subscription.once('caughtUp', resolve));
    const seen: string[] = [];
    for await (const delivered of subscription) {
      seen.push(delivered.event!.type);
      if (seen.length === 1) {
        await caughtUp;
        await client.appendToStream(`${category}-1`, one('Live'), { streamState: 0n });
      }
      if (seen.length === 2) break;
    }
    await subscription.unsubscribe();
    expect(seen).toEqual(['Wanted', 'Live']);
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(checkpoints).toEqual([...checkpoints].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('keeps stream metadata as $metadata events in the $$ metastream', async () => {
    const stream = fresh();
    await client.setStreamMetadata(stream, { maxAge: 60, custom: 'tenant-1' } as never);
    const stored = await collect(client.readStream(`$$${stream}`));
    expect(stored.map((e) => e.event?.type)).toEqual(['$metadata']);
    await expect(client.getStreamMetadata(stream)).resolves.toMatchObject({ metadata: { maxAge: 60 } });
  });
});
