/**
 * Documents of the ledger journal. Amounts are integer minor units in the document's currency:
 * a posting, one event's amount, is a number (at most one booking's total or one refund); a
 * total accumulated over a tenant's or a booking's whole history is a decimal string
 * (`MinorDigits`, see exact-totals.ts), exact at any size. Since version 2: version 1 kept those
 * totals as numbers, which round past 2^53-1.
 *
 * The chart of accounts, from the business's point of view:
 * - `accounts_receivable`: what customers owe on their bookings (debit balance).
 * - `service_revenue`: what the business has billed for its services (credit balance).
 * - `processor_clearing`: card money the processor holds for the business until it pays out.
 * - `cash_on_hand`: cash collected by hand.
 * - `checks_on_hand`: cheques received and not yet tracked further.
 * - `e_transfers_received`: bank e-transfers received.
 * - `other_receipts`: money recorded as collected by any other means.
 */
import type { PaymentMethod } from '@ledger/domain';
import type { MinorDigits } from '../exact-totals.js';

export type Account =
  | 'accounts_receivable'
  | 'service_revenue'
  | 'processor_clearing'
  | 'cash_on_hand'
  | 'checks_on_hand'
  | 'e_transfers_received'
  | 'other_receipts'
  /** Money the cardholder's bank took back through a chargeback the business lost. */
  | 'dispute_losses';

/** One line of an entry: exactly one of the two sides is non-zero. */
export type Posting = {
  account: Account;
  debitMinor: number;
  creditMinor: number;
};

/** One money event as balanced postings. Key: the event's position. */
export type JournalEntryDocument = {
  tenant: string;
  position: string;
  eventType: string;
  streamName: string;
  occurredAt: string;
  postings: Posting[];
  currency: string;
};

/** Running totals per account for one tenant. Key: the tenant. Debits always equal credits. */
export type TrialBalanceDocument = {
  tenant: string;
  currency: string;
  accounts: Partial<Record<Account, { debitMinor: MinorDigits; creditMinor: MinorDigits }>>;
  totalDebitMinor: MinorDigits;
  totalCreditMinor: MinorDigits;
  position: string;
};

/** Charged and Refunded do not carry the method; a refund needs it to know which account pays out. */
export type JournalPaymentIndexDocument = {
  tenant: string;
  paymentId: string;
  method: PaymentMethod;
  currency: string;
  position: string;
};

/**
 * One booking's receivable as the journal follows it (key: `tenant:bookingId`): billed, the
 * payments and refunds applied to it, and the revenue reversed because it was cancelled.
 */
export type JournalBookingDocument = {
  tenant: string;
  bookingId: string;
  currency: string;
  billedMinor: MinorDigits;
  /** Payments and refunds only add up: a booking paid and refunded many times grows these without bound. */
  appliedMinor: MinorDigits;
  refundedMinor: MinorDigits;
  reversedMinor: MinorDigits;
  /** Each reversal (a posting) by the position of the event that made it, so a replay posts the same one. */
  reversals: Record<string, number>;
  cancelled: boolean;
  position: string;
};
