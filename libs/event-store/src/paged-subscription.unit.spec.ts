// The paged catch-up subscription over a scripted page source: it reads only as fast as its
// consumer takes events (back-pressure), never re-delivers or skips across pages, and stops
// promptly when closed.
import type { RecordedEvent } from './event-store.port.js';
import { PagedSubscription } from './paged-subscription.js';
import type { PageSource, ScannedPage } from './paged-subscription.js';
import type { Position } from './position.js';

function fakeEvent(n: number): RecordedEvent {
  const position = n.toString(16).padStart(16, '0') as Position;
  return { id: `${n}`, type: 'E', data: { n }, metadata: {}, streamName: `s-${n}`, revision: 0, position, recordedAt: new Date(0), chain: { previousHash: null, hash: 'h' } };
}

class ScriptedLog implements PageSource {
  readonly events: RecordedEvent[] = [];
  reads = 0;
  private wake: (() => void) | undefined;

  append(count: number): void {
    for (let i = 0; i < count; i++) this.events.push(fakeEvent(this.events.length + 1));
    this.wake?.();
  }

  readPage(after: Position | undefined, maxCount: number): Promise<ScannedPage> {
    this.reads++;
    const events = this.events.filter((e) => after === undefined || e.position > after).slice(0, maxCount);
    const last = events[events.length - 1];
    const atHead = last === undefined || last === this.events[this.events.length - 1];
    return Promise.resolve({ events, scannedTo: last?.position ?? after, atHead });
  }

  waitForMore(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

describe('PagedSubscription', () => {
  it('fetches a page only when the consumer has taken the previous one', async () => {
    const log = new ScriptedLog();
    log.append(100);
    const iterator = new PagedSubscription(log, undefined, 10)[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) await iterator.next();
    expect(log.reads).toBe(1);
    await iterator.next();
    expect(log.reads).toBe(2);
  });

  it('delivers every event once, in order, across pages and into live appends', async () => {
    const log = new ScriptedLog();
    log.append(25);
    const subscription = new PagedSubscription(log, undefined, 10);
    const seen: number[] = [];
    for await (const event of subscription) {
      seen.push((event.data as { n: number }).n);
      if (seen.length === 25) setTimeout(() => log.append(5), 5);
      if (seen.length === 30) break;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('starts strictly after its checkpoint', async () => {
    const log = new ScriptedLog();
    log.append(5);
    const iterator = new PagedSubscription(log, fakeEvent(3).position, 10)[Symbol.asyncIterator]();
    expect(((await iterator.next()).value as RecordedEvent).data).toEqual({ n: 4 });
  });

  it('ends when closed while waiting for live events', async () => {
    const log = new ScriptedLog();
    const subscription = new PagedSubscription(log, undefined, 10);
    setTimeout(() => void subscription.close(), 10);
    const seen: RecordedEvent[] = [];
    for await (const event of subscription) seen.push(event);
    expect(seen).toEqual([]);
  });
});

describe('PagedSubscription status', () => {
  it('reports catching up, then live at the head with the last position handed out, then closed', async () => {
    const log = new ScriptedLog();
    log.append(3);
    const subscription = new PagedSubscription(log, undefined, 2);
    expect(subscription.status).toMatchObject({ state: 'catching-up', position: undefined, reconnects: 0 });
    const iterator = subscription[Symbol.asyncIterator]();
    await iterator.next();
    expect(subscription.status).toMatchObject({ state: 'catching-up', position: fakeEvent(1).position });
    await iterator.next();
    await iterator.next();
    const waiting = iterator.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(subscription.status).toMatchObject({ state: 'live', position: fakeEvent(3).position });
    await subscription.close();
    await waiting;
    expect(subscription.status.state).toBe('closed');
  });

  it('reports a failed source, with its reason, and ends the iteration with the error', async () => {
    const broken: PageSource = { readPage: () => Promise.reject(new Error('disk gone')), waitForMore: () => Promise.resolve() };
    const subscription = new PagedSubscription(broken, undefined, 2);
    await expect(subscription[Symbol.asyncIterator]().next()).rejects.toThrow('disk gone');
    expect(subscription.status).toMatchObject({ state: 'failed', lastError: 'disk gone' });
  });
});
