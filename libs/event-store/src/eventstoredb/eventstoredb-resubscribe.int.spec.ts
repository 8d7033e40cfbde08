// Goal: a subscription to $all on KurrentDB outlives the server ending it (completed, UNAVAILABLE,
// a restart with every connection reset, a NotLeader answer when it resumes) without losing or
// repeating an event, resumes after the server's checkpoints rather than rescanning, and when
// it cannot resume says so: status `failed`, an error from its iteration, a log line. Method: the
// real adapter and client against the KurrentDB test double and its fault switches.
import { EventStoreUnavailableError } from '../event-store.errors.js';
import type { EventStore, EventSubscription, RecordedEvent } from '../event-store.port.js';
import { event, eventually, onKurrentDbDouble } from './kurrentdb-double.fixture.js';

/** Pulls events into `seen` until the subscription ends; the promise settles with its end. */
function drain(subscription: EventSubscription, seen: RecordedEvent[]): Promise<void> {
  return (async () => {
    for await (const delivered of subscription) seen.push(delivered);
  })();
}

async function appendOne(store: EventStore, stream: string, type: string, revision: number | 'no_stream'): Promise<void> {
  await store.appendToStream(stream, [event(type)], { expectedRevision: revision });
}

describe('KurrentDB subscriptions that lose their server', () => {
  const kurrent = onKurrentDbDouble();
  let category = 0;
  const fresh = (): string => `resume${Date.now().toString(36)}x${++category}`;

  for (const ending of ['completed', 'unavailable'] as const) {
    it(`resumes after the server ends it (${ending}), without a gap or a duplicate`, async () => {
      const store = kurrent.open();
      const cat = fresh();
      await appendOne(store, `${cat}-1`, 'Before', 'no_stream');
      const subscription = store.subscribeToAll({ filter: { streamCategories: [cat] } });
      const seen: RecordedEvent[] = [];
      const done = drain(subscription, seen);
      await eventually('the first event', () => seen.length === 1);
      expect(kurrent.double.faults.endSubscriptions(ending)).toBeGreaterThan(0);
      await appendOne(store, `${cat}-1`, 'After', 0);
      await eventually('the event appended after the loss', () => seen.length === 2);
      expect(seen.map((e) => e.type)).toEqual(['Before', 'After']);
      expect(subscription.status).toMatchObject({ reconnects: 1, position: seen[1]!.position });
      expect(kurrent.lines.join('\n')).toContain('The subscription to $all was lost');
      await subscription.close();
      await done;
    }, 10_000);
  }

  it('resumes after a restart that resets every connection, and when the first attempt meets NotLeader', async () => {
    const store = kurrent.open({ resubscribe: { initialDelayMs: 50, maxDelayMs: 400, maxAttempts: 30 }, appendAttempts: 8, appendRetryDelayMs: 100 });
    const cat = fresh();
    await appendOne(store, `${cat}-1`, 'Before', 'no_stream');
    const subscription = store.subscribeToAll({ filter: { eventTypes: ['Before', 'After'] } });
    const seen: RecordedEvent[] = [];
    const done = drain(subscription, seen);
    await eventually('the first event', () => seen.some((e) => e.streamName === `${cat}-1`));
    kurrent.double.faults.notLeader(1);
    await kurrent.double.restart(300);
    await appendOne(store, `${cat}-1`, 'After', 0);
    await eventually('the event appended after the restart', () => seen.filter((e) => e.streamName === `${cat}-1`).length === 2, 8_000);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(subscription.status?.state).toBe('live');
    await subscription.close();
    await done;
  }, 15_000);

  it("resumes after the server's last checkpoint, not after the last matching event", async () => {
    const store = kurrent.open();
    const cat = fresh();
    await appendOne(store, `${cat}-1`, 'Wanted', 'no_stream');
    for (let i = 0; i < 40; i++) await appendOne(store, `${cat}noise-${i}`, 'Noise', 'no_stream');
    const subscription = store.subscribeToAll({ filter: { eventTypes: ['Wanted'] } });
    const seen: RecordedEvent[] = [];
    const done = drain(subscription, seen);
    await eventually('the subscription is live', () => subscription.status?.state === 'live' && seen.length > 0);
    const opened = kurrent.double.calls.filter((call) => call.kind === 'subscribeToAll').length;
    kurrent.double.faults.endSubscriptions('completed');
    await eventually('resubscribed', () => kurrent.double.calls.filter((call) => call.kind === 'subscribeToAll').length === opened + 1);
    const resumedFrom = BigInt(kurrent.double.calls.filter((call) => call.kind === 'subscribeToAll').at(-1)!.from!);
    const noise = await store.readAll({ filter: { streamCategories: [`${cat}noise`] }, direction: 'backwards', maxCount: 1 });
    // Positions are commit then prepare, 16 hex digits each.
    expect(resumedFrom).toBe(BigInt(`0x${noise[0]!.position.slice(0, 16)}`));
    await subscription.close();
    await done;
  }, 10_000);

  it('gives up after its attempts, says failed, ends with an error, and logs it', async () => {
    const store = kurrent.open({ resubscribe: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } });
    const subscription = store.subscribeToAll({ filter: { streamCategories: [fresh()] } });
    const done = drain(subscription, []);
    await eventually('live', () => subscription.status?.state === 'live');
    kurrent.double.faults.notLeader(10);
    kurrent.double.faults.endSubscriptions('unavailable');
    await expect(done).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(subscription.status).toMatchObject({ state: 'failed', reconnects: 3 });
    expect(subscription.status?.lastError).toContain('NotLeader');
    expect(kurrent.lines.at(-1)).toContain('stopped for good');
  }, 10_000);
});
