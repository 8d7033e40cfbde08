// The process-manager runner on the real SQLite event store: it delivers only the manager's
// event types, stores its checkpoint in the store every N events or T ms, resumes from it after
// stop/start (payment automation does not charge again), skips and counts rejected events, and
// stops with an error naming the event for anything else, without checkpointing past it.
import { bookingDecider, defaultPaymentSettings, DomainError, streamName, tenantDecider } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import { Testbed } from '../testing/testbed.js';
import { withProviders } from '../testing/with-providers.js';
import { PaymentAutomation } from './payment-automation.js';
import { checkpointStreamName, ProcessManagerRunner } from './process-manager-runner.js';
import type { ProcessManager, ProcessManagerRunnerOptions } from './process-manager-runner.js';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Records what it was handed; `react` decides what handling an event does. */
function recorder(react: (event: RecordedEvent) => Promise<string> = () => Promise.resolve('seen'), name = 'recorder') {
  const seen: RecordedEvent[] = [];
  const manager: ProcessManager = {
    name,
    eventTypes: ['BookingCreated'],
    handle: (event) => {
      seen.push(event);
      return react(event);
    },
  };
  return { manager, seen };
}

describe('process manager runner', () => {
  let bed: Testbed;
  let customerId: string;
  const runners: ProcessManagerRunner[] = [];

  beforeEach(async () => {
    bed = await Testbed.start();
    await bed.seedTenant();
    customerId = await bed.seedCustomer();
  });
  afterEach(async () => {
    await Promise.allSettled(runners.splice(0).map((runner) => runner.stop()));
    await bed.dispose();
  });

  function run(manager: ProcessManager, options: ProcessManagerRunnerOptions = {}): ProcessManagerRunner {
    const runner = new ProcessManagerRunner(bed.store, manager, { logger: quiet, ...options });
    runners.push(runner);
    return runner;
  }

  const checkpoints = async (name: string) => (await bed.store.readStream(checkpointStreamName(name))).map((e) => (e.data as { position: string }).position);

  it('hands the manager only its event types, in log order', async () => {
    const first = await bed.seedBooking(customerId, 1_000);
    const { manager, seen } = recorder();
    await run(manager).start();
    const second = await bed.seedBooking(customerId, 2_000);
    await eventually(() => seen.length === 2);
    expect(seen.map((e) => (e.data as { bookingId: string }).bookingId)).toEqual([first, second]);
  });

  it('stores its checkpoint every N events, and after T ms when fewer arrive', async () => {
    for (let i = 0; i < 5; i++) await bed.seedBooking(customerId, 1_000);
    const counted = recorder();
    const runner = run(counted.manager, { checkpointEvery: 2, checkpointIntervalMs: 60_000 });
    await runner.start();
    await eventually(() => counted.seen.length === 5);
    await eventually(async () => (await checkpoints('recorder')).length === 2);
    expect(await checkpoints('recorder')).toEqual([counted.seen[1]!.position, counted.seen[3]!.position]);
    await runner.stop();
    expect((await checkpoints('recorder')).at(-1)).toBe(counted.seen[4]!.position);

    const timed = recorder(undefined, 'timed');
    await run(timed.manager, { checkpointEvery: 1_000, checkpointIntervalMs: 20 }).start();
    await eventually(async () => (await checkpoints('timed')).at(-1) === timed.seen[4]?.position);
  });

  it('resumes from its checkpoint after stop and start, so automation charges each booking once', async () => {
    await bed.seedCard(customerId);
    const settings = { tenantId: bed.tenantId, ...defaultPaymentSettings, chargeTiming: 'AFTER_SERVICE' as const };
    await bed.runner.decide(streamName.tenant(bed.tenantId), tenantDecider, { type: 'UpdatePaymentSettings', data: settings, context: bed.context() });
    const app = await withProviders(bed, [PaymentAutomation]);
    const complete = (bookingId: string) =>
      bed.runner.decide(streamName.booking(bookingId), bookingDecider, { type: 'CompleteBooking', data: { bookingId }, context: bed.context() });
    const paidInFull = async (bookingId: string) => (await bed.booking(bookingId)).remaining.amountMinor === 0;
    // Waiting on the runner's count, not the balance: the booking is paid before the handler returns.
    try {
      const first = await bed.seedBooking(customerId, 12_500);
      const before = run(app.module.get(PaymentAutomation));
      await before.start();
      await complete(first);
      await eventually(() => before.stats.handled === 1);
      await before.stop();
      expect(await paidInFull(first)).toBe(true);

      const second = await bed.seedBooking(customerId, 4_000);
      await complete(second);
      const after = run(app.module.get(PaymentAutomation));
      await after.start();
      await eventually(() => after.stats.handled === 1);
      expect(await paidInFull(second)).toBe(true);
      expect(after.stats).toEqual({ handled: 1, skipped: 0 });
      expect(bed.processorCalls.createPayment).toBe(2);
    } finally {
      await Promise.allSettled(runners.splice(0).map((runner) => runner.stop()));
      await app.close();
    }
  });

  it('skips and counts an event whose handling is rejected, and goes on', async () => {
    const refused = await bed.seedBooking(customerId, 1_000);
    const fine = await bed.seedBooking(customerId, 2_000);
    const { manager, seen } = recorder((event) =>
      (event.data as { bookingId: string }).bookingId === refused ? Promise.reject(new DomainError('INVALID_STATE', 'not today')) : Promise.resolve('ok'),
    );
    const runner = run(manager);
    await runner.start();
    await eventually(() => seen.length === 2);
    await runner.stop();
    expect(runner.stats).toEqual({ handled: 1, skipped: 1 });
    expect((await checkpoints('recorder')).at(-1)).toBe(seen[1]!.position);
    expect((seen[1]!.data as { bookingId: string }).bookingId).toBe(fine);
  });

  it('stops with an error naming the event on any other failure, and delivers that event again after a restart', async () => {
    await bed.seedBooking(customerId, 1_000);
    const broken = await bed.seedBooking(customerId, 2_000);
    const failing = recorder((event) =>
      (event.data as { bookingId: string }).bookingId === broken ? Promise.reject(new TypeError('database on fire')) : Promise.resolve('ok'),
    );
    const runner = run(failing.manager, { checkpointEvery: 1 });
    await runner.start();
    await expect(runner.stopped()).rejects.toThrow(/Process manager recorder stopped at BookingCreated .* database on fire/);
    await expect(runner.stop()).rejects.toMatchObject({ name: 'ProcessManagerFailure', manager: 'recorder' });
    expect(await checkpoints('recorder')).toEqual([failing.seen[0]!.position]);

    const fixed = recorder();
    await run(fixed.manager).start();
    await eventually(() => fixed.seen.length === 1);
    expect(fixed.seen.map((e) => (e.data as { bookingId: string }).bookingId)).toEqual([broken]);
  });
});
