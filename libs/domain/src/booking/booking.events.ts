import type { Event } from '../shared/decider.js';
import type { Money } from '../shared/money.js';
import type { PaymentMethod } from '../shared/payment-method.js';

export const bookingSources = ['ONLINE', 'PHONE', 'MANUAL'] as const;
export type BookingSource = (typeof bookingSources)[number];

export type BookingCreated = Event<
  'BookingCreated',
  {
    bookingId: string;
    customerId: string;
    description: string;
    total: Money;
    serviceDate: string;
    source: BookingSource;
  }
>;

export type BookingPriceChanged = Event<
  'BookingPriceChanged',
  { bookingId: string; previousTotal: Money; total: Money }
>;

export type BookingCompleted = Event<'BookingCompleted', { bookingId: string }>;

export type BookingCancelled = Event<'BookingCancelled', { bookingId: string; reason: string }>;

/**
 * The booking stream is the consistency boundary for what is owed on a booking. A card payment
 * first reserves its share here, before the processor is called, so two concurrent charges can
 * never both take the last dollar: the second append fails on the expected revision.
 */
export type PaymentReserved = Event<'PaymentReserved', { bookingId: string; paymentId: string; amount: Money }>;

/** The charge failed or the hold was let go: the reserved share is owed again. */
export type PaymentReservationReleased = Event<'PaymentReservationReleased', { bookingId: string; paymentId: string }>;

/** Money taken: settles the payment's reservation or hold, or applies an offline payment directly. */
export type PaymentApplied = Event<
  'PaymentApplied',
  { bookingId: string; paymentId: string; amount: Money; method: PaymentMethod }
>;

/** A hold on the customer's card: counted as authorised, not as paid. */
export type AuthorizationApplied = Event<
  'AuthorizationApplied',
  { bookingId: string; paymentId: string; amount: Money }
>;

export type RefundApplied = Event<
  'RefundApplied',
  { bookingId: string; paymentId: string; refundId: string; amount: Money }
>;

export type BookingEvent =
  | BookingCreated
  | BookingPriceChanged
  | BookingCompleted
  | BookingCancelled
  | PaymentReserved
  | PaymentReservationReleased
  | PaymentApplied
  | AuthorizationApplied
  | RefundApplied;
