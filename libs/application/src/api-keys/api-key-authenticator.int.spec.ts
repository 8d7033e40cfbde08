// Goal: a key revoked through one process is refused by every other process within the bound the
// README states (the SQLite store's 250 ms poll, well under a second), although each process
// caches valid keys for 30 s; a revocation feed that fails is logged, the cache is then trusted
// only briefly, and the feed re-opens without skipping a revocation; nothing is left running.
// Method: two SqliteEventStore instances on one file with the default poll interval, as two API
// processes would open it, each with its own authenticator and handlers; clocks that never move,
// so only the feed can make a cached key fail; poll with a deadline rather than sleep.
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { streamName, tenantDecider } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import type { EventSubscription, SqliteEventStoreOptions, SubscribeToAllOptions } from '@ledger/event-store';
import { ManualClock } from '../clock.port.js';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { CreateApiKeyCommand, CreateApiKeyHandler, RevokeApiKeyCommand, RevokeApiKeyHandler } from './api-keys.js';

/** The bound the README promises for another process; the SQLite poll interval is 250 ms. */
const REVOCATION_BOUND_MS = 1_000;
const TENANT = 'sparkle';

/** A store whose first subscriptions fail at once, as a dropped connection would. */
class FlakyStore extends SqliteEventStore {
  constructor(
    options: SqliteEventStoreOptions,
    public failures: number,
  ) {
    super(options);
  }

  override subscribeToAll(options?: SubscribeToAllOptions): EventSubscription {
    if (this.failures-- <= 0) return super.subscribeToAll(options);
    return {
      [Symbol.asyncIterator]: async function* () {
        await Promise.resolve();
        yield* [];
        throw new Error('connection lost');
      },
      close: () => Promise.resolve(),
    };
  }
}

function processOn(file: string, failures = 0) {
  const clock = new ManualClock();
  const store = new FlakyStore({ file }, failures);
  const runner = new DecisionRunner(store);
  const contexts = new CommandContexts(clock);
  const keys = new ApiKeyAuthenticator(store, clock);
  return {
    clock,
    keys,
    runner,
    contexts,
    create: (role = 'STAFF') => new CreateApiKeyHandler(runner, contexts).execute(new CreateApiKeyCommand({ tenantId: TENANT, role })),
    revoke: (keyId: string) => new RevokeApiKeyHandler(runner, contexts, keys).execute(new RevokeApiKeyCommand({ tenantId: TENANT, keyId })),
    close: async () => {
      await keys.onModuleDestroy();
      await store.close();
    },
  };
}
type Process = ReturnType<typeof processOn>;

/** How long until `on` refuses `key`; fails the test past the deadline. */
async function refusedWithin(on: Process, key: string, deadlineMs: number): Promise<number> {
  const started = performance.now();
  while ((await on.keys.authenticate(key)) !== undefined) {
    if (performance.now() - started > deadlineMs) throw new Error(`the key still works after ${deadlineMs} ms`);
    await sleep(5);
  }
  return performance.now() - started;
}

describe('API key revocation across processes', () => {
  let dir: string;
  let processes: Process[];
  let a: Process;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
    processes = [];
    a = start();
    const data = { tenantId: TENANT, slug: TENANT, name: 'Sparkle', currency: 'CAD', timeZone: 'UTC' };
    await a.runner.decide(streamName.tenant(TENANT), tenantDecider, {
      type: 'CreateTenant',
      data,
      context: a.contexts.create('t1', TENANT, { kind: 'SYSTEM', id: 'test' }),
    });
  });
  afterEach(async () => {
    for (const each of processes) await each.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(failures = 0): Process {
    const started = processOn(join(dir, 'events.db'), failures);
    processes.push(started);
    return started;
  }

  it('refuses a key in every process within the bound once one process revoked it', async () => {
    const b = start();
    const { key, keyId } = await a.create();
    expect(b.keys.followingRevocations).toBe(false);
    for (const each of [a, b]) expect(await each.keys.authenticate(key)).toMatchObject({ tenant: TENANT, role: 'STAFF', keyId });
    // Cached now, and the clocks never move: without the feed, both would accept it for good.
    expect(b.keys.followingRevocations).toBe(true);
    expect(await b.keys.authenticate(key)).toBeDefined();

    await a.revoke(keyId);
    expect(await a.keys.authenticate(key)).toBeUndefined();
    const elapsedMs = await refusedWithin(b, key, REVOCATION_BOUND_MS);
    expect(elapsedMs).toBeLessThan(REVOCATION_BOUND_MS);
    expect(await b.keys.authenticate(key)).toBeUndefined();
  });

  it('logs a failed feed, trusts the cache only briefly meanwhile, and re-opens without skipping a revocation', async () => {
    const logger = { log: jest.fn(), error: jest.fn() };
    const b = start(1);
    b.keys.configure({ logger, retryMinMs: 300 });
    const { key, keyId } = await a.create();
    expect(await b.keys.authenticate(key)).toBeDefined();
    await until(() => logger.error.mock.calls.length > 0);
    expect(String(logger.error.mock.calls[0]![0])).toMatch(/Following API key revocations failed \(connection lost\).*re-opens in 300 ms/);
    expect(b.keys.followingRevocations).toBe(false);

    // Revoked while b's feed is down: b's cached entry still answers, but only briefly.
    await a.revoke(keyId);
    b.clock.advance(ApiKeyAuthenticator.UNFOLLOWED_CACHE_MS - 1);
    expect(await b.keys.authenticate(key)).toBeDefined();
    // The re-opened feed starts where the failed one stopped, so it delivers that revocation.
    await until(() => b.keys.followingRevocations);
    await refusedWithin(b, key, REVOCATION_BOUND_MS);
    expect(logger.log).toHaveBeenCalledWith(expect.stringMatching(/Following API key revocations again/));
  });

  it('refuses after the short time limit while the feed is down, by reading the stream again', async () => {
    const logger = { log: jest.fn(), error: jest.fn() };
    const b = start(1);
    b.keys.configure({ logger, retryMinMs: 60_000 });
    const { key, keyId } = await a.create();
    expect(await b.keys.authenticate(key)).toBeDefined();
    await until(() => logger.error.mock.calls.length > 0);
    await a.revoke(keyId);
    b.clock.advance(ApiKeyAuthenticator.UNFOLLOWED_CACHE_MS);
    expect(await b.keys.authenticate(key)).toBeUndefined();
  });
});

async function until(condition: () => boolean, deadlineMs = 5_000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > deadlineMs) throw new Error('condition not met in time');
    await sleep(5);
  }
}
