/**
 * A payment link as the dashboard lists it. The token and its hash are never stored here: the
 * read store is copied to more places than the log, and either would let a reader pay or peek.
 * Type aliases (not interfaces) so documents stay assignable to `Doc`.
 */
import type { Money } from '@ledger/domain';

/** PAYING: a payment was started through the link and its outcome is not known yet. */
export type PaymentLinkDocumentStatus = 'OPEN' | 'PAYING' | 'PAID' | 'EXPIRED' | 'CANCELLED';

export type PaymentLinkDocument = {
  tenant: string;
  linkId: string;
  customerId: string;
  bookingIds: string[];
  amount: Money;
  email: string;
  expiresAt: string;
  status: PaymentLinkDocumentStatus;
  /** The payment under way while PAYING, the one that paid once PAID, otherwise null. */
  paymentId: string | null;
  createdAt: string;
  updatedAt: string;
  position: string;
};

/**
 * Which link a payment was started from. The link stream never hears of a declined card, so the
 * projection finds the link from the payment's ChargeFailed through this index and reopens it.
 */
export type PaymentLinkAttemptDocument = {
  tenant: string;
  paymentId: string;
  linkId: string;
  updatedAt: string;
  position: string;
};
