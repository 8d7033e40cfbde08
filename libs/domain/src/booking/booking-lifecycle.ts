import { DomainError } from '../shared/domain-error.js';
import { assertPositiveAmount, moneyEquals } from '../shared/money.js';
import { requireOneOf, requireServiceDate, requireText, requireWrittenText } from '../shared/validation.js';
import { requireBooking, requireBookingAmount, requireNotCancelled } from './booking-guards.js';
import type { CancelBooking, ChangeBookingPrice, CompleteBooking, CreateBooking } from './booking.commands.js';
import { bookingSources, type BookingEvent } from './booking.events.js';
import type { BookingState } from './booking.state.js';

export function createBooking(command: CreateBooking, state: BookingState): BookingEvent[] {
  const { bookingId, customerId, description, total, serviceDate, source } = command.data;
  if (state.status !== 'NONE') throw new DomainError('ALREADY_EXISTS', 'booking already exists', { bookingId });
  requireText(bookingId, 'bookingId', 128);
  requireText(customerId, 'customerId', 128);
  requireWrittenText(description, 'description', 1000, 'lines');
  requireServiceDate(serviceDate);
  requireOneOf(source, bookingSources, 'source');
  assertPositiveAmount(total, 'total');
  return [{ type: 'BookingCreated', data: { bookingId, customerId, description, total, serviceDate, source } }];
}

export function changeBookingPrice(command: ChangeBookingPrice, state: BookingState): BookingEvent[] {
  const booking = requireBooking(state, command.data.bookingId);
  const { total } = command.data;
  requireNotCancelled(booking, 'change the price of');
  requireBookingAmount(booking, total, 'total');
  if (moneyEquals(total, booking.total)) return [];
  // Money already taken, reserved or held cannot be owed less than; it must be refunded or released first.
  const committedMinor = booking.total.amountMinor - booking.remaining.amountMinor;
  if (total.amountMinor < committedMinor) {
    throw new DomainError('AMOUNT_EXCEEDS_BALANCE', 'payments already taken or held exceed the new total', {
      bookingId: booking.bookingId,
      totalMinor: total.amountMinor,
      committedMinor,
    });
  }
  return [{ type: 'BookingPriceChanged', data: { bookingId: booking.bookingId, previousTotal: booking.total, total } }];
}

export function completeBooking(command: CompleteBooking, state: BookingState): BookingEvent[] {
  const booking = requireBooking(state, command.data.bookingId);
  requireNotCancelled(booking, 'complete');
  if (booking.status === 'COMPLETED') return [];
  return [{ type: 'BookingCompleted', data: { bookingId: booking.bookingId } }];
}

export function cancelBooking(command: CancelBooking, state: BookingState): BookingEvent[] {
  const booking = requireBooking(state, command.data.bookingId);
  if (booking.status === 'CANCELLED') return [];
  if (booking.status === 'COMPLETED') {
    throw new DomainError('INVALID_STATE', 'a completed booking cannot be cancelled', { bookingId: booking.bookingId });
  }
  const reason = requireWrittenText(command.data.reason, 'reason', 500, 'lines');
  // An in-flight charge or a live hold would land on a cancelled booking; settle or release it first.
  const inFlight = Object.entries(booking.payments)
    .filter(([, entry]) => entry.status === 'RESERVED' || entry.status === 'AUTHORIZED')
    .map(([paymentId]) => paymentId);
  if (inFlight.length > 0) {
    throw new DomainError('INVALID_STATE', 'release or settle in-flight payments before cancelling', {
      bookingId: booking.bookingId,
      paymentIds: inFlight,
    });
  }
  return [{ type: 'BookingCancelled', data: { bookingId: booking.bookingId, reason } }];
}
