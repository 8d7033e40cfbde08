import { DomainError } from '../shared/domain-error.js';
import { assertPositiveAmount, assertSameCurrency, type Money, sumMinorExact } from '../shared/money.js';
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
  requireExactTotals(booking, amount);
}

/**
 * What a booking took only grows: a refund reopens the balance without shrinking `paid`, so a
 * booking paid and refunded over and over (about 9,007 cycles of maximal amounts) could sum past
 * 2^53-1, where its totals, here and in every read model, would stop being exact. The claim that
 * would get there is refused instead of recorded.
 */
function requireExactTotals(booking: Booking, amount: Money): void {
  const claimed = [booking.paid, booking.reserved, booking.authorized, amount].map((part) => part.amountMinor);
  if (sumMinorExact(claimed) > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DomainError('AMOUNT_OUT_OF_RANGE', "the booking's payments would sum past 2^53-1 minor units", {
      bookingId: booking.bookingId,
      amountMinor: amount.amountMinor,
      paidMinor: booking.paid.amountMinor,
    });
  }
}
