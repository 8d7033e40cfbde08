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

/** OPEN until the processor reports the outcome; WON keeps the money, LOST gave it back. */
export type DisputeStatus = 'OPEN' | 'WON' | 'LOST';

export type DisputeEntry = {
  disputeId: string;
  amount: Money;
  reason: string;
  status: DisputeStatus;
  evidenceDueBy: string | null;
  openedAt: string;
  closedAt: string | null;
};

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
  /** Every dispute of this payment, in the order they were opened. */
  disputes: DisputeEntry[];
  /** The most recently opened dispute's status, or null when the payment was never disputed. */
  disputeStatus: DisputeStatus | null;
  createdAt: string;
  updatedAt: string;
  position: string;
};
