/**
 * Every money event as balanced double-entry postings, plus a running trial balance per tenant,
 * so an auditor can check that what customers owe and what was collected add up. The chart of
 * accounts is described in `ledger-journal.document.ts`; the trial balance's totals are exact at
 * any size (`ledger-journal.trial-balance.ts`).
 *
 * A cancellation reverses the revenue the booking still owes, and a refund of a cancelled booking
 * the revenue it gives back (see ledger-journal.bookings.ts), so a cancelled booking leaves
 * nothing in receivables.
 *
 * Events that post nothing, and why:
 * - PaymentAuthorized: a hold reserves credit on the customer's card; no money moves and nothing
 *   is owed differently until the hold is captured (Charged), so it is not read at all.
 * - PaymentReserved, ChargeFailed, RefundRequested: intents.
 * - PaymentApplied, and RefundApplied on a booking that is not cancelled: per-booking shares of
 *   money the payment stream already posts; they only update the booking's receivable.
 */
import {
  alreadyApplied,
  type DocumentChange,
  type DocumentRef,
  type DocumentSet,
  type ProjectedEvent,
  type Projection,
} from '../projection.js';
import type {
  Account,
  JournalEntryDocument,
  JournalPaymentIndexDocument,
  Posting,
  TrialBalanceDocument,
} from './ledger-journal.document.js';
import { postToBalance } from './ledger-journal.trial-balance.js';
import { accountOf, methodField } from './ledger-journal.accounts.js';
import { amountField, malformed, textField, totalField } from './ledger-journal.fields.js';
import { BOOKINGS, bookingEventTypes, bookingRef, trackBooking } from './ledger-journal.bookings.js';

const ENTRIES = 'journal_entries';
const BALANCE = 'trial_balance';
const PAYMENT_INDEX = 'payment_index';

const entryRef = (event: ProjectedEvent): DocumentRef => ({
  collection: ENTRIES,
  key: event.position,
});
const balanceRef = (event: ProjectedEvent): DocumentRef => ({
  collection: BALANCE,
  key: event.tenant,
});
const indexRef = (event: ProjectedEvent): DocumentRef => ({
  collection: PAYMENT_INDEX,
  key: `${event.tenant}:${textField(event, 'paymentId')}`,
});

function refs(event: ProjectedEvent): readonly DocumentRef[] {
  switch (event.type) {
    case 'PaymentInitiated':
      return [indexRef(event)];
    case 'BookingCreated':
    case 'BookingPriceChanged':
    case 'RefundApplied':
    case 'BookingCancelled':
      return [bookingRef(event), entryRef(event), balanceRef(event)];
    case 'PaymentApplied':
      return [bookingRef(event)];
    case 'Charged':
    case 'DisputeClosed':
      return [entryRef(event), balanceRef(event)];
    case 'CashCollected':
    case 'Refunded':
      return [indexRef(event), entryRef(event), balanceRef(event)];
    default:
      return [];
  }
}

/** One debit and one credit of the same amount: balanced by construction. */
type Transfer = {
  debit: Account;
  credit: Account;
  amountMinor: number;
  currency: string;
};

function priceChange(event: ProjectedEvent): Transfer | null {
  const before = totalField(event, 'previousTotal');
  const after = totalField(event, 'total');
  if (before.currency !== after.currency) throw malformed(event, 'previousTotal and total differ in currency');
  const difference = after.amountMinor - before.amountMinor;
  if (difference === 0) return null;
  // A higher price bills more; a lower one takes back part of what was billed.
  return difference > 0
    ? {
        debit: 'accounts_receivable',
        credit: 'service_revenue',
        amountMinor: difference,
        currency: after.currency,
      }
    : {
        debit: 'service_revenue',
        credit: 'accounts_receivable',
        amountMinor: -difference,
        currency: after.currency,
      };
}

function refundSource(docs: DocumentSet, event: ProjectedEvent): Account {
  const { key } = indexRef(event);
  const index = docs.get(PAYMENT_INDEX, key) as JournalPaymentIndexDocument | null;
  if (index === null)
    throw malformed(event, `payment ${textField(event, 'paymentId')} was never initiated or collected`);
  return accountOf[index.method];
}

/** The transfer a money event makes, or null when it moves nothing (a zero price change). */
function transferFor(docs: DocumentSet, event: ProjectedEvent): Transfer | null {
  switch (event.type) {
    case 'BookingCreated': {
      const total = totalField(event, 'total');
      if (total.amountMinor === 0) return null;
      return {
        debit: 'accounts_receivable',
        credit: 'service_revenue',
        ...total,
      };
    }
    case 'BookingPriceChanged':
      return priceChange(event);
    case 'Charged':
      return {
        debit: 'processor_clearing',
        credit: 'accounts_receivable',
        ...amountField(event),
      };
    case 'CashCollected':
      return {
        debit: accountOf[methodField(event)],
        credit: 'accounts_receivable',
        ...amountField(event),
      };
    case 'DisputeClosed':
      // A lost chargeback: the processor took the money back and the business bears the loss. The
      // customer owes nothing more for it (the bank decided), so receivables stay as they are.
      return textField(event, 'outcome') === 'LOST'
        ? {
            debit: 'dispute_losses',
            credit: 'processor_clearing',
            ...amountField(event),
          }
        : null;
    case 'Refunded':
      // Money returned to the customer reopens what they owe, and leaves the account it came from.
      return {
        debit: 'accounts_receivable',
        credit: refundSource(docs, event),
        ...amountField(event),
      };
    default:
      return null;
  }
}

function journalEntry(event: ProjectedEvent, transfer: Transfer): JournalEntryDocument {
  const postings: Posting[] = [
    {
      account: transfer.debit,
      debitMinor: transfer.amountMinor,
      creditMinor: 0,
    },
    {
      account: transfer.credit,
      debitMinor: 0,
      creditMinor: transfer.amountMinor,
    },
  ];
  return {
    tenant: event.tenant,
    position: event.position,
    eventType: event.type,
    streamName: event.streamName,
    occurredAt: event.occurredAt,
    postings,
    currency: transfer.currency,
  };
}

function indexPayment(docs: DocumentSet, event: ProjectedEvent): DocumentChange[] {
  const ref = indexRef(event);
  if (alreadyApplied(docs.get(ref.collection, ref.key), event)) return [];
  const doc: JournalPaymentIndexDocument = {
    tenant: event.tenant,
    paymentId: textField(event, 'paymentId'),
    method: methodField(event),
    currency: amountField(event).currency,
    position: event.position,
  };
  return [{ ...ref, doc }];
}

function evolve(docs: DocumentSet, event: ProjectedEvent): readonly DocumentChange[] {
  // Offline payments can be refunded too, so they are indexed like card payments.
  const index = event.type === 'PaymentInitiated' || event.type === 'CashCollected' ? indexPayment(docs, event) : [];
  const booking = trackBooking(docs, event);
  const reversal: Transfer | null = booking.reversal && { debit: 'service_revenue', credit: 'accounts_receivable', ...booking.reversal };
  const transfer = transferFor(docs, event) ?? reversal;
  if (transfer === null) return [...index, ...booking.changes];
  const entry = journalEntry(event, transfer);
  const changes: DocumentChange[] = [...index, ...booking.changes];
  if (!alreadyApplied(docs.get(ENTRIES, event.position), event)) changes.push({ ...entryRef(event), doc: entry });
  const balance = docs.get(BALANCE, event.tenant) as TrialBalanceDocument | null;
  if (!alreadyApplied(balance, event))
    changes.push({
      ...balanceRef(event),
      doc: postToBalance(balance, entry, event),
    });
  return changes;
}

export const ledgerJournalProjection: Projection = {
  name: 'ledger-journal',
  // 2: the trial balance's and the booking receivables' totals became exact decimal strings.
  version: 2,
  collections: [ENTRIES, BALANCE, PAYMENT_INDEX, BOOKINGS],
  eventTypes: ['BookingCreated', 'BookingPriceChanged', 'PaymentInitiated', 'Charged', 'CashCollected', 'Refunded', 'DisputeClosed', ...bookingEventTypes],
  refs,
  evolve,
};
