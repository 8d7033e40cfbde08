/**
 * What each booking still owes, as the journal needs it to close a cancelled booking's
 * receivable. The payment-level events (Charged, CashCollected, Refunded) move receivables for
 * all the bookings a payment paid at once; the booking stream's PaymentApplied and RefundApplied
 * say each booking's share, so outstanding = billed - applied + refunded per booking.
 *
 * A cancelled booking is never served, so what it still owes is not revenue: the cancellation
 * reverses it (debit service revenue, credit receivables). A refund made after the cancellation
 * reopens a receivable on the payment side (Refunded debits receivables) that nobody owes; its
 * RefundApplied on the cancelled booking reverses that too. A cancelled booking thus always ends
 * with nothing receivable and, as revenue, only the money the business kept.
 */
import { alreadyApplied, type DocumentChange, type DocumentRef, type DocumentSet, type ProjectedEvent } from '../projection.js';
import { addMinor, minorOf, safeAmountOf, ZERO_MINOR } from '../exact-totals.js';
import type { JournalBookingDocument } from './ledger-journal.document.js';
import { amountField, malformed, textField, totalField } from './ledger-journal.fields.js';

export const BOOKINGS = 'booking_receivables';

export const bookingEventTypes = ['PaymentApplied', 'RefundApplied', 'BookingCancelled'] as const;

export const bookingRef = (event: ProjectedEvent): DocumentRef => ({
  collection: BOOKINGS,
  key: `${event.tenant}:${textField(event, 'bookingId')}`,
});

/** A reversal of revenue still counted as receivable: balanced by construction. */
export interface Reversal {
  readonly amountMinor: number;
  readonly currency: string;
}

function existing(docs: DocumentSet, event: ProjectedEvent): JournalBookingDocument {
  const doc = docs.get(BOOKINGS, bookingRef(event).key) as JournalBookingDocument | null;
  if (doc === null) throw malformed(event, `booking ${textField(event, 'bookingId')} was never created`);
  return doc;
}

/** What the booking still owes, exactly: billed - applied + refunded - reversed. */
export function outstandingMinor(doc: JournalBookingDocument, event: ProjectedEvent): bigint {
  const total = (field: 'billedMinor' | 'appliedMinor' | 'refundedMinor' | 'reversedMinor') => minorOf(doc[field], event, field);
  return total('billedMinor') - total('appliedMinor') + total('refundedMinor') - total('reversedMinor');
}

function created(event: ProjectedEvent): JournalBookingDocument {
  const total = totalField(event, 'total');
  const bookingId = textField(event, 'bookingId');
  const zero = ZERO_MINOR;
  return { tenant: event.tenant, bookingId, currency: total.currency, billedMinor: String(total.amountMinor), appliedMinor: zero, refundedMinor: zero, reversedMinor: zero, reversals: {}, cancelled: false, position: event.position };
}

/** The booking document after the event, or null when the event does not concern bookings. */
function nextBooking(docs: DocumentSet, event: ProjectedEvent): JournalBookingDocument | null {
  switch (event.type) {
    case 'BookingCreated':
      return created(event);
    case 'BookingPriceChanged':
      return { ...existing(docs, event), billedMinor: String(totalField(event, 'total').amountMinor), position: event.position };
    case 'PaymentApplied': {
      const doc = existing(docs, event);
      return { ...doc, appliedMinor: addMinor(doc.appliedMinor, amountField(event).amountMinor, event, 'appliedMinor'), position: event.position };
    }
    case 'RefundApplied': {
      const doc = existing(docs, event);
      const { amountMinor } = amountField(event);
      const refundedMinor = addMinor(doc.refundedMinor, amountMinor, event, 'refundedMinor');
      // After the cancellation, the revenue a refund gives back is reversed too.
      const reversedMinor = doc.cancelled ? addMinor(doc.reversedMinor, amountMinor, event, 'reversedMinor') : doc.reversedMinor;
      return { ...doc, refundedMinor, reversedMinor, position: event.position };
    }
    case 'BookingCancelled': {
      const doc = existing(docs, event);
      if (doc.cancelled) return { ...doc, position: event.position };
      return { ...doc, cancelled: true, reversedMinor: addMinor(doc.reversedMinor, outstandingMinor(doc, event), event, 'reversedMinor'), position: event.position };
    }
    default:
      return null;
  }
}

const tracked: ReadonlySet<string> = new Set(['BookingCreated', 'BookingPriceChanged', ...bookingEventTypes]);

/**
 * Tracks the booking and returns the revenue the event reverses, if any. Each reversal is also
 * recorded in the booking document under the event's position, so when the event comes again
 * (a replay after a crash between the writes of one batch, where the entry or the trial balance
 * may be missing) the same reversal is found again, and the guards on the entry and the balance
 * decide whether it still has to be posted.
 */
export function trackBooking(docs: DocumentSet, event: ProjectedEvent): { changes: DocumentChange[]; reversal: Reversal | null } {
  if (!tracked.has(event.type)) return { changes: [], reversal: null };
  const ref = bookingRef(event);
  const before = docs.get(ref.collection, ref.key) as JournalBookingDocument | null;
  if (before !== null && alreadyApplied(before, event)) {
    const amountMinor = before.reversals[event.position];
    return { changes: [], reversal: amountMinor ? { amountMinor, currency: before.currency } : null };
  }
  const after = nextBooking(docs, event)!;
  const reversed = minorOf(after.reversedMinor, event, 'reversedMinor') - minorOf(before?.reversedMinor ?? ZERO_MINOR, event, 'reversedMinor');
  const amountMinor = safeAmountOf(reversed, event, 'reversal');
  if (amountMinor <= 0) return { changes: [{ ...ref, doc: after }], reversal: null };
  const doc = { ...after, reversals: { ...after.reversals, [event.position]: amountMinor } };
  return { changes: [{ ...ref, doc }], reversal: { amountMinor, currency: after.currency } };
}
