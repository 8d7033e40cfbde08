import type { Command } from '../shared/decider.js';
import type { Money } from '../shared/money.js';
import type { PaymentMethod } from '../shared/payment-method.js';
import type { BookingSource } from './booking.events.js';

export type CreateBooking = Command<
  'CreateBooking',
  {
    bookingId: string;
    customerId: string;
    description: string;
    total: Money;
    serviceDate: string;
    source: BookingSource;
  }
>;

export type ChangeBookingPrice = Command<'ChangeBookingPrice', { bookingId: string; total: Money }>;

export type CompleteBooking = Command<'CompleteBooking', { bookingId: string }>;

export type CancelBooking = Command<'CancelBooking', { bookingId: string; reason: string }>;

/** Sent before the processor is called; `paymentId` makes a retried reservation a no-op. */
export type ReservePayment = Command<'ReservePayment', { bookingId: string; paymentId: string; amount: Money }>;

export type ReleasePaymentReservation = Command<'ReleasePaymentReservation', { bookingId: string; paymentId: string }>;

/**
 * Records money taken for this booking. Card payments must have reserved first; offline
 * payments may apply directly and are then checked against the remaining balance.
 */
export type ApplyPayment = Command<
  'ApplyPayment',
  { bookingId: string; paymentId: string; amount: Money; method: PaymentMethod }
>;

export type ApplyAuthorization = Command<'ApplyAuthorization', { bookingId: string; paymentId: string; amount: Money }>;

export type ApplyRefund = Command<
  'ApplyRefund',
  { bookingId: string; paymentId: string; refundId: string; amount: Money }
>;

export type BookingCommand =
  | CreateBooking
  | ChangeBookingPrice
  | CompleteBooking
  | CancelBooking
  | ReservePayment
  | ReleasePaymentReservation
  | ApplyPayment
  | ApplyAuthorization
  | ApplyRefund;
