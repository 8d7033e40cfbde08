/**
 * Translation of Stripe events into what the ledger should do about them, as plain data. Pure:
 * no store, no clock, no network, so every event shape is unit-tested on its own. Which payment
 * or tenant an action concerns is resolved later, against the log (see stripe-webhook-processor).
 *
 * Only fields Stripe documents are read, and missing or unexpanded ones are tolerated: event
 * objects are rendered in the account's API version and never expand nested objects.
 */
import type Stripe from 'stripe';
import type { DisputeOutcome, Money } from '@ledger/domain';

/** Names a processor payment; the ledger's own ids when the object carries our metadata. */
export interface ProcessorPaymentRef {
  readonly processorPaymentId: string;
  readonly paymentId?: string;
  readonly tenant?: string;
}

export interface ProcessorRefund {
  readonly processorRefundId: string;
  readonly amount: Money;
}

export interface ProcessorDispute {
  readonly disputeId: string;
  readonly amount: Money;
  readonly reason: string;
  readonly evidenceDueBy?: string;
}

export type WebhookAction =
  | { readonly kind: 'charge-succeeded'; readonly payment: ProcessorPaymentRef; readonly amount: Money }
  | { readonly kind: 'authorized'; readonly payment: ProcessorPaymentRef; readonly amount: Money; readonly captureBefore: string }
  | {
      readonly kind: 'charge-failed';
      readonly payment: ProcessorPaymentRef;
      readonly failureCode: string;
      readonly declineCode?: string;
      readonly message: string;
    }
  | { readonly kind: 'canceled'; readonly payment: ProcessorPaymentRef; readonly reason: string }
  | { readonly kind: 'refunded'; readonly payment: ProcessorPaymentRef; readonly refunds: readonly ProcessorRefund[] }
  | { readonly kind: 'dispute-opened'; readonly payment: ProcessorPaymentRef; readonly dispute: ProcessorDispute }
  | {
      readonly kind: 'dispute-closed';
      readonly payment: ProcessorPaymentRef;
      readonly dispute: ProcessorDispute;
      readonly outcome: DisputeOutcome;
    }
  | { readonly kind: 'account-updated'; readonly accountId: string; readonly chargesEnabled: boolean; readonly detailsSubmitted: boolean }
  | { readonly kind: 'card-setup-confirmed'; readonly setupIntentId: string }
  | { readonly kind: 'ignored'; readonly reason: string };

/** A verified event reduced to what the ledger needs: who sent it, and what to do. */
export interface WebhookEnvelope {
  readonly eventId: string;
  readonly type: string;
  /** The connected account the event happened on; absent for the platform's own account. */
  readonly account?: string;
  readonly action: WebhookAction;
}

/** Stripe's documented validity of an online card authorisation, when the event does not say. */
const HOLD_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export function translateStripeEvent(event: Stripe.Event): WebhookEnvelope {
  const account = typeof event.account === 'string' && event.account !== '' ? { account: event.account } : {};
  return { eventId: event.id, type: event.type, ...account, action: actionOf(event) };
}

function actionOf(event: Stripe.Event): WebhookAction {
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled':
    case 'payment_intent.amount_capturable_updated':
      return paymentIntentAction(event.type, event.data.object);
    case 'setup_intent.succeeded':
      return { kind: 'card-setup-confirmed', setupIntentId: event.data.object.id };
    case 'charge.refunded':
      return chargeRefunded(event.data.object);
    case 'refund.created':
    case 'refund.updated':
    case 'charge.refund.updated':
      return refundAction(event.data.object);
    case 'charge.dispute.created':
      return disputeOpened(event.data.object);
    case 'charge.dispute.closed':
      return disputeClosed(event.data.object);
    case 'account.updated':
      return accountUpdated(event.data.object);
    default:
      return { kind: 'ignored', reason: `the ledger does not act on ${event.type}` };
  }
}

export function moneyOf(amountMinor: number, currency: string): Money {
  return { amountMinor, currency: currency.toUpperCase() };
}

function idOf(value: string | { id: string } | null | undefined): string | undefined {
  return typeof value === 'string' ? value : (value?.id ?? undefined);
}

/** The ledger puts `paymentId` and `tenant` in the metadata of every PaymentIntent it creates. */
function paymentRef(processorPaymentId: string, metadata: Stripe.Metadata | null | undefined): ProcessorPaymentRef {
  const paymentId = metadata?.paymentId;
  const tenant = metadata?.tenant;
  return {
    processorPaymentId,
    ...(typeof paymentId === 'string' && paymentId !== '' ? { paymentId } : {}),
    ...(typeof tenant === 'string' && tenant !== '' ? { tenant } : {}),
  };
}

function paymentIntentAction(type: Stripe.Event.Type, intent: Stripe.PaymentIntent): WebhookAction {
  const payment = paymentRef(intent.id, intent.metadata);
  switch (type) {
    case 'payment_intent.succeeded':
      if (intent.amount_received <= 0) return { kind: 'ignored', reason: `${intent.id} succeeded without receiving money` };
      return { kind: 'charge-succeeded', payment, amount: moneyOf(intent.amount_received, intent.currency) };
    case 'payment_intent.amount_capturable_updated':
      if (intent.amount_capturable <= 0) return { kind: 'ignored', reason: `${intent.id} has nothing left to capture` };
      return { kind: 'authorized', payment, amount: moneyOf(intent.amount_capturable, intent.currency), captureBefore: captureBeforeOf(intent) };
    case 'payment_intent.canceled':
      return { kind: 'canceled', payment, reason: intent.cancellation_reason ?? 'unspecified' };
    default:
      return paymentFailed(payment, intent);
  }
}

function paymentFailed(payment: ProcessorPaymentRef, intent: Stripe.PaymentIntent): WebhookAction {
  const error = intent.last_payment_error;
  return {
    kind: 'charge-failed',
    payment,
    failureCode: error?.code ?? 'payment_failed',
    ...(error?.decline_code ? { declineCode: error.decline_code } : {}),
    message: error?.message ?? 'The payment failed at the processor.',
  };
}

/** The charge's own deadline when the event carries the charge, else Stripe's documented seven days. */
function captureBeforeOf(intent: Stripe.PaymentIntent): string {
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
  const captureBefore = charge?.payment_method_details?.card?.capture_before;
  if (typeof captureBefore === 'number') return new Date(captureBefore * 1000).toISOString();
  return new Date((charge?.created ?? intent.created) * 1000 + HOLD_LIFETIME_MS).toISOString();
}

/**
 * The charge lists its refunds only in older API versions (newer ones need an expansion events
 * never have); the `refund.*` events then carry each refund on its own.
 */
function chargeRefunded(charge: Stripe.Charge): WebhookAction {
  const processorPaymentId = idOf(charge.payment_intent);
  if (!processorPaymentId) return { kind: 'ignored', reason: `charge ${charge.id} has no PaymentIntent` };
  const listed = charge.refunds?.data ?? [];
  const refunds = listed.filter((refund) => refund.status === 'succeeded').map((refund) => refundOf(refund));
  if (refunds.length === 0) return { kind: 'ignored', reason: `charge ${charge.id} lists no refunds; they arrive as refund events` };
  return { kind: 'refunded', payment: paymentRef(processorPaymentId, charge.metadata), refunds };
}

function refundAction(refund: Stripe.Refund): WebhookAction {
  const processorPaymentId = idOf(refund.payment_intent);
  if (!processorPaymentId) return { kind: 'ignored', reason: `refund ${refund.id} has no PaymentIntent` };
  // Pending refunds have not moved money; their success arrives as refund.updated.
  if (refund.status !== 'succeeded') return { kind: 'ignored', reason: `refund ${refund.id} is ${refund.status ?? 'without a status'}` };
  return { kind: 'refunded', payment: { processorPaymentId }, refunds: [refundOf(refund)] };
}

function refundOf(refund: Stripe.Refund): ProcessorRefund {
  return { processorRefundId: refund.id, amount: moneyOf(refund.amount, refund.currency) };
}

function disputeOf(dispute: Stripe.Dispute): ProcessorDispute {
  const dueBy = dispute.evidence_details?.due_by;
  return {
    disputeId: dispute.id,
    amount: moneyOf(dispute.amount, dispute.currency),
    reason: dispute.reason,
    ...(typeof dueBy === 'number' ? { evidenceDueBy: new Date(dueBy * 1000).toISOString() } : {}),
  };
}

function disputePayment(dispute: Stripe.Dispute): ProcessorPaymentRef | undefined {
  const processorPaymentId = idOf(dispute.payment_intent);
  return processorPaymentId ? { processorPaymentId } : undefined;
}

function disputeOpened(dispute: Stripe.Dispute): WebhookAction {
  const payment = disputePayment(dispute);
  if (!payment) return { kind: 'ignored', reason: `dispute ${dispute.id} is not on a PaymentIntent` };
  return { kind: 'dispute-opened', payment, dispute: disputeOf(dispute) };
}

/**
 * `warning_closed` ends an inquiry that never became a chargeback: the money stayed, as when won.
 */
function disputeClosed(dispute: Stripe.Dispute): WebhookAction {
  const payment = disputePayment(dispute);
  if (!payment) return { kind: 'ignored', reason: `dispute ${dispute.id} is not on a PaymentIntent` };
  const outcome = dispute.status === 'lost' ? 'LOST' : dispute.status === 'won' || dispute.status === 'warning_closed' ? 'WON' : undefined;
  if (!outcome) return { kind: 'ignored', reason: `dispute ${dispute.id} closed in status ${dispute.status}` };
  return { kind: 'dispute-closed', payment, dispute: disputeOf(dispute), outcome };
}

function accountUpdated(account: Stripe.Account): WebhookAction {
  return {
    kind: 'account-updated',
    accountId: account.id,
    chargesEnabled: account.charges_enabled === true,
    detailsSubmitted: account.details_submitted === true,
  };
}
