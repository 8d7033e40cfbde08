import { invariant, unreachable } from '../shared/decider.js';
import { type Money, money } from '../shared/money.js';
import type { PaymentMethod } from '../shared/payment-method.js';
import type { BookingEvent, BookingSource } from './booking.events.js';

export type BookingStatus = 'OPEN' | 'COMPLETED' | 'CANCELLED';

/** What one payment means to this booking; a payment id moves through these once, in order. */
export type BookingPayment =
  | Readonly<{ status: 'RESERVED' | 'AUTHORIZED'; amountMinor: number }>
  | Readonly<{ status: 'APPLIED'; amountMinor: number; refundedMinor: number; method: PaymentMethod }>
  | Readonly<{ status: 'RELEASED' }>;

export type BookingRefund = Readonly<{ paymentId: string; amountMinor: number }>;

export type Booking = Readonly<{
  status: BookingStatus;
  bookingId: string;
  customerId: string;
  description: string;
  serviceDate: string;
  source: BookingSource;
  total: Money;
  paid: Money;
  authorized: Money;
  reserved: Money;
  refunded: Money;
  /** total - (paid - refunded) - reserved - authorized: what may still be claimed. */
  remaining: Money;
  payments: Readonly<Record<string, BookingPayment>>;
  refunds: Readonly<Record<string, BookingRefund>>;
}>;

export type BookingState = Readonly<{ status: 'NONE' }> | Booking;

export const initialBookingState: BookingState = { status: 'NONE' };

/**
 * Recomputes every balance from the per-payment entries, so the totals have a single source
 * of truth and cannot drift from the entries they summarise.
 */
function withBalances(booking: Booking, payments: Booking['payments'], total: Money = booking.total): Booking {
  let paid = 0;
  let refunded = 0;
  let reserved = 0;
  let authorized = 0;
  for (const entry of Object.values(payments)) {
    if (entry.status === 'APPLIED') {
      paid += entry.amountMinor;
      refunded += entry.refundedMinor;
    } else if (entry.status === 'RESERVED') reserved += entry.amountMinor;
    else if (entry.status === 'AUTHORIZED') authorized += entry.amountMinor;
  }
  const { currency } = total;
  const remaining = total.amountMinor - (paid - refunded) - reserved - authorized;
  return {
    ...booking,
    total,
    payments,
    paid: money(paid, currency),
    refunded: money(refunded, currency),
    reserved: money(reserved, currency),
    authorized: money(authorized, currency),
    remaining: money(remaining, currency),
  };
}

function withPayment(booking: Booking, paymentId: string, entry: BookingPayment): Booking {
  return withBalances(booking, { ...booking.payments, [paymentId]: entry });
}

function created(event: Extract<BookingEvent, { type: 'BookingCreated' }>): Booking {
  const { bookingId, customerId, description, total, serviceDate, source } = event.data;
  const zero = money(0, total.currency);
  const booking: Booking = {
    status: 'OPEN',
    bookingId,
    customerId,
    description,
    serviceDate,
    source,
    total,
    paid: zero,
    authorized: zero,
    reserved: zero,
    refunded: zero,
    remaining: total,
    payments: {},
    refunds: {},
  };
  return withBalances(booking, {});
}

function refundApplied(booking: Booking, event: Extract<BookingEvent, { type: 'RefundApplied' }>): Booking {
  const { paymentId, refundId, amount } = event.data;
  const entry = booking.payments[paymentId];
  invariant(entry?.status === 'APPLIED', `refund ${refundId} for a payment not applied`);
  const refunds = { ...booking.refunds, [refundId]: { paymentId, amountMinor: amount.amountMinor } };
  const refundedMinor = entry.refundedMinor + amount.amountMinor;
  return withPayment({ ...booking, refunds }, paymentId, { ...entry, refundedMinor });
}

export function evolveBooking(state: BookingState, event: BookingEvent): BookingState {
  if (event.type === 'BookingCreated') {
    invariant(state.status === 'NONE', 'a booking is created once');
    return created(event);
  }
  invariant(state.status !== 'NONE', `${event.type} before BookingCreated`);
  switch (event.type) {
    case 'BookingPriceChanged':
      return withBalances(state, state.payments, event.data.total);
    case 'BookingCompleted':
      return { ...state, status: 'COMPLETED' };
    case 'BookingCancelled':
      return { ...state, status: 'CANCELLED' };
    case 'PaymentReserved':
      return withPayment(state, event.data.paymentId, {
        status: 'RESERVED',
        amountMinor: event.data.amount.amountMinor,
      });
    case 'PaymentReservationReleased':
      return withPayment(state, event.data.paymentId, { status: 'RELEASED' });
    case 'AuthorizationApplied':
      return withPayment(state, event.data.paymentId, {
        status: 'AUTHORIZED',
        amountMinor: event.data.amount.amountMinor,
      });
    case 'PaymentApplied': {
      const { paymentId, amount, method } = event.data;
      // Applying settles the whole claim: a partial capture lets the rest of the hold go.
      return withPayment(state, paymentId, {
        status: 'APPLIED',
        amountMinor: amount.amountMinor,
        refundedMinor: 0,
        method,
      });
    }
    case 'RefundApplied':
      return refundApplied(state, event);
    default: {
      const _exhaustive: never = event;
      return unreachable(_exhaustive, 'booking event');
    }
  }
}
