/**
 * One document per payment for the payment history, the customer's payments and the booking's
 * payment list. It follows the payment stream alone: the booking documents hold each payment's
 * share, this one holds what happened at the processor or at the counter.
 */
import { type Allocation, type Money, cardPaymentMethods, offlinePaymentMethods } from '@ledger/domain';
import {
  type ProjectedEvent,
  type Projection,
} from '../projection.js';
import { type Fields, oneDocumentProjection, requireCurrency } from '../event-fields.js';
import type { DisputeEntry, PaymentHistoryDocument, RefundEntry, RefundStatus } from './payment-history.document.js';

const COLLECTION = 'payments';

const eventTypes = [
  'PaymentInitiated',
  'PaymentAuthorized',
  'Charged',
  'ChargeFailed',
  'AuthorizationReleased',
  'AuthorizationExpired',
  'CashCollected',
  'RefundRequested',
  'Refunded',
  'RefundFailed',
  'DisputeOpened',
  'DisputeClosed',
] as const;

function allocationsOf(fields: Fields, currency: string): Allocation[] {
  return fields.list('allocations').map((value, index) => {
    const allocation = fields.record(value, `allocations[${index}]`);
    const bookingId = allocation.bookingId;
    if (typeof bookingId !== 'string' || bookingId === '')
      return fields.fail(`allocations[${index}].bookingId is missing`);
    const amount = fields.moneyAt(allocation.amount, `allocations[${index}].amount`);
    return { bookingId, amount: requireCurrency(fields, amount, currency, `allocations[${index}].amount`) };
  });
}

/** PaymentInitiated (a card payment, pending until the processor answers) or CashCollected (done). */
function opened(fields: Fields, event: ProjectedEvent): PaymentHistoryDocument {
  const amount = fields.money('amount');
  const zero = { amountMinor: 0, currency: amount.currency };
  const allocations = allocationsOf(fields, amount.currency);
  const offline = event.type === 'CashCollected';
  return {
    tenant: event.tenant,
    paymentId: fields.text('paymentId'),
    customerId: fields.text('customerId'),
    bookingIds: [...new Set(allocations.map((allocation) => allocation.bookingId))],
    allocations,
    method: offline ? fields.oneOf('method', offlinePaymentMethods) : fields.oneOf('method', cardPaymentMethods),
    status: offline ? 'SUCCEEDED' : 'PENDING',
    amount,
    authorized: zero,
    // Offline money is in hand when it is recorded, so it counts as captured at once.
    captured: offline ? amount : zero,
    refunded: zero,
    card: null,
    cardId: offline ? null : fields.optionalText('cardId'),
    reference: offline ? fields.optionalText('reference') : null,
    note: offline ? fields.optionalText('note') : null,
    failureCode: null,
    declineCode: null,
    captureBefore: null,
    refunds: [],
    disputes: [],
    disputeStatus: null,
    createdAt: event.occurredAt,
    updatedAt: event.occurredAt,
    position: event.position,
  };
}

function cardOf(fields: Fields, previous: PaymentHistoryDocument['card']): PaymentHistoryDocument['card'] {
  if (fields.data.card === undefined || fields.data.card === null) return previous;
  const card = fields.record(fields.data.card, 'card');
  const { brand, last4 } = card;
  if (typeof brand !== 'string' || typeof last4 !== 'string')
    return fields.fail('card.brand or card.last4 is not text');
  return {
    brand,
    last4,
    expMonth: fields.integer(card.expMonth, 'card.expMonth'),
    expYear: fields.integer(card.expYear, 'card.expYear'),
  };
}

/**
 * Refund entries are the single source of `refunded`: only confirmed refunds count. Once money
 * went back, the status says how much of what was captured did.
 */
function refundChanged(doc: PaymentHistoryDocument, fields: Fields, status: RefundStatus): PaymentHistoryDocument {
  const refundId = fields.text('refundId');
  const { currency } = doc.amount;
  const existing = doc.refunds.find((refund) => refund.refundId === refundId);
  const amount =
    status === 'FAILED'
      ? (existing ?? fields.fail(`refund ${refundId} failed without a request`)).amount
      : requireCurrency(fields, fields.money('amount'), currency, 'amount');
  const entry: RefundEntry = { refundId, amount, status };
  const refunds = existing
    ? doc.refunds.map((refund) => (refund.refundId === refundId ? entry : refund))
    : [...doc.refunds, entry];
  const refundedMinor = refunds
    .filter((refund) => refund.status === 'REFUNDED')
    .reduce((sum, refund) => sum + refund.amount.amountMinor, 0);
  const refunded = { amountMinor: refundedMinor, currency };
  if (refundedMinor === 0) {
    // Nothing went back (yet): a refund-only status would be wrong, so a captured payment reads SUCCEEDED.
    const wasRefund = doc.status === 'REFUNDED' || doc.status === 'PARTIALLY_REFUNDED';
    return { ...doc, refunds, refunded, status: wasRefund ? 'SUCCEEDED' : doc.status };
  }
  const fully = refundedMinor >= doc.captured.amountMinor;
  return { ...doc, refunds, refunded, status: fully ? 'REFUNDED' : 'PARTIALLY_REFUNDED' };
}

/**
 * Disputes are listed beside refunds and never change `status` or `refunded`: a dispute is the
 * bank's claim on the payment, not a refund the business made.
 */
function disputeChanged(doc: PaymentHistoryDocument, fields: Fields, event: ProjectedEvent): PaymentHistoryDocument {
  const disputeId = fields.text('disputeId');
  const amount = requireCurrency(fields, fields.money('amount'), doc.amount.currency, 'amount');
  const existing = doc.disputes.find((dispute) => dispute.disputeId === disputeId);
  let entry: DisputeEntry;
  if (event.type === 'DisputeOpened') {
    // A redelivered opening must not reset a dispute that has since closed.
    if (existing) return doc;
    const evidenceDueBy = fields.optionalText('evidenceDueBy');
    entry = { disputeId, amount, reason: fields.text('reason'), status: 'OPEN', evidenceDueBy, openedAt: event.occurredAt, closedAt: null };
  } else {
    const open = existing ?? fields.fail(`dispute ${disputeId} closed before it opened`);
    entry = { ...open, amount, status: fields.oneOf('outcome', ['WON', 'LOST'] as const), closedAt: event.occurredAt };
  }
  const disputes = existing
    ? doc.disputes.map((dispute) => (dispute.disputeId === disputeId ? entry : dispute))
    : [...doc.disputes, entry];
  return { ...doc, disputes, disputeStatus: disputes[disputes.length - 1]!.status };
}

function evolvePayment(
  doc: PaymentHistoryDocument | null,
  fields: Fields,
  event: ProjectedEvent,
): PaymentHistoryDocument {
  if (event.type === 'PaymentInitiated' || event.type === 'CashCollected') {
    return doc === null ? opened(fields, event) : fields.fail('the payment was already opened');
  }
  // An outcome before its payment's intent is an impossible history; a guessed row would mislead.
  const payment = doc ?? fields.fail(`payment ${fields.text('paymentId')} was never opened`);
  const money = (field: string): Money => requireCurrency(fields, fields.money(field), payment.amount.currency, field);
  switch (event.type) {
    case 'PaymentAuthorized':
      return {
        ...payment,
        status: 'AUTHORIZED',
        authorized: money('amount'),
        captureBefore: fields.text('captureBefore'),
      };
    case 'Charged':
      return { ...payment, status: 'SUCCEEDED', captured: money('amount'), card: cardOf(fields, payment.card) };
    case 'ChargeFailed':
      return {
        ...payment,
        status: 'FAILED',
        failureCode: fields.text('failureCode'),
        declineCode: fields.optionalText('declineCode'),
      };
    case 'AuthorizationReleased':
      return { ...payment, status: 'RELEASED' };
    case 'AuthorizationExpired':
      return { ...payment, status: 'EXPIRED' };
    case 'RefundRequested':
      return refundChanged(payment, fields, 'REQUESTED');
    case 'Refunded':
      return refundChanged(payment, fields, 'REFUNDED');
    case 'RefundFailed':
      return refundChanged(payment, fields, 'FAILED');
    case 'DisputeOpened':
    case 'DisputeClosed':
      return disputeChanged(payment, fields, event);
    default:
      return fields.fail('not a payment event');
  }
}

export const paymentHistoryProjection: Projection = oneDocumentProjection<PaymentHistoryDocument>({
  name: 'payment-history',
  version: 1,
  collection: COLLECTION,
  eventTypes,
  keyField: 'paymentId',
  evolve: evolvePayment,
});
