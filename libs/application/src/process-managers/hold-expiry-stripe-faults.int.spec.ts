// Goal: the hold-expiry monitor never books a hold as expired, nor charges the card on file in its
// place, without first asking Stripe what became of it: a hold Stripe captured (a capture whose
// answer was lost and never retried) is recorded as that capture; one Stripe let go is expired and
// replaced by a fallback charge, as before; one Stripe still holds live past the ledger's deadline
// is treated as live (captured when the business auto-captures, else left open); and when Stripe
// cannot answer, the hold stays open and is asked about again on the next run.
// Method: a real write side (Testbed: SQLite event store, the hold placed through the ledger's own
// command) and a monitor whose holds and fallback charges go through the real Stripe adapter, its
// SDK talking to the Stripe test server in front of stripe-mock; the server answers the adapter's
// consistent read (the list of PaymentIntents) with the ledger's intent in the state Stripe holds,
// or with a 500. Assertions on the run's summary, the payment stream, the booking and the requests
// Stripe saw (a fallback charge is a POST /v1/payment_intents).
import { streamName, tenantDecider } from '@ledger/domain';
import { SANDBOX_HOLD_LIFETIME_MS } from '@ledger/payments';
import { AuthorizePaymentCommand } from '../commands/charge.commands.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { describeWithStripeMock, holdExpiryOn, ledgerIntent, listOf, reshaped, startStripeTestServer, stripeGateway, type StripeTestServer } from '../payments/stripe-fault-kit.js';
import { Testbed } from '../testing/testbed.js';
import type { HoldExpiryMonitor } from './hold-expiry.js';

describeWithStripeMock('hold expiry on Stripe: a hold is read back before it is booked as expired', () => {
  let faults: StripeTestServer;
  let bed: Testbed;
  let monitor: HoldExpiryMonitor;
  let bookingId: string;
  let paymentId: string;
  let processorPaymentId: string;

  beforeAll(async () => {
    faults = await startStripeTestServer();
  });
  afterAll(() => faults.close());

  beforeEach(async () => {
    faults.reset();
    bed = await Testbed.start();
    await bed.seedTenant();
    const customerId = await bed.seedCustomer();
    bookingId = await bed.seedBooking(customerId, 12_500);
    await bed.seedCard(customerId);
    ({ paymentId } = await bed.commandBus.execute(new AuthorizePaymentCommand(bed.caller, { bookingId, idempotencyKey: 'hold-1' })));
    processorPaymentId = (await bed.get(LedgerReader).payment(bed.tenantId, paymentId)).processorPaymentId ?? '';
    monitor = holdExpiryOn(bed, stripeGateway(faults));
    bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS + 10 * 60_000);
  });
  afterEach(() => bed.dispose());

  /** Stripe's consistent read finds the hold's intent in this state. */
  const stripeHolds = (fields: Record<string, unknown>) =>
    faults.inject({
      method: 'GET',
      path: '/v1/payment_intents',
      answer: { kind: 'reshape', reshape: (body) => listOf(body, [ledgerIntent(processorPaymentId, paymentId, bed.tenantId, { amount: 12_500, ...fields })]) },
    });
  const autoCapture = (autoCaptureBeforeExpiry: boolean) =>
    bed.runner.decide(streamName.tenant(bed.tenantId), tenantDecider, {
      type: 'UpdatePaymentSettings',
      data: { tenantId: bed.tenantId, chargeTiming: 'PRE_AUTHORIZE', notifyAdminsOnLinkPayment: true, offlineMethods: ['CASH'], autoCaptureBeforeExpiry },
      context: bed.context(),
    });
  const paymentEvents = () => bed.eventTypes(streamName.payment(paymentId));
  const balances = async () => {
    const { paid, authorized, remaining } = await bed.booking(bookingId);
    return { paid: paid.amountMinor, authorized: authorized.amountMinor, remaining: remaining.amountMinor };
  };
  const fallbackCharges = () => faults.seen('POST', '/v1/payment_intents');

  it('records the capture Stripe made, never an expiry, and charges no card on file', async () => {
    stripeHolds({ status: 'succeeded', amount_received: 12_500, amount_capturable: 0 });
    expect(await monitor.runOnce()).toMatchObject({ examined: 1, captured: [paymentId], expired: [], fallbackCharges: [], failures: [] });
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'Charged']);
    expect(await balances()).toEqual({ paid: 12_500, authorized: 0, remaining: 0 });
    expect(fallbackCharges()).toEqual([]);
    // Asked on the account the hold was placed on.
    expect(faults.seen('GET', '/v1/payment_intents').map((request) => request.account)).toEqual(['acct_sandbox']);
    expect(await monitor.runOnce()).toMatchObject({ examined: 0 });
  });

  it('expires a hold Stripe let go and charges what is owed to the card on file instead', async () => {
    stripeHolds({ status: 'canceled', amount_received: 0, amount_capturable: 0 });
    const summary = await monitor.runOnce();
    expect(summary).toMatchObject({ examined: 1, captured: [], expired: [paymentId], failures: [] });
    expect(summary.fallbackCharges).toHaveLength(1);
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'AuthorizationExpired']);
    expect(fallbackCharges()).toHaveLength(1);
  });

  it('leaves the hold open while Stripe cannot say what became of it, and records its answer on a later run', async () => {
    faults.inject({ method: 'GET', path: '/v1/payment_intents', answer: { kind: 'server-error' } });
    expect(await monitor.runOnce()).toMatchObject({ examined: 1, captured: [], expired: [], fallbackCharges: [], failures: [{ paymentId }] });
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'PaymentAuthorized']);
    expect(await balances()).toEqual({ paid: 0, authorized: 12_500, remaining: 0 });
    expect(fallbackCharges()).toEqual([]);
    faults.reset();
    stripeHolds({ status: 'succeeded', amount_received: 12_500, amount_capturable: 0 });
    expect(await monitor.runOnce()).toMatchObject({ captured: [paymentId], expired: [], fallbackCharges: [], failures: [] });
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'Charged']);
  });

  it("captures a hold Stripe still holds live past the ledger's deadline when the business auto-captures", async () => {
    stripeHolds({ status: 'requires_capture', amount_received: 0, amount_capturable: 12_500 });
    const capture = `/v1/payment_intents/${processorPaymentId}/capture`;
    faults.inject({ method: 'POST', path: capture, answer: reshaped({ id: processorPaymentId, status: 'succeeded', amount_received: 12_500 }) });
    expect(await monitor.runOnce()).toMatchObject({ examined: 1, captured: [paymentId], expired: [], fallbackCharges: [], failures: [] });
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'Charged']);
    expect(faults.seen('POST', capture)).toHaveLength(1);
    expect(fallbackCharges()).toEqual([]);
  });

  it('leaves a hold Stripe still holds live open when the business does not auto-capture', async () => {
    await autoCapture(false);
    stripeHolds({ status: 'requires_capture', amount_received: 0, amount_capturable: 12_500 });
    expect(await monitor.runOnce()).toMatchObject({ examined: 1, captured: [], expired: [], fallbackCharges: [], failures: [] });
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'PaymentAuthorized']);
    expect(await balances()).toEqual({ paid: 0, authorized: 12_500, remaining: 0 });
  });
});
