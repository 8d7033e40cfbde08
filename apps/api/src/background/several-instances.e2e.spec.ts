// Goal: two API instances over the same stores behave as one: each process manager and job runs
// on one of them at a time, no runner fails, every event a manager handles is handled once, every
// e-mail goes out once, the other instance takes over when the first shuts down, a manager that
// fails shows as failed (readiness false) and the other instance takes it over, each
// instance's /health/ready and /metrics say which instance runs what, and a single embedded API
// restarted after a crash (same data directory, so same lease owner) takes its leases back at once.
// Method: two full Nest applications on one data directory (each opens the SQLite files itself,
// as two processes would) with distinct lease owners, one counting mailer, and a workload sent
// through both that triggers every manager: a booking completed under charge-after-service
// (automation), a payment link paid (notifier, admin mailer), card charges (receipts, index).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChargeBookingCommand,
  CompleteBookingCommand,
  ConnectStripeAccountCommand,
  CreateBookingCommand,
  CreateTenantCommand,
  PayPaymentLinkCommand,
  RegisterCustomerCommand,
  SaveCardCommand,
  SendPaymentLinkCommand,
  UpdatePaymentSettingsCommand,
} from '@ledger/application';
import { loadConfiguration } from '@ledger/config';
import { SqliteReadStore } from '@ledger/read-store';
import { hostOptions } from '../read-side.module.js';
import { backgroundChecks, capturingLogger, eventually, handledCounts, managerTypes, runningGauges, startInstance } from './test-instances.js';
import type { Instance } from './test-instances.js';

const caller = { tenant: 'twin', actor: { kind: 'API_KEY' as const, id: 'test' } };
const managers = ['payment-automation', 'link-paid-notifier', 'admin-notification-mailer', 'receipt-mailer', 'processor-index'];
const TTL_MS = 1_500;

/** A business that charges after service and wants to hear of link payments, and a customer with a card. */
async function setUp(a: Instance, b: Instance): Promise<string> {
  await a.bus.execute(new CreateTenantCommand({ tenantId: 'twin', name: 'Twin Cleaning', currency: 'CAD', adminEmail: 'owner@twin.example' }));
  await b.bus.execute(new ConnectStripeAccountCommand(caller, { returnUrl: 'http://localhost/settings' }));
  await a.bus.execute(new UpdatePaymentSettingsCommand(caller, { chargeTiming: 'AFTER_SERVICE', notifyAdminsOnLinkPayment: true, offlineMethods: ['CASH'] }));
  const { customerId } = await b.bus.execute(new RegisterCustomerCommand(caller, { name: 'Ada', email: 'ada@example.com' }));
  await a.bus.execute(new SaveCardCommand(caller, { customerId, paymentMethodToken: 'pm_card_visa' }));
  return customerId;
}

/**
 * Sends each command through `a` or `b` in turn, as a load balancer would: a booking completed
 * (automation charges it), one paid through a link (notifier, admin notice), one charged. Four
 * e-mails: three receipts and the administrators' notice.
 */
async function traffic(a: Instance, b: Instance, customerId: string, round: number): Promise<void> {
  const book = async (via: Instance, n: number) =>
    (
      await via.bus.execute(
        new CreateBookingCommand(caller, {
          customerId,
          description: `Clean ${n}`,
          amountMinor: 1_000 * n,
          currency: 'CAD',
          serviceDate: '2026-11-20',
          source: 'PHONE',
          idempotencyKey: `b${round}-${n}`,
        }),
      )
    ).bookingId;
  const completed = await book(a, 1);
  await b.bus.execute(new CompleteBookingCommand(caller, { bookingId: completed }));
  const linked = await book(b, 2);
  const link = await a.bus.execute(new SendPaymentLinkCommand(caller, { customerId, bookingIds: [linked] }));
  await b.bus.execute(new PayPaymentLinkCommand({ token: link.token!, paymentMethodToken: 'pm_card_visa', saveCard: false }));
  const charged = await book(a, 3);
  await b.bus.execute(new ChargeBookingCommand(caller, { bookingId: charged, idempotencyKey: `c${round}` }));
}

/** Waits until every event of each manager's types has been handled somewhere (the log read through the first instance). */
async function allHandled(instances: readonly Instance[]): Promise<void> {
  const [first] = instances;
  for (const type of managerTypes) {
    const manager = first!.app.get<{ name: string; eventTypes: readonly string[] }>(type, { strict: false });
    const ids = (await first!.events.readAll({ filter: { eventTypes: [...manager.eventTypes] } })).map((event) => event.id);
    expect(ids.length).toBeGreaterThan(0);
    await eventually(() => ids.every((id) => handledCounts(instances, manager.name).has(id)), 15_000, `${manager.name} handling its ${ids.length} events`);
  }
}

const handledOtherThanOnce = (instances: readonly Instance[]) =>
  Object.fromEntries(managers.map((manager) => [manager, [...handledCounts(instances, manager).values()].filter((count) => count !== 1)]));
const noneTwice = Object.fromEntries(managers.map((manager) => [manager, []]));

describe('two API instances on one data directory', () => {
  let dir: string;
  let instances: Instance[];
  const sends: string[] = [];
  const logger = capturingLogger();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-twins-'));
    instances = [];
    sends.length = 0;
    logger.errors.length = 0;
  });
  afterEach(async () => {
    await Promise.allSettled(instances.map((instance) => instance.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (name: string, owner?: string): Promise<Instance> => {
    const instance = await startInstance({ dataDir: dir, name, sends, logger, ttlMs: TTL_MS, ...(owner ? { owner } : {}) });
    instances.push(instance);
    return instance;
  };
  const failures = () => logger.errors.filter((line) => /Process manager|stopped|failed/.test(line));

  it('runs each process manager once: no runner fails, each event is handled once, each e-mail goes once', async () => {
    const a = await start('instance-a');
    const b = await start('instance-b');
    await traffic(a, b, await setUp(a, b), 1);
    await allHandled([a, b]);
    // Long enough for both instances' checkpoint saves (every second) to have met, were both running.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    // Collected into one value, so a failure shows every broken promise at once.
    const readiness = await Promise.all([a, b].map(async (instance) => (await fetch(`${instance.url}/health/ready`)).status));
    expect({ failures: failures(), handledOtherThanOnce: handledOtherThanOnce([a, b]), sends: sends.length, distinct: new Set(sends).size, readiness }).toEqual(
      {
        failures: [],
        handledOtherThanOnce: noneTwice,
        sends: 4,
        distinct: 4,
        readiness: [200, 200],
      },
    );
    // The first instance took every lease at start; the second waits, and says so.
    const [checksA, checksB] = await Promise.all([backgroundChecks(a), backgroundChecks(b)]);
    expect(Object.keys(checksA).sort()).toEqual([...managers.map((name) => `process-manager:${name}`), 'job:hold-expiry', 'job:payment-reconciliation'].sort());
    expect(new Set(Object.values(checksA))).toEqual(new Set(['up']));
    expect(new Set(Object.values(checksB))).toEqual(new Set(['waiting: another instance holds its lease']));
    const [gaugesA, gaugesB] = await Promise.all([runningGauges(a), runningGauges(b)]);
    for (const key of Object.keys(checksA)) expect([key, gaugesA[key], gaugesB[key]]).toEqual([key, 1, 0]);
  });

  it('hands every manager to the other instance when one shuts down mid-workload, and nothing is done twice', async () => {
    const a = await start('instance-a');
    const b = await start('instance-b');
    const customerId = await setUp(a, b);
    await traffic(a, b, customerId, 1);
    await allHandled([a, b]);

    const closed = Date.now();
    await a.close();
    await eventually(async () => Object.values(await backgroundChecks(b)).every((state) => state === 'up'), TTL_MS, 'the takeover');
    expect(Date.now() - closed).toBeLessThan(TTL_MS);
    await traffic(b, b, customerId, 2);
    // B first: the log is read through it, A's stores are closed.
    await allHandled([b, a]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const readiness = (await fetch(`${b.url}/health/ready`)).status;
    expect({ failures: failures(), handledOtherThanOnce: handledOtherThanOnce([a, b]), sends: sends.length, distinct: new Set(sends).size, readiness }).toEqual(
      {
        failures: [],
        handledOtherThanOnce: noneTwice,
        sends: 8,
        distinct: 8,
        readiness: 200,
      },
    );
  });

  it('shows a manager that failed as failed (not ready), and the other instance takes it over', async () => {
    const a = await start('instance-a');
    const b = await start('instance-b');
    const customerId = await setUp(a, b);
    a.mailer.broken = true;
    const { bookingId } = await a.bus.execute(
      new CreateBookingCommand(caller, { customerId, description: 'Windows', amountMinor: 4_000, currency: 'CAD', serviceDate: '2026-11-20', source: 'PHONE' }),
    );
    await b.bus.execute(new ChargeBookingCommand(caller, { bookingId, idempotencyKey: 'c-broken' }));

    await eventually(async () => (await backgroundChecks(a))['process-manager:receipt-mailer']?.startsWith('failed') ?? false, 10_000, 'the failure showing');
    const ready = await fetch(`${a.url}/health/ready`);
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect([ready.status, body.checks['process-manager:receipt-mailer']]).toEqual([
      503,
      expect.stringMatching(/^failed: Process manager receipt-mailer stopped at Charged .*mail relay refused/),
    ]);
    expect(await runningGauges(a, 'ledger_process_manager_up')).toMatchObject({ 'process-manager:receipt-mailer': 0, 'process-manager:payment-automation': 1 });
    // The failed instance gave its lease up: the other took over and sent the receipt, once.
    await eventually(() => sends.length === 1, TTL_MS, 'the receipt from the other instance');
    expect((await backgroundChecks(b))['process-manager:receipt-mailer']).toBe('up');
    expect((await fetch(`${b.url}/health/ready`)).status).toBe(200);
  });

  it('lets a single API restarted after a crash take its leases back at once, its owner being its data directory', async () => {
    const owner = hostOptions(loadConfiguration({ NODE_ENV: 'test', DATA_DIR: dir })).lease!.owner!;
    // What a crashed API leaves behind: its leases, with most of their ttl to run.
    const reads = new SqliteReadStore({ file: join(dir, 'read-models.db') });
    const leases = [...managers.map((name) => `process-manager:${name}`), 'job:hold-expiry', 'job:payment-reconciliation'];
    for (const lease of leases) expect(await reads.acquireLease({ lease, owner, ttlMs: 60_000 })).toBeTruthy();
    await reads.close();

    // Another process on the directory is another owner: it waits for the leases to lapse.
    const other = await start('another-process');
    expect(new Set(Object.values(await backgroundChecks(other)))).toEqual(new Set(['waiting: another instance holds its lease']));
    const restarted = await start('restarted', owner);
    expect(Object.keys(await backgroundChecks(restarted)).sort()).toEqual([...leases].sort());
    expect(new Set(Object.values(await backgroundChecks(restarted)))).toEqual(new Set(['up']));
  });
});
