/**
 * One document per booking with its balance, for the booking page, the bookings list and, summed
 * at query time, the customer's balance. Totals are recomputed from the per-payment entries on
 * every event, as the booking decider does, so they can never drift from the entries they sum.
 *
 * They are summed exactly. The domain keeps everything one booking ever took within 2^53-1 (it
 * refuses the claim that would pass it), so a total beyond that is an impossible history and
 * stops the projection at that event, like any malformed money, instead of being rounded.
 */
import { bookingSources, type Money, cardPaymentMethods, offlinePaymentMethods } from '@ledger/domain';
import {
  type ProjectedEvent,
  type Projection,
} from '../projection.js';
import type { BookingBalanceDocument, BookingPaymentEntry, BookingPaymentStatus } from './booking-balance.document.js';
import { type Fields, oneDocumentProjection, requireCurrency } from '../event-fields.js';

const COLLECTION = 'bookings';
const paymentMethods = [...cardPaymentMethods, ...offlinePaymentMethods];

const eventTypes = [
  'BookingCreated',
  'BookingPriceChanged',
  'BookingCompleted',
  'BookingCancelled',
  'PaymentReserved',
  'PaymentReservationReleased',
  'PaymentApplied',
  'AuthorizationApplied',
  'RefundApplied',
] as const;

const minor = (amountMinor: number, currency: string): Money => ({ amountMinor, currency });

/** REFUNDED wins over the rest: money was taken and all of it went back. */
function paymentStatusOf(totalMinor: number, paidMinor: number, refundedMinor: number): BookingPaymentStatus {
  const netMinor = paidMinor - refundedMinor;
  if (paidMinor > 0 && netMinor <= 0) return 'REFUNDED';
  if (netMinor > 0 && netMinor >= totalMinor) return 'CHARGED_IN_FULL';
  return netMinor > 0 ? 'PARTIALLY_PAID' : 'UNPAID';
}

/** A per-booking total as a number, or a stop naming the event: never a rounded figure. */
function exactTotal(fields: Fields, totalMinor: bigint, name: string): number {
  if (totalMinor > BigInt(Number.MAX_SAFE_INTEGER)) return fields.fail(`${name} ${totalMinor} is beyond 2^53-1, which the domain never lets a booking reach`);
  return Number(totalMinor);
}

function withBalances(
  doc: BookingBalanceDocument,
  fields: Fields,
  payments: BookingPaymentEntry[],
  total = doc.total,
): BookingBalanceDocument {
  const sums = { paid: 0n, refunded: 0n, reserved: 0n, authorized: 0n };
  for (const entry of payments) {
    if (entry.status === 'APPLIED') {
      sums.paid += BigInt(entry.amount.amountMinor);
      sums.refunded += BigInt(entry.refunded.amountMinor);
    } else if (entry.status === 'RESERVED') sums.reserved += BigInt(entry.amount.amountMinor);
    else if (entry.status === 'AUTHORIZED') sums.authorized += BigInt(entry.amount.amountMinor);
  }
  const { currency } = total;
  const paid = exactTotal(fields, sums.paid, 'paid');
  const refunded = exactTotal(fields, sums.refunded, 'refunded');
  const reserved = exactTotal(fields, sums.reserved, 'reserved');
  const authorized = exactTotal(fields, sums.authorized, 'authorized');
  // The decider never lets claims exceed the total; the floor keeps a display from going negative anyway.
  const owed = BigInt(total.amountMinor) - (sums.paid - sums.refunded) - sums.reserved - sums.authorized;
  const balance = owed > 0n ? Number(owed) : 0;
  return {
    ...doc,
    total,
    payments,
    paid: minor(paid, currency),
    refunded: minor(refunded, currency),
    reserved: minor(reserved, currency),
    authorized: minor(authorized, currency),
    balance: minor(balance, currency),
    paymentStatus: paymentStatusOf(total.amountMinor, paid, refunded),
  };
}

function created(fields: Fields, event: ProjectedEvent): BookingBalanceDocument {
  const total = fields.money('total');
  const zero = minor(0, total.currency);
  const doc: BookingBalanceDocument = {
    tenant: event.tenant,
    bookingId: fields.text('bookingId'),
    customerId: fields.text('customerId'),
    description: typeof fields.data.description === 'string' ? fields.data.description : '',
    serviceDate: fields.text('serviceDate'),
    source: fields.oneOf('source', bookingSources),
    status: 'OPEN',
    total,
    paid: zero,
    authorized: zero,
    reserved: zero,
    refunded: zero,
    balance: total,
    paymentStatus: 'UNPAID',
    payments: [],
    createdAt: event.occurredAt,
    updatedAt: event.occurredAt,
    position: event.position,
  };
  return withBalances(doc, fields, []);
}

/** Replaces the payment's entry in place (keeping the list in order of first appearance) or appends it. */
function upsert(payments: readonly BookingPaymentEntry[], entry: BookingPaymentEntry): BookingPaymentEntry[] {
  const index = payments.findIndex((existing) => existing.paymentId === entry.paymentId);
  return index < 0 ? [...payments, entry] : payments.map((existing, i) => (i === index ? entry : existing));
}

function paymentChanged(doc: BookingBalanceDocument, fields: Fields, type: string): BookingBalanceDocument {
  const paymentId = fields.text('paymentId');
  const { currency } = doc.total;
  const existing = doc.payments.find((entry) => entry.paymentId === paymentId);
  const zero = minor(0, currency);
  switch (type) {
    case 'PaymentReserved':
    case 'AuthorizationApplied': {
      const amount = requireCurrency(fields, fields.money('amount'), currency, 'amount');
      const status = type === 'PaymentReserved' ? 'RESERVED' : 'AUTHORIZED';
      return withBalances(doc, fields, upsert(doc.payments, { paymentId, status, amount, refunded: zero }));
    }
    case 'PaymentReservationReleased': {
      const entry = existing ?? fields.fail(`payment ${paymentId} was never reserved on this booking`);
      return withBalances(doc, fields, upsert(doc.payments, { ...entry, status: 'RELEASED' }));
    }
    case 'PaymentApplied': {
      // Applying settles the whole claim: a partial capture lets the rest of the hold go.
      const amount = requireCurrency(fields, fields.money('amount'), currency, 'amount');
      const method = fields.oneOf('method', paymentMethods);
      return withBalances(doc, fields, upsert(doc.payments, { paymentId, status: 'APPLIED', amount, method, refunded: zero }));
    }
    case 'RefundApplied': {
      const entry =
        existing?.status === 'APPLIED' ? existing : fields.fail(`refund for payment ${paymentId} not applied`);
      const amount = requireCurrency(fields, fields.money('amount'), currency, 'amount');
      const refunded = minor(entry.refunded.amountMinor + amount.amountMinor, currency);
      return withBalances(doc, fields, upsert(doc.payments, { ...entry, refunded }));
    }
    default:
      return fields.fail('not a booking event');
  }
}

function evolveBooking(
  doc: BookingBalanceDocument | null,
  fields: Fields,
  event: ProjectedEvent,
): BookingBalanceDocument {
  if (event.type === 'BookingCreated') {
    return doc === null ? created(fields, event) : fields.fail('the booking was already created');
  }
  // An event before its booking's creation is an impossible history: showing a balance would be a guess.
  const booking = doc ?? fields.fail(`booking ${fields.text('bookingId')} was never created`);
  switch (event.type) {
    case 'BookingPriceChanged': {
      const total = requireCurrency(fields, fields.money('total'), booking.total.currency, 'total');
      return withBalances(booking, fields, booking.payments, total);
    }
    case 'BookingCompleted':
      return { ...booking, status: 'COMPLETED' };
    case 'BookingCancelled':
      return { ...booking, status: 'CANCELLED' };
    default:
      return paymentChanged(booking, fields, event.type);
  }
}

export const bookingBalanceProjection: Projection = oneDocumentProjection<BookingBalanceDocument>({
  name: 'booking-balance',
  version: 1,
  collection: COLLECTION,
  eventTypes,
  keyField: 'bookingId',
  evolve: evolveBooking,
});
