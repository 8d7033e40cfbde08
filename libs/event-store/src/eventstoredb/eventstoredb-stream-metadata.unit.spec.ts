// Goal: the port's stream metadata live as custom properties of EventStoreDB stream metadata, next
// to the server's own `$` settings, which a write keeps; every write states the metastream revision
// it read. Method: a stand-in client holding one metastream in memory, shaped like the real one.
import { NO_STREAM, StreamNotFoundError, WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import type { AppendStreamState, EventData, KurrentDBClient, ReadStreamOptions, ResolvedEvent } from '@kurrent/kurrentdb-client';
import { EventSerde } from '../serde.js';
import { assertCustomMetadata, getCustomMetadata, setCustomMetadata } from './eventstoredb-stream-metadata.js';

interface Append {
  readonly streamName: string;
  readonly state: AppendStreamState | undefined;
  readonly data: unknown;
}

function fakeClient(initial?: Record<string, unknown>, conflicts = 0) {
  const documents: Record<string, unknown>[] = initial ? [initial] : [];
  const appends: Append[] = [];
  let remainingConflicts = conflicts;
  const client = {
    readStream(streamName: string, options: ReadStreamOptions): AsyncIterable<ResolvedEvent> {
      expect(streamName).toBe('$$booking-1');
      expect(options).toMatchObject({ direction: 'backwards', fromRevision: 'end', maxCount: 1 });
      // eslint-disable-next-line @typescript-eslint/require-await -- the client's reads are async iterables
      return (async function* () {
        if (documents.length === 0) throw new StreamNotFoundError(undefined, streamName);
        const revision = BigInt(documents.length - 1);
        yield { event: { streamId: streamName, id: 'x', type: '$metadata', isJson: true, revision, created: new Date(), data: documents.at(-1)!, metadata: undefined } };
      })();
    },
    appendToStream(streamName: string, event: EventData, options?: { streamState?: AppendStreamState }): Promise<unknown> {
      appends.push({ streamName, state: options?.streamState, data: event.data });
      if (remainingConflicts-- > 0) {
        documents.push({ other: 'writer' });
        return Promise.reject(new WrongExpectedVersionError(undefined, { streamName, expected: NO_STREAM, current: 0n }));
      }
      documents.push(event.data as Record<string, unknown>);
      return Promise.resolve({ success: true, nextExpectedRevision: BigInt(documents.length - 1) });
    },
  };
  return { client: client as unknown as KurrentDBClient, appends, documents };
}

const serde = new EventSerde();

describe('EventStoreDB stream metadata', () => {
  it('reads a stream without metadata, or with server settings only, as none', async () => {
    expect(await getCustomMetadata(fakeClient().client, serde, 'booking-1')).toBeUndefined();
    expect(await getCustomMetadata(fakeClient({ $maxAge: 60 }).client, serde, 'booking-1')).toBeUndefined();
  });

  it('creates the metastream with NO_STREAM and reads the custom properties back, with their types', async () => {
    const { client, appends } = fakeClient();
    const since = new Date('2026-01-01T00:00:00.000Z');
    await setCustomMetadata(client, serde, 'booking-1', { tenant: 'acme', since, limitMinor: 10n ** 20n });
    expect(appends).toEqual([{ streamName: '$$booking-1', state: NO_STREAM, data: expect.objectContaining({ tenant: 'acme' }) as unknown }]);
    expect(await getCustomMetadata(client, serde, 'booking-1')).toEqual({ tenant: 'acme', since, limitMinor: 10n ** 20n });
  });

  it("keeps the server's settings, replaces the custom properties, and states the revision it read", async () => {
    const { client, appends } = fakeClient({ $acl: { $r: 'ops' }, tenant: 'old', region: 'eu' });
    await setCustomMetadata(client, serde, 'booking-1', { tenant: 'acme', maxCount: 3 });
    expect(appends[0]).toEqual({ streamName: '$$booking-1', state: 0n, data: { $acl: { $r: 'ops' }, tenant: 'acme', maxCount: 3 } });
    expect(await getCustomMetadata(client, serde, 'booking-1')).toEqual({ tenant: 'acme', maxCount: 3 });
  });

  it('retries on a concurrent metadata write, then gives up after a few attempts', async () => {
    const retried = fakeClient(undefined, 1);
    await setCustomMetadata(retried.client, serde, 'booking-1', { tenant: 'acme' });
    expect(retried.appends.map((a) => a.state)).toEqual([NO_STREAM, 0n]);
    const stuck = fakeClient(undefined, 99);
    await expect(setCustomMetadata(stuck.client, serde, 'booking-1', { tenant: 'acme' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(stuck.appends).toHaveLength(5);
  });

  it('refuses keys the server would take as its own settings', () => {
    expect(() => assertCustomMetadata({ $maxAge: 1 })).toThrow(RangeError);
    expect(() => assertCustomMetadata([1])).toThrow(RangeError);
    expect(() => assertCustomMetadata({ tenant: 'acme' })).not.toThrow();
  });
});
