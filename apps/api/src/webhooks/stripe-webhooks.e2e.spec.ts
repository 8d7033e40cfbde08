// Goal: Stripe events posted to /webhooks/stripe are verified on the raw body, recorded once by
// event id, route to the right tenant and payment, and change the ledger exactly as the ledger's
// own processor calls would, whatever the order of delivery.
// Method: the API over real HTTP on the sandbox processor with a signing secret; realistic event
// bodies signed with Stripe's test-header helper; assertions on the payment stream and read models.
import { CommandBus } from '@nestjs/cqrs';
import { AuthorizePaymentCommand, ChargeBookingCommand, LedgerReader } from '@ledger/application';
import { stripeEvents } from '@ledger/testing';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import {
  eventTypes,
  indexed,
  post,
  postSigned,
  processorPaymentIdOf,
  readModel,
  seedBooking,
  seedBusiness,
  seedOpenPayment,
  switchAccount,
  WEBHOOK_SECRET,
} from './webhook-test-kit.js';
import type { Business } from './webhook-test-kit.js';

const { account, charge, dispute, event, paymentIntent, refund } = stripeEvents;

describe('POST /webhooks/stripe', () => {
  let api: TestApi;
  let sparkle: Business;

  beforeAll(async () => {
    api = await startTestApi({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
    sparkle = await seedBusiness(api, 'sparkle');
  });
  afterAll(() => api.close());

  const metadataOf = (paymentId: string) => ({ paymentId, tenant: 'sparkle' });
  const chargeCard = async (amountMinor = 10_000) => {
    const bookingId = await seedBooking(api, sparkle, amountMinor);
    const { paymentId } = await api.app.get(CommandBus).execute(
      new ChargeBookingCommand(sparkle.caller, { bookingId, paymentMethodToken: 'pm_card_visa', idempotencyKey: `charge-${bookingId}` }),
    );
    return { bookingId, paymentId, processorPaymentId: await processorPaymentIdOf(api, paymentId) };
  };

  describe('verification', () => {
    it('refuses a bad signature, a missing one and a signed body that is not JSON with 400 and no stack trace', async () => {
      const body = event('payment_intent.succeeded', paymentIntent('pi_forged'));
      const forged = await postSigned(api, body, 'whsec_someone_else');
      expect(forged).toEqual({ status: 400, body: expect.objectContaining({ message: 'The Stripe signature does not match the body' }) });
      expect(JSON.stringify(forged.body)).not.toMatch(/\bat .*\.(js|ts):\d+/);
      expect((await post(api, JSON.stringify(body))).status).toBe(400);
      const notJson = await postSigned(api, '{"id": "evt_1", ');
      expect(notJson.status).toBe(400);
      expect(JSON.stringify(notJson.body)).not.toMatch(/SyntaxError|\.js:\d+/);
    });

    it('acknowledges an event type the ledger does not handle, and says so', async () => {
      const response = await postSigned(api, event('invoice.paid', { id: 'in_1', object: 'invoice' }));
      expect(response).toEqual({ status: 200, body: expect.objectContaining({ received: true, outcome: 'ignored: the ledger does not act on invoice.paid' }) });
    });
  });

  describe('payment_intent events', () => {
    it('records a charge the ledger did not record yet, once, and pays the booking', async () => {
      const bookingId = await seedBooking(api, sparkle);
      const paymentId = await seedOpenPayment(api, sparkle, bookingId);
      const succeeded = paymentIntent('pi_webhook_first', { metadata: metadataOf(paymentId) });
      const first = await postSigned(api, event('payment_intent.succeeded', succeeded, { account: sparkle.accountId }));
      expect(first.status).toBe(200);
      expect(first.body.outcome).toMatch(/recorded Charged/);
      // Stripe may also send the same fact under another event id: still one charge.
      const again = await postSigned(api, event('payment_intent.succeeded', succeeded, { account: sparkle.accountId }));
      expect(again.body.outcome).toMatch(/already recorded/);
      expect(await eventTypes(api, `payment-${paymentId}`)).toEqual(['PaymentInitiated', 'Charged']);
      expect(await eventTypes(api, `booking-${bookingId}`)).toEqual(['BookingCreated', 'PaymentReserved', 'PaymentApplied']);
      expect(await readModel(api, 'payments_v1', paymentId)).toMatchObject({ status: 'SUCCEEDED', captured: { amountMinor: 10_000 } });
    });

    it('changes nothing when the success arrives after the ledger recorded the charge', async () => {
      const { paymentId, processorPaymentId, bookingId } = await chargeCard();
      const before = await eventTypes(api, `booking-${bookingId}`);
      const late = paymentIntent(processorPaymentId, { metadata: metadataOf(paymentId) });
      const response = await postSigned(api, event('payment_intent.succeeded', late, { account: sparkle.accountId }));
      expect(response.body.outcome).toMatch(/already recorded \(payment is CAPTURED\)/);
      expect(await eventTypes(api, `payment-${paymentId}`)).toEqual(['PaymentInitiated', 'Charged']);
      expect(await eventTypes(api, `booking-${bookingId}`)).toEqual(before);
    });

    it('handles one event delivered several times, concurrently, once', async () => {
      const bookingId = await seedBooking(api, sparkle);
      const paymentId = await seedOpenPayment(api, sparkle, bookingId);
      const body = event('payment_intent.succeeded', paymentIntent('pi_webhook_dup', { metadata: metadataOf(paymentId) }), { account: sparkle.accountId });
      const responses = await Promise.all([postSigned(api, body), postSigned(api, body), postSigned(api, body)]);
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
      // Every delivery answers with the first one's recorded outcome.
      expect(new Set(responses.map((response) => response.body.outcome))).toEqual(new Set([expect.stringMatching(/recorded Charged/)]));
      expect((await postSigned(api, body)).body.outcome).toBe(responses[0]?.body.outcome);
      expect(await eventTypes(api, `payment-${paymentId}`)).toEqual(['PaymentInitiated', 'Charged']);
    });

    it('records a decline and releases the booking', async () => {
      const bookingId = await seedBooking(api, sparkle);
      const paymentId = await seedOpenPayment(api, sparkle, bookingId);
      const lastPaymentError = { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' };
      const failed = paymentIntent('pi_webhook_failed', { status: 'requires_payment_method', metadata: metadataOf(paymentId), lastPaymentError });
      expect((await postSigned(api, event('payment_intent.payment_failed', failed, { account: sparkle.accountId }))).body.outcome).toMatch(/recorded ChargeFailed/);
      expect(await eventTypes(api, `booking-${bookingId}`)).toEqual(['BookingCreated', 'PaymentReserved', 'PaymentReservationReleased']);
      expect(await readModel(api, 'payments_v1', paymentId)).toMatchObject({ status: 'FAILED', failureCode: 'card_declined', declineCode: 'insufficient_funds' });
    });

    it('records a hold confirmed by the processor, then its cancellation as a release', async () => {
      const bookingId = await seedBooking(api, sparkle);
      const paymentId = await seedOpenPayment(api, sparkle, bookingId, 10_000, 'MANUAL');
      const held = paymentIntent('pi_webhook_hold', { status: 'requires_capture', captureMethod: 'manual', metadata: metadataOf(paymentId) });
      expect((await postSigned(api, event('payment_intent.amount_capturable_updated', held, { account: sparkle.accountId }))).body.outcome).toMatch(/recorded PaymentAuthorized/);
      const canceled = { ...held, status: 'canceled', amount_capturable: 0, cancellation_reason: 'requested_by_customer' };
      expect((await postSigned(api, event('payment_intent.canceled', canceled, { account: sparkle.accountId }))).body.outcome).toMatch(/recorded AuthorizationReleased/);
      expect(await eventTypes(api, `booking-${bookingId}`)).toEqual(['BookingCreated', 'PaymentReserved', 'AuthorizationApplied', 'PaymentReservationReleased']);
    });

    it('releases a hold the ledger made when Stripe cancels it', async () => {
      const bookingId = await seedBooking(api, sparkle);
      const { paymentId } = await api.app.get(CommandBus).execute(
        new AuthorizePaymentCommand(sparkle.caller, { bookingId, paymentMethodToken: 'pm_card_visa', idempotencyKey: `hold-${bookingId}` }),
      );
      const processorPaymentId = await processorPaymentIdOf(api, paymentId);
      const canceled = paymentIntent(processorPaymentId, { status: 'canceled', captureMethod: 'manual', metadata: metadataOf(paymentId), cancellationReason: 'automatic' });
      await postSigned(api, event('payment_intent.canceled', canceled, { account: sparkle.accountId }));
      expect((await api.app.get(LedgerReader).payment('sparkle', paymentId)).status).toBe('RELEASED');
    });
  });

  describe('refunds and disputes', () => {
    it('records a refund made at the processor once, on the payment and the booking', async () => {
      const { paymentId, processorPaymentId, bookingId } = await chargeCard();
      await indexed(api, processorPaymentId);
      const refunded = event('charge.refunded', charge(processorPaymentId, 10_000, [refund('re_dashboard_1', processorPaymentId, 2_500)]), { account: sparkle.accountId });
      expect((await postSigned(api, refunded)).body.outcome).toMatch(/re_dashboard_1 recorded as refund/);
      const update = event('refund.updated', refund('re_dashboard_1', processorPaymentId, 2_500), { account: sparkle.accountId });
      expect((await postSigned(api, update)).body.outcome).toMatch(/re_dashboard_1 already recorded/);
      expect(await eventTypes(api, `payment-${paymentId}`)).toEqual(['PaymentInitiated', 'Charged', 'Refunded']);
      expect(await eventTypes(api, `booking-${bookingId}`)).toContain('RefundApplied');
      expect(await readModel(api, 'payments_v1', paymentId)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refunded: { amountMinor: 2_500 } });
    });

    it('shows a dispute on the payment from its opening to its outcome', async () => {
      const { paymentId, processorPaymentId } = await chargeCard();
      await indexed(api, processorPaymentId);
      const opened = event('charge.dispute.created', dispute('dp_e2e_1', processorPaymentId, 10_000, 'needs_response'), { account: sparkle.accountId });
      expect((await postSigned(api, opened)).body.outcome).toMatch(/recorded DisputeOpened/);
      expect(await readModel(api, 'payments_v1', paymentId)).toMatchObject({ disputeStatus: 'OPEN', disputes: [{ disputeId: 'dp_e2e_1', status: 'OPEN', reason: 'fraudulent' }] });
      const closed = event('charge.dispute.closed', dispute('dp_e2e_1', processorPaymentId, 10_000, 'lost'), { account: sparkle.accountId });
      expect((await postSigned(api, closed)).body.outcome).toMatch(/recorded DisputeClosed/);
      expect(await readModel(api, 'payments_v1', paymentId)).toMatchObject({
        status: 'SUCCEEDED',
        disputeStatus: 'LOST',
        disputes: [{ disputeId: 'dp_e2e_1', status: 'LOST', amount: { amountMinor: 10_000, currency: 'CAD' } }],
      });
    });
  });

  describe('Connect', () => {
    it('routes account.updated to the tenant of the account, and acknowledges unknown accounts', async () => {
      const shine = await seedBusiness(api, 'shine');
      const updated = await postSigned(api, event('account.updated', account(shine.accountId, false, true), { account: shine.accountId }));
      expect(updated.body.outcome).toBe(`account ${shine.accountId} of tenant shine is PENDING`);
      const reader = api.app.get(LedgerReader);
      expect((await reader.tenant('shine')).stripe).toMatchObject({ state: 'PENDING', chargesEnabled: false });
      expect((await reader.tenant('sparkle')).stripe).toMatchObject({ state: 'ACTIVE', accountId: sparkle.accountId });
      const stranger = await postSigned(api, event('account.updated', account('acct_unknown', true), { account: 'acct_unknown' }));
      expect(stranger).toEqual({ status: 200, body: expect.objectContaining({ outcome: 'ignored: no tenant connected account acct_unknown' }) });
    });

    it('routes a payment\'s events by the account it was made on, after the tenant connected another', async () => {
      const moving = await seedBusiness(api, 'moving');
      const bookingId = await seedBooking(api, moving);
      const input = { bookingId, paymentMethodToken: 'pm_card_visa', idempotencyKey: `charge-${bookingId}` };
      const { paymentId } = await api.app.get(CommandBus).execute(new ChargeBookingCommand(moving.caller, input));
      const processorPaymentId = await processorPaymentIdOf(api, paymentId);
      await indexed(api, processorPaymentId);
      await switchAccount(api, moving, 'acct_1MovingReplacement');
      const fromFirst = event('refund.created', refund('re_moved_1', processorPaymentId, 1_000), { account: moving.accountId });
      expect((await postSigned(api, fromFirst)).body.outcome).toMatch(/re_moved_1 recorded as refund/);
      const fromNew = event('refund.created', refund('re_moved_2', processorPaymentId, 1_000), { account: 'acct_1MovingReplacement' });
      expect((await postSigned(api, fromNew)).body.outcome).toMatch(/is not a payment of account acct_1MovingReplacement/);
      expect(await eventTypes(api, `payment-${paymentId}`)).toEqual(['PaymentInitiated', 'Charged', 'Refunded']);
    });

    it("never lets one tenant's account touch another tenant's payment", async () => {
      const { paymentId, processorPaymentId } = await chargeCard();
      await indexed(api, processorPaymentId);
      const other = await seedBusiness(api, 'other');
      const forged = event('charge.dispute.created', dispute('dp_forged', processorPaymentId, 10_000, 'needs_response'), { account: other.accountId });
      expect((await postSigned(api, forged)).body.outcome).toMatch(/is not a payment of account/);
      const platform = event('payment_intent.canceled', paymentIntent(processorPaymentId, { status: 'canceled', metadata: metadataOf(paymentId) }));
      expect((await postSigned(api, platform)).body.outcome).toMatch(/is not a payment of account \(platform\)/);
      expect(await eventTypes(api, `payment-${paymentId}`)).toEqual(['PaymentInitiated', 'Charged']);
    });
  });
});

describe('POST /webhooks/stripe without a signing secret', () => {
  it('answers 503 naming the missing setting', async () => {
    const api = await startTestApi();
    try {
      const response = await postSigned(api, event('invoice.paid', { id: 'in_1' }));
      expect(response).toEqual({ status: 503, body: expect.objectContaining({ message: 'Stripe webhooks are not configured: set STRIPE_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRETS' }) });
    } finally {
      await api.close();
    }
  });
});
