import { DomainError } from '../shared/domain-error.js';
import { assertPositiveAmount, assertSameCurrency, type Money } from '../shared/money.js';
import type { Booking, BookingState } from './booking.state.js';

/** A stream holding another id means the caller loaded the wrong stream: to it, ours is unknown. */
export function requireBooking(state: BookingState, bookingId: string): Booking {
  if (state.status === 'NONE' || state.bookingId !== bookingId) {
    throw new DomainError('NOT_FOUND', 'unknown booking', { bookingId });
  }
  return state;
}

/** No new money may be claimed for a cancelled booking; refunds of earlier money still may. */
export function requireNotCancelled(booking: Booking, action: string): void {
  if (booking.status === 'CANCELLED') {
    throw new DomainError('INVALID_STATE', `cannot ${action} a cancelled booking`, { bookingId: booking.bookingId });
  }
}

export function requireBookingAmount(booking: Booking, amount: Money, field = 'amount'): void {
  assertPositiveAmount(amount, field);
  assertSameCurrency(amount, booking.total.currency, field);
}

export function requireWithinRemaining(booking: Booking, amount: Money): void {
  if (amount.amountMinor > booking.remaining.amountMinor) {
    throw new DomainError('AMOUNT_EXCEEDS_BALANCE', 'amount exceeds the remaining balance', {
      bookingId: booking.bookingId,
      amountMinor: amount.amountMinor,
      remainingMinor: booking.remaining.amountMinor,
    });
  }
}
