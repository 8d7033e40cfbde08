// Goal: pin down how Stripe's answers become the port's outcomes, including the cases stripe-mock
// cannot produce (holds, refunds still pending, payments still processing), and what each kind of
// card source asks of Stripe.
// Method: documented Stripe objects and the SDK's own error classes, built in memory; no I/O.
import Stripe from 'stripe';
import { GatewayUnavailableError } from '../payment-gateway.errors.js';
import type { CreatePaymentInput } from '../payment-gateway.types.js';
import { paymentOutcomeOf, refundResultOf, saveCardOutcomeOf, savedForOf, settledHoldOf } from './stripe-mapping.js';
import { paymentIntentParams } from './stripe-params.js';

const card = { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 };
const chargeCard = { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034 };

function intent(fields: Record<string, unknown>): Stripe.PaymentIntent {
  return {
    id: 'pi_1',
    object: 'payment_intent',
    amount: 1000,
    amount_capturable: 0,
    amount_received: 0,
    currency: 'cad',
    created: 1_900_000_000,
    payment_method: 'pm_1',
    latest_charge: null,
    last_payment_error: null,
    ...fields,
  } as unknown as Stripe.PaymentIntent;
}

describe('PaymentIntent requests', () => {
  const base: CreatePaymentInput = {
    account: {},
    amount: { amountMinor: 1000, currency: 'CAD' },
    capture: 'manual',
    source: { kind: 'token', paymentMethodToken: 'pm_card_visa' },
    idempotencyKey: 'k',
  };

  it('neither attaches nor sets up a one-time card', () => {
    const params = paymentIntentParams(base);
    expect(params).toMatchObject({
      amount: 1000,
      currency: 'cad',
      capture_method: 'manual',
      confirm: true,
      payment_method: 'pm_card_visa',
    });
    expect(params).not.toHaveProperty('customer');
    expect(params).not.toHaveProperty('setup_future_usage');
  });

  it('sets up a new card for off-session use when it is saved for a customer', () => {
    const params = paymentIntentParams({
      ...base,
      source: { kind: 'token', paymentMethodToken: 'pm_card_visa', saveFor: 'cus_1' },
    });
    expect(params).toMatchObject({ customer: 'cus_1', setup_future_usage: 'off_session' });
  });

  it("sends the ledger's payment id as metadata, which is how a lost answer is found again", () => {
    const params = paymentIntentParams({ ...base, metadata: { paymentId: 'p-1', tenant: 't-1' } });
    expect(params.metadata).toEqual({ paymentId: 'p-1', tenant: 't-1' });
  });

  it('charges a saved card off-session', () => {
    const params = paymentIntentParams({
      ...base,
      capture: 'automatic',
      source: { kind: 'saved', processorCustomerId: 'cus_1', processorPaymentMethodId: 'pm_1' },
    });
    expect(params).toMatchObject({
      customer: 'cus_1',
      payment_method: 'pm_1',
      off_session: true,
      confirm: true,
      capture_method: 'automatic',
    });
    expect(params).not.toHaveProperty('setup_future_usage');
  });
});

describe('PaymentIntent outcomes', () => {
  it('reports a succeeded payment with the captured amount in upper-case currency', () => {
    expect(paymentOutcomeOf(intent({ status: 'succeeded', amount_received: 1000 }), card, undefined)).toEqual({
      status: 'succeeded',
      processorPaymentId: 'pi_1',
      amountCaptured: { amountMinor: 1000, currency: 'CAD' },
      card,
    });
  });

  it("takes a hold's deadline from the charge, else the shortest documented window (4 days 18 hours) after the charge", () => {
    const charge = {
      id: 'ch_1',
      created: 1_900_000_000,
      payment_method_details: { card: { ...chargeCard, capture_before: 1_900_300_000 } },
    };
    const hold = paymentOutcomeOf(
      intent({ status: 'requires_capture', amount_capturable: 1000, latest_charge: charge }),
      card,
      undefined,
    );
    expect(hold).toMatchObject({
      status: 'requires_capture',
      amountAuthorized: { amountMinor: 1000, currency: 'CAD' },
      captureBefore: new Date(1_900_300_000_000).toISOString(),
    });
    const withoutDeadline = { ...charge, payment_method_details: { card: chargeCard } };
    const fallback = paymentOutcomeOf(
      intent({ status: 'requires_capture', latest_charge: withoutDeadline }),
      card,
      undefined,
    );
    // A merchant-initiated Visa authorisation lapses after 4 days 18 hours, and nothing here says
    // which kind this was: the shorter bound is assumed, never Stripe's usual seven days.
    expect(fallback).toMatchObject({ captureBefore: new Date((1_900_000_000 + (4 * 24 + 18) * 3_600) * 1000).toISOString() });
    const noCharge = paymentOutcomeOf(intent({ status: 'requires_capture', latest_charge: null }), card, undefined);
    expect(noCharge).toMatchObject({ captureBefore: new Date((1_900_000_000 + (4 * 24 + 18) * 3_600) * 1000).toISOString() });
  });

  it('returns the payment method only for a card saved on purpose', () => {
    const succeeded = intent({ status: 'succeeded', amount_received: 1000 });
    expect(paymentOutcomeOf(succeeded, card, 'cus_1')).toMatchObject({
      savedCard: { processorPaymentMethodId: 'pm_1', processorCustomerId: 'cus_1', ...card },
    });
    expect(paymentOutcomeOf(succeeded, card, undefined)).not.toHaveProperty('savedCard');
  });

  it('reports an unfinished payment as failed with Stripe’s last error', () => {
    const failed = intent({
      status: 'requires_payment_method',
      last_payment_error: { code: 'card_declined', decline_code: 'do_not_honor', message: 'Declined.' },
    });
    expect(paymentOutcomeOf(failed, card, undefined)).toEqual({
      status: 'failed',
      processorPaymentId: 'pi_1',
      failureCode: 'card_declined',
      declineCode: 'do_not_honor',
      message: 'Declined.',
    });
    expect(paymentOutcomeOf(intent({ status: 'requires_action' }), card, undefined)).toMatchObject({
      failureCode: 'authentication_required',
    });
  });

  it('never reports a payment that is still processing as failed', () => {
    expect(() => paymentOutcomeOf(intent({ status: 'processing' }), card, undefined)).toThrow(GatewayUnavailableError);
  });
});

describe('finding a payment again', () => {
  it('reads a hold met in another state as captured or let go, and nothing else', () => {
    expect(settledHoldOf(intent({ status: 'succeeded', amount_received: 800 }))).toEqual({
      status: 'succeeded',
      processorPaymentId: 'pi_1',
      amountCaptured: { amountMinor: 800, currency: 'CAD' },
    });
    expect(settledHoldOf(intent({ status: 'canceled' }))).toEqual({ status: 'canceled', processorPaymentId: 'pi_1' });
    expect(settledHoldOf(intent({ status: 'requires_payment_method' }))).toBeUndefined();
    expect(() => settledHoldOf(intent({ status: 'processing' }))).toThrow(GatewayUnavailableError);
  });

  it('reads the customer a card was saved for from the intent, and none for other cards', () => {
    expect(savedForOf(intent({ customer: 'cus_1', setup_future_usage: 'off_session' }))).toBe('cus_1');
    expect(savedForOf(intent({ customer: { id: 'cus_1' }, setup_future_usage: 'off_session' }))).toBe('cus_1');
    // A saved card charged off-session names its customer but is not being saved again.
    expect(savedForOf(intent({ customer: 'cus_1', setup_future_usage: null }))).toBeUndefined();
    expect(savedForOf(intent({ customer: null, setup_future_usage: null }))).toBeUndefined();
  });

  it('maps a canceled intent with its last error as failed with that code', () => {
    const canceled = intent({
      status: 'canceled',
      last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Declined.' },
    });
    expect(paymentOutcomeOf(canceled, card, undefined)).toMatchObject({
      status: 'failed',
      failureCode: 'card_declined',
      declineCode: 'insufficient_funds',
    });
  });
});

describe('other Stripe answers', () => {
  it('maps refund statuses, treating anything unfinished as pending', () => {
    const refund = (status: string | null, failure_reason?: string) =>
      refundResultOf({ id: 're_1', amount: 300, currency: 'cad', status, failure_reason } as unknown as Stripe.Refund);
    expect(refund('succeeded')).toEqual({
      processorRefundId: 're_1',
      status: 'succeeded',
      amount: { amountMinor: 300, currency: 'CAD' },
    });
    expect(refund('requires_action').status).toBe('pending');
    expect(refund(null).status).toBe('pending');
    expect(refund('failed', 'expired_or_canceled_card')).toMatchObject({
      status: 'failed',
      failureCode: 'expired_or_canceled_card',
    });
  });

  it('reports a saved card with the customer it was attached to', () => {
    const setupIntent = { id: 'seti_1', status: 'succeeded', payment_method: 'pm_1', customer: 'cus_1' };
    const method = { id: 'pm_1', card: chargeCard } as unknown as Stripe.PaymentMethod;
    expect(saveCardOutcomeOf(setupIntent as unknown as Stripe.SetupIntent, method, 'cus_1')).toEqual({
      status: 'saved',
      card: { processorPaymentMethodId: 'pm_1', processorCustomerId: 'cus_1', ...card },
    });
  });

  it('reports a SetupIntent that did not succeed as a failed save', () => {
    const setupIntent = {
      id: 'seti_1',
      status: 'requires_payment_method',
      payment_method: 'pm_1',
      last_setup_error: { code: 'card_declined', decline_code: 'generic_decline', message: 'Declined.' },
    };
    expect(saveCardOutcomeOf(setupIntent as unknown as Stripe.SetupIntent, undefined, 'cus_1')).toEqual({
      status: 'failed',
      failureCode: 'card_declined',
      declineCode: 'generic_decline',
      message: 'Declined.',
    });
  });
});
