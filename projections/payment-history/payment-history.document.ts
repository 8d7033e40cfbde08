/**
 * A payment as the payment history lists it: what was asked for, held, captured and refunded,
 * how, and why it failed. Type aliases (not interfaces) so documents stay assignable to `Doc`.
 */
import type { Allocation, CardDisplay, Money, PaymentMethod } from '@ledger/domain';

export type PaymentHistoryStatus =
  'PENDING' | 'AUTHORIZED' | 'SUCCEEDED' | 'FAILED' | 'RELEASED' | 'EXPIRED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';

/** The payment decider's words for a refund: asked of the processor, done, or refused. */
export type RefundStatus = 'REQUESTED' | 'REFUNDED' | 'FAILED';

export type RefundEntry = { refundId: string; amount: Money; status: RefundStatus };

export type PaymentHistoryDocument = {
  tenant: string;
  paymentId: string;
  customerId: string;
  bookingIds: string[];
  allocations: Allocation[];
  method: PaymentMethod;
  status: PaymentHistoryStatus;
  /** What was asked for; `authorized`, `captured` and `refunded` are what happened. */
  amount: Money;
  authorized: Money;
  captured: Money;
  /** Refunds the processor confirmed; requested ones are in `refunds` only. */
  refunded: Money;
  card: CardDisplay | null;
  cardId: string | null;
  reference: string | null;
  note: string | null;
  failureCode: string | null;
  declineCode: string | null;
  captureBefore: string | null;
  refunds: RefundEntry[];
  /** A placeholder so the shape is stable before disputes are recorded. */
  disputes: unknown[];
  createdAt: string;
  updatedAt: string;
  position: string;
};
