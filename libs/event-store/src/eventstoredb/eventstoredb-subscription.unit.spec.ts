// Goal: the EventSubscription over KurrentDB yields converted events in order, holds back a fast
// source (back-pressure), ends when closed even while waiting, always ends the server call, and
// resumes after a lost call from the last position it reached (event or checkpoint), with
// growing pauses, until it gives up and says so in its status. Method: stand-ins for the client's
// AllStreamSubscription (object-mode streams with `unsubscribe`), one per opening.
import { PassThrough } from 'node:stream';
import { jest } from '@jest/globals';
import { AccessDeniedError, UnavailableError } from '@kurrent/kurrentdb-client';
import type { AllStreamResolvedEvent, AllStreamSubscription } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError } from '../event-store.errors.js';
import type { RecordedEvent } from '../event-store.port.js';
import { encodePosition } from '../position.js';
import type { Position } from '../position.js';
import { EventStoreDbSubscription } from './eventstoredb-subscription.js';
import type { CheckpointMarker } from './eventstoredb-subscription.js';

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

const at = (n: number): Position => encodePosition(BigInt(n), BigInt(n));
const delivered = (n: number): AllStreamResolvedEvent =>
  ({ event: { id: `e${n}`, streamId: 's-1', position: { commit: BigInt(n), prepare: BigInt(n) } } }) as unknown as AllStreamResolvedEvent;
const checkpoint = (n: number): CheckpointMarker => ({ checkpoint: at(n) });
/** Odd events are dropped, as the client-side filter would drop them. */
const convert = (resolved: AllStreamResolvedEvent): RecordedEvent | undefined => {
  const n = Number(resolved.event!.position.commit);
  return n % 2 === 0 ? ({ revision: n, position: at(n) } as RecordedEvent) : undefined;
};
const policy = { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 };

function quietLogger() {
  const lines: string[] = [];
  return { lines, logger: { log: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) } };
}

/** A subscription whose n-th opening gets the n-th stand-in; records where each opening started. */
function subscriptionOver(sources: FakeSource[], after?: Position) {
  const openedAfter: (Position | undefined)[] = [];
  const { lines, logger } = quietLogger();
  const open = (from: Position | undefined): AllStreamSubscription => {
    openedAfter.push(from);
    const next = sources[openedAfter.length - 1];
    if (!next) throw new Error('no more stand-ins');
    return next.source;
  };
  return { subscription: new EventStoreDbSubscription(open, convert, after, policy, logger), openedAfter, lines };
}

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
    const first = fakeSource();
    for (let i = 0; i < 7; i++) first.stream.write(delivered(i));
    expect(await take(subscriptionOver([first]).subscription, 3)).toEqual([0, 2, 4]);
  });

  it('lets the source fill only its buffer while the consumer is busy', async () => {
    const first = fakeSource(4);
    const { subscription } = subscriptionOver([first]);
    const iterator = subscription[Symbol.asyncIterator]();
    let accepted = 0;
    while (first.stream.write(delivered(accepted * 2))) accepted++;
    // write() returning false is the signal that makes the client pause the gRPC call.
    expect(accepted).toBeLessThan(8);
    expect((await iterator.next()).value).toMatchObject({ revision: 0 });
    await subscription.close();
  });

  it('ends iteration when closed while waiting for a live event, even if the call does not end by itself', async () => {
    for (const endsOnCancel of [true, false]) {
      const first = fakeSource(4, endsOnCancel);
      const { subscription } = subscriptionOver([first]);
      setTimeout(() => void subscription.close(), 20);
      expect(await take(subscription, 1)).toEqual([]);
      expect(first.unsubscribe).toHaveBeenCalled();
      expect(subscription.status.state).toBe('closed');
    }
  });

  it('ends the server call when the consumer stops early, and can be iterated once only', async () => {
    const first = fakeSource();
    first.stream.write(delivered(0));
    const { subscription } = subscriptionOver([first]);
    expect(await take(subscription, 1)).toEqual([0]);
    expect(first.unsubscribe).toHaveBeenCalled();
    await expect(take(subscription, 1)).rejects.toThrow('iterated only once');
  });

  it('resumes after a lost call, strictly after the last event handed out, and reports it', async () => {
    const [first, second] = [fakeSource(), fakeSource()];
    [0, 2].forEach((n) => first.stream.write(delivered(n)));
    // Event 0 is at the starting checkpoint itself, so it is not delivered.
    const { subscription, openedAfter, lines } = subscriptionOver([first, second], at(0));
    const iterator = subscription[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ revision: 2 });
    first.stream.destroy(new UnavailableError());
    // The resumed call repeats an event it should not have; the duplicate is dropped.
    [2, 4].forEach((n) => second.stream.write(delivered(n)));
    expect((await iterator.next()).value).toMatchObject({ revision: 4 });
    expect(openedAfter).toEqual([at(0), at(2)]);
    expect(subscription.status).toMatchObject({ state: 'catching-up', reconnects: 1, position: at(4) });
    expect(subscription.status.lastError).toContain('UnavailableError');
    expect(lines.join('\n')).toContain(`resuming after ${at(2)}`);
    await subscription.close();
  });

  it('resumes after the server completes the call, from a later checkpoint when the server sent one', async () => {
    const [first, second] = [fakeSource(), fakeSource()];
    first.stream.write(delivered(2));
    first.stream.write(delivered(3));
    first.stream.write(checkpoint(9));
    first.stream.end();
    second.stream.write(delivered(10));
    const { subscription, openedAfter } = subscriptionOver([first, second]);
    expect(await take(subscription, 2)).toEqual([2, 10]);
    expect(openedAfter).toEqual([undefined, at(9)]);
  });

  it('gives up after the policy allows, says failed, and ends the iteration with an unavailable error', async () => {
    const sources = [fakeSource(), fakeSource(), fakeSource(), fakeSource()];
    for (const { stream } of sources) {
      // Some fail before they are opened; the subscription meets the error when it reads them.
      stream.on('error', () => undefined);
      setTimeout(() => stream.destroy(new UnavailableError()), 1);
    }
    const { subscription, openedAfter, lines } = subscriptionOver(sources);
    await expect(take(subscription, 1)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(openedAfter).toHaveLength(4);
    expect(subscription.status).toMatchObject({ state: 'failed', reconnects: 3 });
    expect(lines.at(-1)).toContain('stopped for good');
  });

  it('does not retry an answer that retrying cannot change', async () => {
    const first = fakeSource();
    setTimeout(() => first.stream.destroy(new AccessDeniedError()), 1);
    const { subscription, openedAfter } = subscriptionOver([first, fakeSource()]);
    await expect(take(subscription, 1)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(openedAfter).toHaveLength(1);
    expect(subscription.status.state).toBe('failed');
  });

  it('stops pausing at once when closed while waiting to resume', async () => {
    const first = fakeSource();
    setTimeout(() => first.stream.destroy(new UnavailableError()), 1);
    const { lines, logger } = quietLogger();
    const subscription = new EventStoreDbSubscription(() => first.source, convert, undefined, { ...policy, initialDelayMs: 60_000 }, logger);
    const taken = take(subscription, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(subscription.status.state).toBe('reconnecting');
    await subscription.close();
    expect(await taken).toEqual([]);
    expect(lines).toHaveLength(1);
  });
});
