/**
 * The booking as the dashboard shows it: what is owed, what was taken, held, reserved and
 * refunded, and each payment's share. Document types are type aliases (not interfaces) so they
 * stay assignable to the runtime's plain `Doc`.
 */
import type { Money, PaymentMethod } from '@ledger/domain';

export type BookingDocumentStatus = 'OPEN' | 'COMPLETED' | 'CANCELLED';

export type BookingPaymentStatus = 'UNPAID' | 'PARTIALLY_PAID' | 'CHARGED_IN_FULL' | 'REFUNDED';

export type BookingPaymentEntryStatus = 'RESERVED' | 'AUTHORIZED' | 'APPLIED' | 'RELEASED';

/**
 * One payment's share of this booking. A released entry keeps the amount it had claimed, for
 * the history, but only RESERVED, AUTHORIZED and APPLIED entries count towards the totals.
 */
export type BookingPaymentEntry = {
  paymentId: string;
  status: BookingPaymentEntryStatus;
  amount: Money;
  method?: PaymentMethod;
  refunded: Money;
};

export type BookingBalanceDocument = {
  tenant: string;
  bookingId: string;
  customerId: string;
  description: string;
  serviceDate: string;
  source: string;
  status: BookingDocumentStatus;
  total: Money;
  paid: Money;
  authorized: Money;
  reserved: Money;
  refunded: Money;
  /** total - (paid - refunded) - reserved - authorized, never below zero. */
  balance: Money;
  paymentStatus: BookingPaymentStatus;
  payments: BookingPaymentEntry[];
  createdAt: string;
  updatedAt: string;
  position: string;
};
