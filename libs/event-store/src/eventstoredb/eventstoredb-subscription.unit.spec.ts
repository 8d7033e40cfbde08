// Goal: the EventSubscription wrapper yields converted events in order, holds back a fast source
// (back-pressure), ends when closed even while waiting, and always ends the server call. Method: a
// stand-in for the client's AllStreamSubscription (an object-mode stream with `unsubscribe`).
import { PassThrough } from 'node:stream';
import { jest } from '@jest/globals';
import type { AllStreamResolvedEvent, AllStreamSubscription } from '@kurrent/kurrentdb-client';
import type { RecordedEvent } from '../event-store.port.js';
import { EventStoreDbSubscription } from './eventstoredb-subscription.js';

interface FakeSource {
  readonly stream: PassThrough;
  readonly source: AllStreamSubscription;
  readonly unsubscribe: jest.Mock<() => Promise<void>>;
}

/** `endsOnCancel` mimics gRPC ending the stream on cancel; without it only destroy() can wake a reader. */
function fakeSource(highWaterMark = 4, endsOnCancel = true): FakeSource {
  const stream = new PassThrough({ objectMode: true, highWaterMark });
  const unsubscribe = jest.fn(() => {
    if (endsOnCancel) stream.end();
    return Promise.resolve();
  });
  return { stream, unsubscribe, source: Object.assign(stream, { unsubscribe }) };
}

const delivered = (n: number): AllStreamResolvedEvent => ({ commitPosition: BigInt(n) });
const convert = (resolved: AllStreamResolvedEvent): RecordedEvent | undefined =>
  resolved.commitPosition! % 2n === 0n ? ({ revision: Number(resolved.commitPosition) } as RecordedEvent) : undefined;

async function take(iterable: AsyncIterable<RecordedEvent>, count: number): Promise<number[]> {
  const seen: number[] = [];
  for await (const event of iterable) {
    seen.push(event.revision);
    if (seen.length === count) break;
  }
  return seen;
}

describe('EventStoreDB subscription', () => {
  it('yields converted events in order, skipping what the converter drops', async () => {
    const { stream, source } = fakeSource();
    for (let i = 0; i < 7; i++) stream.write(delivered(i));
    const subscription = new EventStoreDbSubscription(source, convert);
    expect(await take(subscription, 3)).toEqual([0, 2, 4]);
  });

  it('lets the source fill only its buffer while the consumer is busy', async () => {
    const { stream, source } = fakeSource(4);
    const subscription = new EventStoreDbSubscription(source, (r) => ({ revision: Number(r.commitPosition) }) as RecordedEvent);
    const iterator = subscription[Symbol.asyncIterator]();
    let accepted = 0;
    while (stream.write(delivered(accepted))) accepted++;
    // write() returning false is the signal that makes the client pause the gRPC call.
    expect(accepted).toBeLessThan(8);
    expect((await iterator.next()).value).toMatchObject({ revision: 0 });
    await subscription.close();
  });

  it('ends iteration when closed while waiting for a live event, even if the call does not end by itself', async () => {
    for (const endsOnCancel of [true, false]) {
      const { source, unsubscribe } = fakeSource(4, endsOnCancel);
      const subscription = new EventStoreDbSubscription(source, convert);
      setTimeout(() => void subscription.close(), 20);
      expect(await take(subscription, 1)).toEqual([]);
      expect(unsubscribe).toHaveBeenCalledTimes(1);
    }
  });

  it('ends the server call when the consumer stops early, and can be iterated once only', async () => {
    const { stream, source, unsubscribe } = fakeSource();
    stream.write(delivered(0));
    const subscription = new EventStoreDbSubscription(source, convert);
    expect(await take(subscription, 1)).toEqual([0]);
    expect(unsubscribe).toHaveBeenCalledTimes(1);
    await expect(take(subscription, 1)).rejects.toThrow('iterated only once');
    await subscription.close();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });

  it('passes a failure of the call to the consumer through the error mapping', async () => {
    const { stream, source } = fakeSource();
    const subscription = new EventStoreDbSubscription(source, convert, (error) => new Error(`mapped: ${(error as Error).message}`));
    setTimeout(() => stream.destroy(new Error('connection reset')), 10);
    await expect(take(subscription, 1)).rejects.toThrow('mapped: connection reset');
  });
});
