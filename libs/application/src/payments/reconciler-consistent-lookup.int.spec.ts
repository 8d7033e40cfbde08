// Goal: the reconciler decides an interrupted card payment's fate only from what Stripe can
// prove. A charge Stripe made is recorded even while its search index has not caught up (so the
// customer is never charged again for a payment booked as failed); a payment is abandoned, and its
// reservation released, only when a consistent read shows Stripe never received it; when nothing
// can be proven it stays open, is logged and is counted as unresolved; and the question (like a
// charge resumed by the client's repeat) goes to the connected account the payment was made on,
// even after the tenant connected another.
// Method: a real write side (Testbed: SQLite event store) where a card charge dies after reserving
// the booking's share (a crash probe), then a reconciler built around the real Stripe adapter whose
// SDK talks to the Stripe test server in front of stripe-mock; the server empties the search (a
// lagging index), answers the list with the intent Stripe made (stripe-mock's list, reshaped), or
// fails it. Assertions on the summary, the payment and booking streams, and the requests Stripe saw.
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { streamName } from '@ledger/domain';
import { CommandContexts } from '../command-contexts.js';
import { ChargeBookingCommand } from '../commands/charge.commands.js';
import { IdempotencyGuard } from '../idempotency.js';
import { Testbed } from '../testing/testbed.js';
import { CrashOnceAt, SimulatedCrash } from './step-probe.js';
import {
  cardPaymentsOn,
  describeWithStripeMock,
  ledgerIntent,
  listOf,
  reconcilerOn,
  startStripeTestServer,
  stripeGateway,
  switchAccount,
  type StripeTestServer,
} from './stripe-fault-kit.js';

describeWithStripeMock("PaymentReconciler on Stripe: a payment's fate from consistent reads only", () => {
  let faults: StripeTestServer;
  let bed: Testbed;
  let bookingId: string;
  let paymentId: string;

  beforeAll(async () => {
    faults = await startStripeTestServer();
  });
  afterAll(() => faults.close());

  beforeEach(async () => {
    faults.reset();
    // The charge dies after reserving the share, before its answer is recorded.
    bed = await Testbed.start({ probe: new CrashOnceAt('payment.reserved') });
    await bed.seedTenant();
    const customerId = await bed.seedCustomer();
    bookingId = await bed.seedBooking(customerId, 9_000);
    await bed.seedCard(customerId);
    await expect(bed.commandBus.execute(new ChargeBookingCommand(bed.caller, { bookingId, idempotencyKey: 'charge-1' }))).rejects.toBeInstanceOf(
      SimulatedCrash,
    );
    const [initiated] = await bed.store.readAll({ filter: { streamCategories: ['payment'] } });
    paymentId = (initiated!.data as { paymentId: string }).paymentId;
    bed.clock.set(new Date(bed.clock.now().getTime() + 10 * 60_000));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await bed.dispose();
  });

  const searchLags = () =>
    faults.inject({ method: 'GET', path: '/v1/payment_intents/search', answer: { kind: 'reshape', reshape: (body) => listOf(body, []) } });
  const stripeMade = (status: 'succeeded' | 'requires_payment_method') =>
    faults.inject({
      method: 'GET',
      path: '/v1/payment_intents',
      answer: {
        kind: 'reshape',
        reshape: (body) =>
          listOf(body, [ledgerIntent('pi_made', paymentId, bed.tenantId, { status, amount: 9_000, amount_received: status === 'succeeded' ? 9_000 : 0 })]),
      },
    });
  const reconcile = () => reconcilerOn(bed, stripeGateway(faults)).reconcile();
  const paymentEvents = () => bed.eventTypes(streamName.payment(paymentId));

  it('records the charge Stripe made while its search index has not caught up, and pays the booking', async () => {
    searchLags();
    stripeMade('succeeded');
    expect(await reconcile()).toMatchObject({ resolved: 1, abandoned: 0, unresolved: 0 });
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'Charged']);
    expect((await bed.booking(bookingId)).remaining.amountMinor).toBe(0);
    expect(faults.seen('GET', '/v1/payment_intents/search')).toEqual([]);
    // A second run finds nothing open.
    expect(await reconcile()).toMatchObject({ resolved: 0, abandoned: 0, unresolved: 0 });
  });

  it('keeps the payment open and reports it when Stripe cannot prove anything', async () => {
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    searchLags();
    faults.inject({ method: 'GET', path: '/v1/payment_intents', answer: { kind: 'server-error' } });
    expect(await reconcile()).toMatchObject({ resolved: 0, abandoned: 0, unresolved: 1 });
    expect(await paymentEvents()).toEqual(['PaymentInitiated']);
    // The booking's share stays reserved: the money may have moved.
    expect(await bed.eventTypes(streamName.booking(bookingId))).toEqual(['BookingCreated', 'PaymentReserved']);
    expect(warnings).toContainEqual(expect.stringContaining(`Payment ${paymentId} stays open`));
    expect(warnings).toContain('1 open payment(s) left unresolved: the processor could not prove their fate');
  });

  it('abandons the payment and releases the booking only when a consistent read proves Stripe never received it', async () => {
    // stripe-mock's list holds no intent with this payment's metadata: the whole window was read.
    expect(await reconcile()).toMatchObject({ resolved: 0, abandoned: 1, unresolved: 0 });
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'ChargeFailed']);
    expect((await bed.booking(bookingId)).remaining.amountMinor).toBe(9_000);
    const [list] = faults.seen('GET', '/v1/payment_intents');
    // Everything created since the intent was recorded (less ten minutes for clock skew) was read,
    // narrowed to the saved card's processor customer.
    expect(list?.query.get('created[gte]')).toBe(String(Date.parse('2026-11-22T10:00:00.000Z') / 1000 - 600));
    expect(list?.query.get('customer')).toMatch(/^cus_sandbox_/);
  });

  it('asks the account the payment was made on, not the one the tenant connected since', async () => {
    await switchAccount(bed, 'acct_sandbox', 'acct_1Replacement');
    stripeMade('succeeded');
    expect(await reconcile()).toMatchObject({ resolved: 1 });
    expect(faults.requests.map((r) => `${r.method} ${r.path} ${r.account ?? '(platform)'}`)).toEqual(['GET /v1/payment_intents acct_sandbox']);
    const [initiated] = await bed.store.readStream(streamName.payment(paymentId));
    expect(initiated!.data).toMatchObject({ processorAccountId: 'acct_sandbox' });
  });

  it("sends a charge resumed by the client's repeat to the account its intent named", async () => {
    await switchAccount(bed, 'acct_sandbox', 'acct_1Replacement');
    const made = ledgerIntent('pi_resumed', paymentId, bed.tenantId, { status: 'succeeded', amount: 9_000, amount_received: 9_000 });
    faults.inject({ method: 'POST', path: '/v1/payment_intents', answer: { kind: 'reshape', reshape: (body) => ({ ...body, ...made }) } });
    // The repeated request resumes the recorded intent under the same command id.
    const context = bed.get(CommandContexts).create(bed.get(IdempotencyGuard).commandIdFor(bed.tenantId, 'charge-1'), bed.tenantId, bed.caller.actor);
    const resumed = await cardPaymentsOn(bed, stripeGateway(faults)).resumeIfStarted(context, () => {
      throw new Error('a card on file needs no new choice');
    });
    expect(resumed).toMatchObject({ paymentId, status: 'CAPTURED' });
    expect(faults.requests.map((r) => `${r.method} ${r.path} ${r.account ?? '(platform)'}`)).toEqual(['POST /v1/payment_intents acct_sandbox']);
  });
});
