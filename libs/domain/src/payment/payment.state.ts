import { invariant, unreachable } from '../shared/decider.js';
import { type Money, money, subtractMoney, zeroMoney } from '../shared/money.js';
import type { PaymentMethod } from '../shared/payment-method.js';
import type {
  Allocation,
  CaptureMode,
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
}>;

export type PaymentState = Readonly<{ status: 'NONE' }> | Payment;

export const initialPaymentState: PaymentState = { status: 'NONE' };

/** What a further refund may still return. */
export function refundableAmount(payment: Payment): Money {
  return subtractMoney(subtractMoney(payment.captured, payment.refunded), payment.refundPending);
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
      captured: amount,
    };
  }
  const { method, capture, cardId, saveCard, idempotencyKey } = event.data;
  return {
    ...base,
    status: 'INITIATED',
    method,
    capture,
    cardId: cardId ?? null,
    saveCard,
    idempotencyKey,
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
    default: {
      const _exhaustive: never = event;
      return unreachable(_exhaustive, 'payment event');
    }
  }
}
