// Goal: a capture or a release whose earlier answer was lost, retried under a new key, records
// what Stripe really did: a hold Stripe already captured is recorded as captured (never refused,
// never expired past its deadline while the money was taken), a hold Stripe already let go as
// released; and every call about a hold goes to the account the payment was made on.
// Method: a real write side (Testbed) where the hold is placed through the ledger's own command,
// then the Holds service built around the real Stripe adapter whose SDK talks to the Stripe test
// server in front of stripe-mock. The server answers the capture or cancel with
// `payment_intent_unexpected_state` and the read-back with stripe-mock's intent reshaped into the
// state Stripe holds. Assertions on the answers, the payment and booking streams, the requests seen.
import { streamName } from '@ledger/domain';
import { ApplicationError } from '../application-error.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { Testbed } from '../testing/testbed.js';
import { holdsOn, describeWithStripeMock, startStripeTestServer, stripeGateway, switchAccount, type StripeTestServer } from '../payments/stripe-fault-kit.js';
import { AuthorizePaymentCommand } from './charge.commands.js';
import type { Holds } from './holds.js';

describeWithStripeMock('holds on Stripe when an earlier answer was lost', () => {
  let faults: StripeTestServer;
  let bed: Testbed;
  let holds: Holds;
  let bookingId: string;
  let paymentId: string;
  let intentPath: string;

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
    const { processorPaymentId } = await bed.get(LedgerReader).payment(bed.tenantId, paymentId);
    intentPath = `/v1/payment_intents/${processorPaymentId ?? ''}`;
    holds = holdsOn(bed, stripeGateway(faults));
  });
  afterEach(() => bed.dispose());

  /** Stripe answers `payment_intent_unexpected_state` to this action, and holds the intent in this state. */
  const stripeHolds = (action: 'capture' | 'cancel', fields: Record<string, unknown>) => {
    faults.inject({ method: 'POST', path: `${intentPath}/${action}`, answer: { kind: 'unexpected-state', status: String(fields.status) } });
    faults.inject({ method: 'GET', path: intentPath, answer: { kind: 'reshape', reshape: (body) => ({ ...body, currency: 'cad', ...fields }) } });
  };
  const balances = async () => {
    const { paid, authorized, remaining } = await bed.booking(bookingId);
    return { paid: paid.amountMinor, authorized: authorized.amountMinor, remaining: remaining.amountMinor };
  };
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  it('records a capture that meets the hold already captured as the capture Stripe made', async () => {
    stripeHolds('capture', { status: 'succeeded', amount_received: 12_500 });
    const result = await holds.capture(bed.context('capture-retry'), paymentId);
    expect(result).toMatchObject({ status: 'CAPTURED', captured: { amountMinor: 12_500, currency: 'CAD' } });
    expect(await bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'Charged']);
    expect(await balances()).toEqual({ paid: 12_500, authorized: 0, remaining: 0 });
  });

  it("records it as captured, not expired, when the retry comes after the hold's deadline", async () => {
    bed.clock.set(new Date(bed.clock.now().getTime() + 8 * 24 * 3_600_000));
    stripeHolds('capture', { status: 'succeeded', amount_received: 8_000 });
    expect(await holds.capture(bed.context('capture-late'), paymentId, 8_000)).toMatchObject({ status: 'CAPTURED', captured: { amountMinor: 8_000 } });
    expect(await bed.eventTypes(streamName.payment(paymentId))).not.toContain('AuthorizationExpired');
    expect(await balances()).toEqual({ paid: 8_000, authorized: 0, remaining: 4_500 });
  });

  it('records a release that meets the hold already captured as the capture, and tells the caller', async () => {
    stripeHolds('cancel', { status: 'succeeded', amount_received: 12_500 });
    const error = await rejection(holds.release(bed.context('release-after-capture'), paymentId));
    expect(error).toBeInstanceOf(ApplicationError);
    expect(error).toMatchObject({ code: 'PROCESSOR_REJECTED', details: { status: 'CAPTURED' } });
    expect(await bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'Charged']);
    expect(await balances()).toEqual({ paid: 12_500, authorized: 0, remaining: 0 });
  });

  it('records a capture that meets the hold already let go as released, and refuses it', async () => {
    stripeHolds('capture', { status: 'canceled', amount_received: 0 });
    const error = await rejection(holds.capture(bed.context('capture-after-release'), paymentId));
    expect(error).toMatchObject({ code: 'PROCESSOR_REJECTED', details: { status: 'RELEASED' } });
    expect(await bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'AuthorizationReleased']);
    expect(await balances()).toEqual({ paid: 0, authorized: 0, remaining: 12_500 });
  });

  it('captures on the account the payment was made on, after the tenant connected another', async () => {
    await switchAccount(bed, 'acct_sandbox', 'acct_1Replacement');
    // No fault: Stripe captures (stripe-mock's answer in the captured state).
    faults.inject({
      method: 'POST',
      path: `${intentPath}/capture`,
      answer: { kind: 'reshape', reshape: (body) => ({ ...body, currency: 'cad', status: 'succeeded', amount_received: 12_500 }) },
    });
    expect(await holds.capture(bed.context('capture-moved'), paymentId)).toMatchObject({ status: 'CAPTURED' });
    expect(faults.requests.map((r) => `${r.method} ${r.path} ${r.account ?? '(platform)'}`)).toEqual([`POST ${intentPath}/capture acct_sandbox`]);
  });
});
