/**
 * The payment objects of Stripe events (PaymentIntents, charges, refunds, disputes) translated
 * into ledger actions: the money, the ids and the ledger metadata they carry, each field read
 * with its documented type (see stripe-fields and stripe-event-translation).
 */
import type { Money } from '@ledger/domain';
import { STRIPE_UNKNOWN_HOLD_LIFETIME_MS } from '@ledger/payments';
import type { StripeFields } from './stripe-fields.js';
import type { ProcessorDispute, ProcessorPaymentRef, ProcessorRefund, WebhookAction } from './stripe-event-translation.js';

/**
 * How long a hold is assumed capturable when the event does not say: the shortest window Stripe
 * documents (a merchant-initiated Visa authorisation), the same bound the Stripe adapter takes.
 */
const HOLD_LIFETIME_S = STRIPE_UNKNOWN_HOLD_LIFETIME_MS / 1000;

const ignored = (reason: string): WebhookAction => ({ kind: 'ignored', reason });

export function moneyOf(amountMinor: number, currency: string): Money {
  return { amountMinor, currency: currency.toUpperCase() };
}

function amountOf(object: StripeFields, key: string): Money {
  return moneyOf(object.amountMinor(key), object.currency('currency'));
}

function isoOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

/** The ledger puts `paymentId` and `tenant` in the metadata of every PaymentIntent it creates. */
function paymentRef(processorPaymentId: string, owner: StripeFields): ProcessorPaymentRef {
  const metadata = owner.optionalObject('metadata');
  const paymentId = metadata?.optionalText('paymentId');
  const tenant = metadata?.optionalText('tenant');
  return {
    processorPaymentId,
    ...(paymentId ? { paymentId } : {}),
    ...(tenant ? { tenant } : {}),
  };
}

export function paymentIntentAction(type: string, intent: StripeFields): WebhookAction {
  const id = intent.id();
  const payment = paymentRef(id, intent);
  switch (type) {
    case 'payment_intent.succeeded': {
      const amount = amountOf(intent, 'amount_received');
      if (amount.amountMinor <= 0) return ignored(`${id} succeeded without receiving money`);
      return { kind: 'charge-succeeded', payment, amount };
    }
    case 'payment_intent.amount_capturable_updated': {
      const amount = amountOf(intent, 'amount_capturable');
      if (amount.amountMinor <= 0) return ignored(`${id} has nothing left to capture`);
      return { kind: 'authorized', payment, amount, captureBefore: captureBeforeOf(intent) };
    }
    case 'payment_intent.canceled':
      return { kind: 'canceled', payment, reason: intent.optionalCode('cancellation_reason') ?? 'unspecified' };
    default:
      return paymentFailed(payment, intent);
  }
}

function paymentFailed(payment: ProcessorPaymentRef, intent: StripeFields): WebhookAction {
  const error = intent.optionalObject('last_payment_error');
  const declineCode = error?.optionalCode('decline_code');
  return {
    kind: 'charge-failed',
    payment,
    failureCode: error?.optionalCode('code') ?? 'payment_failed',
    ...(declineCode ? { declineCode } : {}),
    message: error?.optionalText('message') ?? 'The payment failed at the processor.',
  };
}

/** The charge's own deadline when the event carries the charge, else the shortest documented window. */
function captureBeforeOf(intent: StripeFields): string {
  const charge = intent.optionalExpansion('latest_charge');
  const card = charge?.optionalObject('payment_method_details')?.optionalObject('card');
  const captureBefore = card?.optionalTimestamp('capture_before');
  // Read even when unused, so an expanded charge is either wholly usable or the event is ignored.
  const chargedAt = charge?.optionalTimestamp('created');
  if (captureBefore !== undefined) return isoOf(captureBefore);
  return isoOf((chargedAt ?? intent.timestamp('created')) + HOLD_LIFETIME_S);
}

/**
 * The charge lists its refunds only in older API versions (newer ones need an expansion events
 * never have); the `refund.*` events then carry each refund on its own.
 */
export function chargeRefunded(charge: StripeFields): WebhookAction {
  const id = charge.id();
  const processorPaymentId = charge.optionalReference('payment_intent');
  if (!processorPaymentId) return ignored(`charge ${id} has no PaymentIntent`);
  const listed = charge.optionalObject('refunds')?.objects('data') ?? [];
  const refunds = listed.filter((refund) => refund.optionalCode('status') === 'succeeded').map(refundOf);
  if (refunds.length === 0) return ignored(`charge ${id} lists no refunds; they arrive as refund events`);
  return { kind: 'refunded', payment: paymentRef(processorPaymentId, charge), refunds };
}

export function refundAction(refund: StripeFields): WebhookAction {
  const id = refund.id();
  const processorPaymentId = refund.optionalReference('payment_intent');
  if (!processorPaymentId) return ignored(`refund ${id} has no PaymentIntent`);
  // Pending refunds have not moved money; their success arrives as refund.updated.
  const status = refund.optionalCode('status');
  if (status !== 'succeeded') return ignored(`refund ${id} is ${status ?? 'without a status'}`);
  return { kind: 'refunded', payment: { processorPaymentId }, refunds: [refundOf(refund)] };
}

function refundOf(refund: StripeFields): ProcessorRefund {
  return { processorRefundId: refund.id(), amount: amountOf(refund, 'amount') };
}

function disputeOf(dispute: StripeFields): ProcessorDispute {
  const dueBy = dispute.optionalObject('evidence_details')?.optionalTimestamp('due_by');
  return {
    disputeId: dispute.id(),
    amount: amountOf(dispute, 'amount'),
    reason: dispute.code('reason'),
    ...(dueBy === undefined ? {} : { evidenceDueBy: isoOf(dueBy) }),
  };
}

function disputePayment(dispute: StripeFields): ProcessorPaymentRef | undefined {
  const processorPaymentId = dispute.optionalReference('payment_intent');
  return processorPaymentId ? { processorPaymentId } : undefined;
}

export function disputeOpened(dispute: StripeFields): WebhookAction {
  const payment = disputePayment(dispute);
  if (!payment) return ignored(`dispute ${dispute.id()} is not on a PaymentIntent`);
  return { kind: 'dispute-opened', payment, dispute: disputeOf(dispute) };
}

/**
 * `warning_closed` ends an inquiry that never became a chargeback: the money stayed, as when won.
 */
export function disputeClosed(dispute: StripeFields): WebhookAction {
  const payment = disputePayment(dispute);
  if (!payment) return ignored(`dispute ${dispute.id()} is not on a PaymentIntent`);
  const status = dispute.code('status');
  const outcome = status === 'lost' ? 'LOST' : status === 'won' || status === 'warning_closed' ? 'WON' : undefined;
  if (!outcome) return ignored(`dispute ${dispute.id()} closed in status ${status}`);
  return { kind: 'dispute-closed', payment, dispute: disputeOf(dispute), outcome };
}
