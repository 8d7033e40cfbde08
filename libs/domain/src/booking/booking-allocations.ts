import { DomainError } from '../shared/domain-error.js';
import { cardPaymentMethods, isOfflinePaymentMethod, offlinePaymentMethods } from '../shared/payment-method.js';
import { requireOneOf, requireText } from '../shared/validation.js';
import { requireBooking, requireBookingAmount, requireNotCancelled, requireWithinRemaining } from './booking-guards.js';
import type {
  ApplyAuthorization,
  ApplyPayment,
  ApplyRefund,
  ReleasePaymentReservation,
  ReservePayment,
} from './booking.commands.js';
import type { BookingEvent } from './booking.events.js';
import type { Booking, BookingPayment, BookingState } from './booking.state.js';

/*
 * Every decision here is keyed by payment id (and refund id), so a process manager may deliver
 * the same step twice, after a crash or a duplicate webhook, and the second delivery is a no-op.
 */

function requirePayment(booking: Booking, paymentId: string): BookingPayment {
  const entry = booking.payments[paymentId];
  if (entry === undefined) throw new DomainError('NOT_FOUND', 'unknown payment for this booking', { paymentId });
  return entry;
}

function released(paymentId: string, action: string): DomainError {
  return new DomainError('INVALID_STATE', `cannot ${action} a released payment`, { paymentId });
}

export function reservePayment(command: ReservePayment, state: BookingState): BookingEvent[] {
  const booking = requireBooking(state, command.data.bookingId);
  const { paymentId, amount } = command.data;
  requireText(paymentId, 'paymentId', 128);
  requireBookingAmount(booking, amount);
  const entry = booking.payments[paymentId];
  if (entry?.status === 'RELEASED') throw released(paymentId, 'reserve');
  if (entry?.status === 'RESERVED' && entry.amountMinor !== amount.amountMinor) {
    throw new DomainError('ALREADY_EXISTS', 'payment already reserved a different amount', { paymentId });
  }
  // Reserved, held or applied already: the retry finds its work done.
  if (entry !== undefined) return [];
  requireNotCancelled(booking, 'take a payment for');
  requireWithinRemaining(booking, amount);
  return [{ type: 'PaymentReserved', data: { bookingId: booking.bookingId, paymentId, amount } }];
}

export function releasePaymentReservation(command: ReleasePaymentReservation, state: BookingState): BookingEvent[] {
  const booking = requireBooking(state, command.data.bookingId);
  const { paymentId } = command.data;
  const entry = requirePayment(booking, paymentId);
  if (entry.status === 'RELEASED') return [];
  if (entry.status === 'APPLIED') {
    throw new DomainError('INVALID_STATE', 'money already taken is returned by a refund, not a release', { paymentId });
  }
  return [{ type: 'PaymentReservationReleased', data: { bookingId: booking.bookingId, paymentId } }];
}

export function applyAuthorization(command: ApplyAuthorization, state: BookingState): BookingEvent[] {
  const booking = requireBooking(state, command.data.bookingId);
  const { paymentId, amount } = command.data;
  const entry = requirePayment(booking, paymentId);
  if (entry.status === 'AUTHORIZED' || entry.status === 'APPLIED') return [];
  if (entry.status === 'RELEASED') throw released(paymentId, 'authorize');
  requireBookingAmount(booking, amount);
  // A hold may be smaller than its reservation (the rest is owed again), never larger.
  if (amount.amountMinor > entry.amountMinor) {
    throw new DomainError('AMOUNT_EXCEEDS_BALANCE', 'authorization exceeds the reserved amount', {
      paymentId,
      amountMinor: amount.amountMinor,
      reservedMinor: entry.amountMinor,
    });
  }
  return [{ type: 'AuthorizationApplied', data: { bookingId: booking.bookingId, paymentId, amount } }];
}

function settleClaim(booking: Booking, entry: BookingPayment, command: ApplyPayment): void {
  const { paymentId, amount } = command.data;
  if (entry.status === 'RELEASED') throw released(paymentId, 'apply');
  if (entry.status !== 'RESERVED' && entry.status !== 'AUTHORIZED') return;
  if (amount.amountMinor > entry.amountMinor) {
    const code = entry.status === 'AUTHORIZED' ? 'AMOUNT_EXCEEDS_AUTHORIZED' : 'AMOUNT_EXCEEDS_BALANCE';
    throw new DomainError(code, 'payment exceeds what it reserved or held on this booking', {
      bookingId: booking.bookingId,
      paymentId,
      amountMinor: amount.amountMinor,
      claimedMinor: entry.amountMinor,
    });
  }
}

function applyDirectly(booking: Booking, command: ApplyPayment): void {
  const { paymentId, amount, method } = command.data;
  // Only money collected outside the processor may skip the reservation: nothing was in flight.
  if (!isOfflinePaymentMethod(method)) {
    throw new DomainError('INVALID_STATE', 'a card payment must reserve before it is applied', { paymentId, method });
  }
  requireNotCancelled(booking, 'take a payment for');
  requireWithinRemaining(booking, amount);
}

export function applyPayment(command: ApplyPayment, state: BookingState): BookingEvent[] {
  const booking = requireBooking(state, command.data.bookingId);
  const { paymentId, amount, method } = command.data;
  requireText(paymentId, 'paymentId', 128);
  requireOneOf(method, [...cardPaymentMethods, ...offlinePaymentMethods], 'method');
  requireBookingAmount(booking, amount);
  const entry = booking.payments[paymentId];
  if (entry?.status === 'APPLIED') {
    if (entry.amountMinor === amount.amountMinor) return [];
    throw new DomainError('ALREADY_EXISTS', 'payment already applied with a different amount', { paymentId });
  }
  if (entry === undefined) applyDirectly(booking, command);
  else settleClaim(booking, entry, command);
  return [{ type: 'PaymentApplied', data: { bookingId: booking.bookingId, paymentId, amount, method } }];
}

export function applyRefund(command: ApplyRefund, state: BookingState): BookingEvent[] {
  const booking = requireBooking(state, command.data.bookingId);
  const { paymentId, refundId, amount } = command.data;
  requireText(refundId, 'refundId', 128);
  requireBookingAmount(booking, amount);
  const existing = booking.refunds[refundId];
  if (existing !== undefined) {
    if (existing.paymentId === paymentId && existing.amountMinor === amount.amountMinor) return [];
    throw new DomainError('ALREADY_EXISTS', 'refund already applied with different data', { refundId });
  }
  const entry = requirePayment(booking, paymentId);
  if (entry.status !== 'APPLIED') {
    throw new DomainError('INVALID_STATE', 'only money taken can be refunded', { paymentId, status: entry.status });
  }
  const refundableMinor = entry.amountMinor - entry.refundedMinor;
  if (amount.amountMinor > refundableMinor) {
    throw new DomainError('AMOUNT_EXCEEDS_REFUNDABLE', 'refund exceeds what this payment left on the booking', {
      paymentId,
      amountMinor: amount.amountMinor,
      refundableMinor,
    });
  }
  return [{ type: 'RefundApplied', data: { bookingId: booking.bookingId, paymentId, refundId, amount } }];
}
