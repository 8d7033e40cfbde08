// Goal: every Stripe event the ledger handles becomes the right action with the right ids and
// money, and anything else is ignored with a reason, never an error.
// Method: realistic event bodies (libs/testing's stripeEvents) through the pure translation.
import type Stripe from 'stripe';
import { STRIPE_API_VERSION } from '@ledger/payments';
import { stripeEvents } from '@ledger/testing';
import { translateStripeEvent } from './stripe-event-translation.js';

const { account, charge, dispute, event, paymentIntent, refund, setupIntent } = stripeEvents;
const cad = (amountMinor: number) => ({ amountMinor, currency: 'CAD' });
const ledger = { paymentId: 'p-1', tenant: 'sparkle' };
const translate = (body: Record<string, unknown>) => translateStripeEvent(body as unknown as Stripe.Event);

describe('translateStripeEvent', () => {
  it('keeps the event id, its type and the connected account it came from', () => {
    const body = event('payment_intent.succeeded', paymentIntent('pi_1', { metadata: ledger }), { id: 'evt_1', account: 'acct_1' });
    expect(translate(body)).toMatchObject({ eventId: 'evt_1', type: 'payment_intent.succeeded', account: 'acct_1' });
    expect(translate(event('payment_intent.succeeded', paymentIntent('pi_1')))).not.toHaveProperty('account');
  });

  it('turns a succeeded PaymentIntent into a charge of the amount received, with the ledger ids of its metadata', () => {
    expect(translate(event('payment_intent.succeeded', paymentIntent('pi_1', { amountMinor: 12_345, metadata: ledger }))).action).toEqual({
      kind: 'charge-succeeded',
      payment: { processorPaymentId: 'pi_1', paymentId: 'p-1', tenant: 'sparkle' },
      amount: cad(12_345),
    });
    expect(translate(event('payment_intent.succeeded', paymentIntent('pi_2'))).action).toMatchObject({ payment: { processorPaymentId: 'pi_2' } });
  });

  it('turns a capturable amount into a hold that, without a deadline from Stripe, expires after the shortest documented window', () => {
    const intent = paymentIntent('pi_1', { status: 'requires_capture', captureMethod: 'manual', metadata: ledger });
    // 4 days 18 hours: a merchant-initiated Visa authorisation, not Stripe's usual seven days.
    expect(translate(event('payment_intent.amount_capturable_updated', intent)).action).toEqual({
      kind: 'authorized',
      payment: { processorPaymentId: 'pi_1', ...ledger },
      amount: cad(10_000),
      captureBefore: new Date(((intent.created as number) + (4 * 24 + 18) * 3_600) * 1000).toISOString(),
    });
  });

  it('reads only events rendered in the pinned API version', () => {
    const intent = paymentIntent('pi_1', { metadata: ledger });
    expect(translate(event('payment_intent.succeeded', intent, { apiVersion: STRIPE_API_VERSION })).action.kind).toBe('charge-succeeded');
    for (const apiVersion of ['2025-09-30.clover', null]) {
      expect(translate(event('payment_intent.succeeded', intent, { apiVersion })).action).toEqual({
        kind: 'other-api-version',
        reason: `rendered in Stripe API version ${apiVersion ?? 'none'}; the ledger reads only ${STRIPE_API_VERSION} (set the webhook endpoint's version)`,
      });
    }
  });

  it('carries the decline of a failed PaymentIntent, and the reason of a cancelled one', () => {
    const lastPaymentError = { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' };
    const failed = paymentIntent('pi_1', { status: 'requires_payment_method', metadata: ledger, lastPaymentError });
    expect(translate(event('payment_intent.payment_failed', failed)).action).toEqual({
      kind: 'charge-failed',
      payment: { processorPaymentId: 'pi_1', ...ledger },
      failureCode: 'card_declined',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    });
    const canceled = paymentIntent('pi_1', { status: 'canceled', metadata: ledger, cancellationReason: 'automatic' });
    expect(translate(event('payment_intent.canceled', canceled)).action).toEqual({ kind: 'canceled', payment: { processorPaymentId: 'pi_1', ...ledger }, reason: 'automatic' });
  });

  it('lists the succeeded refunds of a refunded charge, and takes refunds one by one from refund events', () => {
    const refunds = [refund('re_1', 'pi_1', 2_500), refund('re_2', 'pi_1', 1_000, 'pending')];
    expect(translate(event('charge.refunded', charge('pi_1', 10_000, refunds))).action).toEqual({
      kind: 'refunded',
      payment: { processorPaymentId: 'pi_1' },
      refunds: [{ processorRefundId: 're_1', amount: cad(2_500) }],
    });
    expect(translate(event('charge.refunded', charge('pi_1', 10_000))).action.kind).toBe('ignored');
    expect(translate(event('refund.updated', refund('re_3', 'pi_1', 700))).action).toEqual({
      kind: 'refunded',
      payment: { processorPaymentId: 'pi_1' },
      refunds: [{ processorRefundId: 're_3', amount: cad(700) }],
    });
    expect(translate(event('refund.created', refund('re_4', 'pi_1', 700, 'pending'))).action.kind).toBe('ignored');
  });

  it('opens a dispute with its reason and evidence deadline, and closes it as won or lost', () => {
    const opened = dispute('dp_1', 'pi_1', 10_000, 'needs_response');
    expect(translate(event('charge.dispute.created', opened)).action).toEqual({
      kind: 'dispute-opened',
      payment: { processorPaymentId: 'pi_1' },
      dispute: {
        disputeId: 'dp_1',
        amount: cad(10_000),
        reason: 'fraudulent',
        evidenceDueBy: new Date(((opened.evidence_details as { due_by: number }).due_by) * 1000).toISOString(),
      },
    });
    expect(translate(event('charge.dispute.closed', dispute('dp_1', 'pi_1', 10_000, 'lost'))).action).toMatchObject({ kind: 'dispute-closed', outcome: 'LOST' });
    expect(translate(event('charge.dispute.closed', dispute('dp_1', 'pi_1', 10_000, 'won'))).action).toMatchObject({ outcome: 'WON' });
    expect(translate(event('charge.dispute.closed', dispute('dp_1', 'pi_1', 10_000, 'warning_closed'))).action).toMatchObject({ outcome: 'WON' });
  });

  it('reads the account state of account.updated', () => {
    expect(translate(event('account.updated', account('acct_1', true), { account: 'acct_1' })).action).toEqual({
      kind: 'account-updated',
      accountId: 'acct_1',
      chargesEnabled: true,
      detailsSubmitted: true,
    });
    expect(translate(event('account.updated', account('acct_1', false, true))).action).toMatchObject({ chargesEnabled: false, detailsSubmitted: true });
  });

  it('acknowledges a setup confirmation, and ignores unknown types and objects without a PaymentIntent', () => {
    expect(translate(event('setup_intent.succeeded', setupIntent('seti_1'))).action).toEqual({ kind: 'card-setup-confirmed', setupIntentId: 'seti_1' });
    expect(translate(event('invoice.paid', { id: 'in_1', object: 'invoice' })).action).toEqual({ kind: 'ignored', reason: 'the ledger does not act on invoice.paid' });
    expect(translate(event('charge.dispute.created', { ...dispute('dp_1', 'pi_1', 100, 'needs_response'), payment_intent: null })).action.kind).toBe('ignored');
    expect(translate(event('payment_intent.succeeded', { ...paymentIntent('pi_1'), amount_received: 0 })).action.kind).toBe('ignored');
  });
});
