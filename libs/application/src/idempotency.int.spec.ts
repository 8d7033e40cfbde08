// Idempotency keys on a real SQLite event store: 50 concurrent requests with one key do the
// work once and all get its result; a different input with the same key is refused; rejections
// are replayed; a request whose worker crashed is resumed after the lease, exactly once; a
// request refused by its check before it began leaves nothing in the log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { ManualClock } from './clock.port.js';
import { IdempotencyGuard } from './idempotency.js';

describe('IdempotencyGuard', () => {
  let dir: string;
  let store: SqliteEventStore;
  let clock: ManualClock;
  let guard: IdempotencyGuard;
  const request = { tenant: 'acme', key: 'key-1', commandType: 'ChargeBooking', input: { bookingId: 'b1', amountMinor: 500 } };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-idem-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    clock = new ManualClock();
    guard = new IdempotencyGuard(store, clock).configure({ pollMs: 5, waitMs: 2_000, leaseMs: 30_000 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does the work once for 50 concurrent requests with one key, and gives all the same result', async () => {
    let calls = 0;
    const work = async (commandId: string) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { paymentId: `p-${commandId}` };
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => guard.run(request, work)));
    expect(calls).toBe(1);
    expect(new Set(results.map((r) => r.paymentId)).size).toBe(1);
    expect(await guard.run(request, work)).toEqual(results[0]);
    expect(calls).toBe(1);
  });

  it('refuses the same key with a different input, whatever the key order of the input', async () => {
    await guard.run(request, () => Promise.resolve('done'));
    await expect(guard.run({ ...request, input: { amountMinor: 500, bookingId: 'b1' } }, () => Promise.resolve('again'))).resolves.toBe('done');
    await expect(guard.run({ ...request, input: { bookingId: 'b1', amountMinor: 600 } }, () => Promise.resolve('x'))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('keeps keys of different tenants apart', async () => {
    await guard.run(request, () => Promise.resolve('acme'));
    await expect(guard.run({ ...request, tenant: 'other' }, () => Promise.resolve('other'))).resolves.toBe('other');
  });

  it('replays a rejection to a repeated request without doing the work again', async () => {
    let calls = 0;
    const work = () => {
      calls++;
      return Promise.reject(new DomainError('AMOUNT_EXCEEDS_BALANCE', 'too much', { remainingMinor: 100 }));
    };
    await expect(guard.run(request, work)).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_BALANCE' });
    await expect(guard.run(request, work)).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_BALANCE', details: { remainingMinor: 100 } });
    expect(calls).toBe(1);
  });

  it('resumes a request whose worker crashed, once its lease has passed, exactly once', async () => {
    await expect(guard.run(request, () => Promise.reject(new Error('process killed')))).rejects.toThrow('process killed');
    const quick = new IdempotencyGuard(store, clock).configure({ pollMs: 5, waitMs: 30, leaseMs: 30_000 });
    await expect(quick.run(request, () => Promise.resolve('too early'))).rejects.toMatchObject({ code: 'REQUEST_IN_PROGRESS' });
    clock.advance(31_000);
    let calls = 0;
    const resumed = await Promise.all(
      Array.from({ length: 10 }, () =>
        guard.run(request, () => {
          calls++;
          return Promise.resolve('resumed');
        }),
      ),
    );
    expect(resumed).toEqual(Array(10).fill('resumed'));
    expect(calls).toBe(1);
  });

  it('refuses a missing or oversized key', async () => {
    await expect(guard.run({ ...request, key: '' }, () => Promise.resolve(1))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(guard.run({ ...request, key: 'k'.repeat(256) }, () => Promise.resolve(1))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  describe('checks before the claim', () => {
    const refuse = () => Promise.reject(new DomainError('NOT_FOUND', 'Booking b1 does not exist', { bookingId: 'b1' }));

    it('records nothing for a request its check refuses, so a repeat is decided again', async () => {
      let calls = 0;
      const work = () => Promise.resolve(++calls);
      await expect(guard.run(request, work, refuse)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(guard.run(request, work, refuse)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await store.headPosition()).toBeUndefined();
      // Once the booking exists, the same key does the work: nothing was kept of the refusals.
      await expect(guard.run(request, work, () => Promise.resolve())).resolves.toBe(1);
      expect(calls).toBe(1);
    });

    it('replays the first answer to a repeat whose check would now refuse it', async () => {
      await guard.run(request, () => Promise.resolve('charged'), () => Promise.resolve());
      // The booking is paid now, so a fresh check would refuse; the repeat gets the first result.
      await expect(guard.run(request, () => Promise.resolve('twice'), refuse)).resolves.toBe('charged');
    });

    it('keeps a rejection met after the work began, for every repeat', async () => {
      let calls = 0;
      const work = () => {
        calls++;
        return Promise.reject(new DomainError('AMOUNT_EXCEEDS_BALANCE', 'a concurrent payment took the balance', {}));
      };
      await expect(guard.run(request, work, () => Promise.resolve())).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_BALANCE' });
      await expect(guard.run(request, work, () => Promise.resolve())).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_BALANCE' });
      expect(calls).toBe(1);
      expect((await store.readAll()).map((event) => event.type)).toEqual(['IdempotencyKeyClaimed', 'IdempotentCommandRejected']);
    });

    it('lets an outage in the check through, recording nothing', async () => {
      await expect(guard.run(request, () => Promise.resolve(1), () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
      expect(await store.headPosition()).toBeUndefined();
    });
  });
});
