import { invariant, unreachable } from '../shared/decider.js';
import { type Money, money, subtractMoney, zeroMoney } from '../shared/money.js';
import type { PaymentMethod } from '../shared/payment-method.js';
import type {
  Allocation,
  CaptureMode,
  DisputeClosed,
  DisputeOpened,
  DisputeOutcome,
  PaymentEvent,
  RefundFailed,
  Refunded,
  RefundRequested,
} from './payment.events.js';

export type PaymentStatus = 'INITIATED' | 'AUTHORIZED' | 'CAPTURED' | 'FAILED' | 'RELEASED' | 'EXPIRED' | 'COLLECTED';

export type PaymentRefund = Readonly<{
  status: 'REQUESTED' | 'REFUNDED' | 'FAILED';
  amountMinor: number;
  processorRefundId: string | null;
}>;

export type PaymentDispute = Readonly<{
  status: 'OPEN' | DisputeOutcome;
  amountMinor: number;
  reason: string;
}>;

export type Payment = Readonly<{
  status: PaymentStatus;
  paymentId: string;
  customerId: string;
  method: PaymentMethod;
  /** Null for offline payments, which never meet the processor. */
  capture: CaptureMode | null;
  cardId: string | null;
  saveCard: boolean;
  idempotencyKey: string | null;
  /** The processor account a card payment was made on; null for offline payments and older events. */
  processorAccountId: string | null;
  allocations: readonly Allocation[];
  /** What was asked for; the amounts below are what actually happened. */
  amount: Money;
  processorPaymentId: string | null;
  authorized: Money;
  captureBefore: string | null;
  /** Captured by the processor, or collected by hand for offline payments. */
  captured: Money;
  refunded: Money;
  /** Requested refunds without an outcome yet; they already count against what is refundable. */
  refundPending: Money;
  refunds: Readonly<Record<string, PaymentRefund>>;
  /** Amounts under open or lost disputes: neither may be refunded as well. */
  disputed: Money;
  disputes: Readonly<Record<string, PaymentDispute>>;
}>;

export type PaymentState = Readonly<{ status: 'NONE' }> | Payment;

export const initialPaymentState: PaymentState = { status: 'NONE' };

/** What a further refund may still return. */
export function refundableAmount(payment: Payment): Money {
  const refundable = subtractMoney(subtractMoney(payment.captured, payment.refunded), payment.refundPending);
  // A dispute is decided after money may have gone back already; what is refundable never goes below zero.
  return money(Math.max(0, refundable.amountMinor - payment.disputed.amountMinor), refundable.currency);
}

/** What a capture may still take: the live hold, or nothing. */
export function capturableAmount(payment: Payment): Money {
  return payment.status === 'AUTHORIZED' ? payment.authorized : zeroMoney(payment.amount.currency);
}

function opened(event: Extract<PaymentEvent, { type: 'PaymentInitiated' | 'CashCollected' }>): Payment {
  const { paymentId, customerId, allocations, amount } = event.data;
  const zero = zeroMoney(amount.currency);
  const base = {
    paymentId,
    customerId,
    allocations,
    amount,
    processorPaymentId: null,
    authorized: zero,
    captureBefore: null,
    refunded: zero,
    refundPending: zero,
    refunds: {},
    disputed: zero,
    disputes: {},
  };
  if (event.type === 'CashCollected') {
    const { method } = event.data;
    return {
      ...base,
      status: 'COLLECTED',
      method,
      capture: null,
      cardId: null,
      saveCard: false,
      idempotencyKey: null,
      processorAccountId: null,
      captured: amount,
    };
  }
  const { method, capture, cardId, saveCard, idempotencyKey, processorAccountId } = event.data;
  return {
    ...base,
    status: 'INITIATED',
    method,
    capture,
    cardId: cardId ?? null,
    saveCard,
    idempotencyKey,
    processorAccountId: processorAccountId ?? null,
    captured: zero,
  };
}

function refundChanged(payment: Payment, refundId: string, refund: PaymentRefund): Payment {
  const previous = payment.refunds[refundId];
  const { currency } = payment.amount;
  const pendingBefore = previous?.status === 'REQUESTED' ? previous.amountMinor : 0;
  const pendingAfter = refund.status === 'REQUESTED' ? refund.amountMinor : 0;
  const refundedDelta = refund.status === 'REFUNDED' ? refund.amountMinor : 0;
  return {
    ...payment,
    refunds: { ...payment.refunds, [refundId]: refund },
    refundPending: money(payment.refundPending.amountMinor - pendingBefore + pendingAfter, currency),
    refunded: money(payment.refunded.amountMinor + refundedDelta, currency),
  };
}

function evolveRefund(payment: Payment, event: RefundRequested | Refunded | RefundFailed): Payment {
  const { refundId } = event.data;
  const previous = payment.refunds[refundId];
  switch (event.type) {
    case 'RefundRequested':
      return refundChanged(payment, refundId, {
        status: 'REQUESTED',
        amountMinor: event.data.amount.amountMinor,
        processorRefundId: null,
      });
    case 'Refunded': {
      const processorRefundId = event.data.processorRefundId ?? null;
      return refundChanged(payment, refundId, {
        status: 'REFUNDED',
        amountMinor: event.data.amount.amountMinor,
        processorRefundId,
      });
    }
    case 'RefundFailed':
      invariant(previous !== undefined, `refund ${refundId} failed without a request`);
      return refundChanged(payment, refundId, { ...previous, status: 'FAILED' });
    default: {
      const _exhaustive: never = event;
      return unreachable(_exhaustive, 'refund event');
    }
  }
}

/** Open and lost disputes hold their amount; a won dispute gives it back. */
function heldMinor(dispute: PaymentDispute | undefined): number {
  return dispute === undefined || dispute.status === 'WON' ? 0 : dispute.amountMinor;
}

function evolveDispute(payment: Payment, event: DisputeOpened | DisputeClosed): Payment {
  const { disputeId } = event.data;
  const previous = payment.disputes[disputeId];
  const dispute: PaymentDispute =
    event.type === 'DisputeOpened'
      ? { status: 'OPEN', amountMinor: event.data.amount.amountMinor, reason: event.data.reason }
      : { status: event.data.outcome, amountMinor: event.data.amount.amountMinor, reason: previous?.reason ?? '' };
  invariant(event.type === 'DisputeOpened' || previous !== undefined, `dispute ${disputeId} closed before it opened`);
  const disputedMinor = payment.disputed.amountMinor - heldMinor(previous) + heldMinor(dispute);
  return {
    ...payment,
    disputes: { ...payment.disputes, [disputeId]: dispute },
    disputed: money(disputedMinor, payment.amount.currency),
  };
}

export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  if (event.type === 'PaymentInitiated' || event.type === 'CashCollected') {
    invariant(state.status === 'NONE', 'a payment is opened once');
    return opened(event);
  }
  invariant(state.status !== 'NONE', `${event.type} before the payment was opened`);
  switch (event.type) {
    case 'PaymentAuthorized': {
      const { processorPaymentId, amount, captureBefore } = event.data;
      return { ...state, status: 'AUTHORIZED', processorPaymentId, authorized: amount, captureBefore };
    }
    case 'Charged':
      return {
        ...state,
        status: 'CAPTURED',
        processorPaymentId: event.data.processorPaymentId,
        captured: event.data.amount,
      };
    case 'ChargeFailed':
      return { ...state, status: 'FAILED' };
    case 'AuthorizationReleased':
      return { ...state, status: 'RELEASED' };
    case 'AuthorizationExpired':
      return { ...state, status: 'EXPIRED' };
    case 'RefundRequested':
    case 'Refunded':
    case 'RefundFailed':
      return evolveRefund(state, event);
    case 'DisputeOpened':
    case 'DisputeClosed':
      return evolveDispute(state, event);
    default: {
      const _exhaustive: never = event;
      return unreachable(_exhaustive, 'payment event');
    }
  }
}
