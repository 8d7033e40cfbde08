// Goal: /health/ready tells the truth about what keeps this instance's data moving. A projection
// retrying after a transient read-store error is shown as `retrying: <error> (n retries)` and the
// instance is not ready until a retry succeeds (before: `stopped: <error>`, and ready). Every
// subscription to the log (the projector's watcher, each process manager's, the API-key
// revocation feed's) has its own check: failed is not ready; losing its server is shown with how
// long, and is not ready past the tolerance, even while each attempt to resume flips it between
// `catching-up` and `reconnecting`; metrics count its reconnects.
// Method: one instance's projector host, process manager, authenticator and health controller,
// built by hand (readiness-testbed.ts). On SQLite, the subscriptions that should fail are opened on
// a second handle of the same file, which the test closes under them while the first still answers;
// a read store made to fail `get` transiently makes the projection retry. On the KurrentDB test
// double, a restart with the server away for a while makes the subscriptions reconnect.
import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { EventStoreDbEventStore, SqliteEventStore } from '@ledger/event-store';
import { ReadStoreTransientError, SqliteReadStore } from '@ledger/read-store';
// The double lives in the testing library; its folder has its own index.
import { KurrentDbDouble } from '../../../../libs/testing/src/kurrentdb-double/index.js';
import { registerSubscriptionMetrics } from '../observability/subscription-metrics.js';
import { paid, ReadinessBed, SubscribingElsewhere } from './readiness-testbed.js';

async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`Still not true after ${timeoutMs} ms: ${what}; last seen ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

beforeAll(() => {
  Logger.overrideLogger(false);
});

describe('readiness on SQLite', () => {
  let dir: string;
  let events: SqliteEventStore;
  let other: SqliteEventStore;
  let reads: SqliteReadStore;
  let bed: ReadinessBed | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-readiness-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 20 });
    other = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 20 });
    reads = new SqliteReadStore({ file: join(dir, 'reads.db') });
    await events.appendToStream('booking-a', [paid()], { expectedRevision: 'no_stream' });
  });
  afterEach(async () => {
    await bed?.stop();
    bed = undefined;
    await Promise.all([events.close(), other.close(), reads.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every subscription up while the log is followed', async () => {
    bed = new ReadinessBed(events, reads);
    await bed.start();
    const ready = await until('ready', () => bed!.ready(), (answer) => answer.code === 200);
    expect(ready.checks).toMatchObject({
      'projection:counts': 'up',
      'process-manager:counter': 'up',
      'subscription:projector': 'up',
      'subscription:process-manager:counter': 'up',
      'subscription:api-key-revocations': 'up',
    });
  });

  it('is not ready once a subscription failed under its consumer, and says which', async () => {
    bed = new ReadinessBed(new SubscribingElsewhere(events, (options) => (options.filter?.eventTypes?.includes('ApiKeyRevoked') ? events : other)), reads);
    await bed.start();
    await other.close();
    const answer = await until('the failures shown', () => bed!.ready(), (seen) => /^failed/.test(seen.checks['process-manager:counter'] ?? ''));
    expect(answer.code).toBe(503);
    expect(answer.checks['subscription:projector']).toMatch(/^failed \(0 reconnects\): .+/);
    expect(answer.checks['process-manager:counter']).toMatch(/^failed: /);
    expect(answer.checks).toMatchObject({ eventStore: 'up', 'subscription:api-key-revocations': 'up' });
  });

  it('stays ready while the revocation feed re-opens within the tolerance, and is not ready past it', async () => {
    bed = new ReadinessBed(new SubscribingElsewhere(events, (options) => (options.filter?.eventTypes?.includes('ApiKeyRevoked') ? other : events)), reads);
    await bed.start();
    bed.keys.configure({ retryMinMs: 50, retryMaxMs: 100, logger: { log: () => undefined, error: () => undefined } });
    await other.close();
    const reopening = await until('the feed reconnecting', () => bed!.ready(), (seen) => /^reconnecting/.test(seen.checks['subscription:api-key-revocations'] ?? ''));
    expect(reopening.code).toBe(200);
    expect(reopening.checks['subscription:api-key-revocations']).toMatch(/^reconnecting for \d+ s \(\d+ reconnects?\): .+/);
    bed.health.toleranceMs = 300;
    const tooLong = await until('past the tolerance', () => bed!.ready(), (seen) => seen.code === 503);
    expect(tooLong.checks['subscription:api-key-revocations']).toMatch(/^reconnecting for \d+ s, longer than 0.3 s \(\d+ reconnects\): .+/);
    expect(Object.entries(tooLong.checks).filter(([, check]) => check !== 'up')).toHaveLength(1);
  });

  it('is not ready while a projection retries after a transient read-store error, and says why and how often', async () => {
    let storeDown = false;
    const get = reads.get.bind(reads);
    reads.get = (collection, key) => (storeDown ? Promise.reject(new ReadStoreTransientError('TIMEOUT', 'the read store timed out')) : get(collection, key));
    bed = new ReadinessBed(events, reads, { retry: { initialMs: 100, maxMs: 200 } });
    await bed.start();
    expect((await until('ready', () => bed!.ready(), (answer) => answer.code === 200)).checks['projection:counts']).toBe('up');
    storeDown = true;
    const retrying = await until('retrying twice', () => bed!.ready(), (seen) => /\(([2-9]|\d\d+) retries\)$/.test(seen.checks['projection:counts'] ?? ''));
    expect(retrying.code).toBe(503);
    expect(retrying.checks['projection:counts']).toMatch(/^retrying: the read store timed out \(\d+ retries\)$/);
    storeDown = false;
    expect((await until('ready again', () => bed!.ready(), (answer) => answer.code === 200)).checks['projection:counts']).toBe('up');
  });
});

describe('readiness on the KurrentDB test double', () => {
  let double: KurrentDbDouble;
  let dir: string;
  let store: EventStoreDbEventStore;
  let reads: SqliteReadStore;
  let bed: ReadinessBed;
  const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    double = await KurrentDbDouble.start();
  });
  afterAll(() => double.stop());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-readiness-'));
    reads = new SqliteReadStore({ file: join(dir, 'reads.db') });
    store = new EventStoreDbEventStore(double.url, undefined, { logger: quiet, resubscribe: { initialDelayMs: 50, maxDelayMs: 200, maxAttempts: 200 } });
    bed = new ReadinessBed(store, reads);
  });
  afterEach(async () => {
    await bed.stop();
    await Promise.all([store.close(), reads.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a server lost for longer than the tolerance as not ready though each attempt to resume restarts `since`, then up again, with the reconnects counted', async () => {
    await store.appendToStream(`booking-k${Date.now().toString(36)}`, [paid()], { expectedRevision: 'no_stream' });
    await bed.start();
    await until('every subscription live', () => Promise.resolve(bed.health.checks()), (checks) => checks.length === 3 && checks.every((check) => check.check === 'up'));
    // The manager's checkpoint is stored first: a save that met the outage would stop the manager
    // for good (the runner does not retry a checkpoint append whose outcome is unknown), which is
    // another matter than what this test is about.
    await until('the checkpoint stored', () => store.readStream('checkpoint-counter'), (saved) => saved.some((event) => event.type === 'CheckpointStored'));
    bed.health.toleranceMs = 1_000;
    const metrics = new Registry();
    registerSubscriptionMetrics(metrics, bed.health);
    const away = double.restart(3_000);
    const lost = await until(
      'the process manager judged lost too long',
      () => Promise.resolve(bed.health.checks()),
      (checks) => checks.some((check) => check.consumer === 'process-manager:counter' && !check.ready),
    );
    expect(lost.find((check) => check.consumer === 'process-manager:counter')!.check).toMatch(/^reconnecting for \d+ s, longer than 1 s \(\d+ reconnects\)/);
    await away;
    await until('every subscription up again', () => Promise.resolve(bed.health.checks()), (checks) => checks.every((check) => check.ready && check.check === 'up'), 15_000);
    expect(await metrics.metrics()).toMatch(/ledger_event_subscription_reconnects_total\{consumer="process-manager:counter"\} [1-9]\d*/);
    expect(await metrics.metrics()).toMatch(/ledger_event_subscription_state\{consumer="projector",state="live"\} 1/);
  }, 30_000);
});
