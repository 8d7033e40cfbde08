// Goal: a refund is split over the bookings its payment paid, never asking a booking for more
// than the payment still has on it, and a resumed refund completes the split it started.
// Method: booking states folded from given events, asserting the split `splitRefund` returns.
import { bookingDecider, foldEvents } from '@ledger/domain';
import type { Booking, BookingEvent } from '@ledger/domain';
import { bookingGiven as given, cad } from '@ledger/testing';
import { splitRefund } from './refund-bookings.js';

const booking = (id: string, events: BookingEvent[]): Booking =>
  foldEvents(bookingDecider, [given.created(id, 10_000), ...events]) as Booking;

const paid = (id: string, amountMinor: number, ...more: BookingEvent[]) =>
  booking(id, [given.reserved('p-1', amountMinor, id), given.applied('p-1', amountMinor, 'CARD_ON_FILE', id), ...more]);

describe('splitRefund', () => {
  it('takes the refund from the bookings in order, each up to what the payment left on it', () => {
    const bookings = [paid('b-1', 6_000), paid('b-2', 4_000)];
    expect(splitRefund(bookings, 'p-1', { refundId: 'r-1', amount: cad(7_000) })).toEqual([
      { bookingId: 'b-1', amount: cad(6_000) },
      { bookingId: 'b-2', amount: cad(1_000) },
    ]);
  });

  it('skips what earlier refunds already returned', () => {
    const bookings = [paid('b-1', 6_000, given.refundApplied('p-1', 'r-0', 5_000, 'b-1')), paid('b-2', 4_000)];
    expect(splitRefund(bookings, 'p-1', { refundId: 'r-1', amount: cad(3_000) })).toEqual([
      { bookingId: 'b-1', amount: cad(1_000) },
      { bookingId: 'b-2', amount: cad(2_000) },
    ]);
  });

  it('completes a split that was interrupted, leaving the bookings already refunded alone', () => {
    const bookings = [paid('b-1', 6_000, given.refundApplied('p-1', 'r-1', 6_000, 'b-1')), paid('b-2', 4_000)];
    expect(splitRefund(bookings, 'p-1', { refundId: 'r-1', amount: cad(7_000) })).toEqual([{ bookingId: 'b-2', amount: cad(1_000) }]);
    const done = [bookings[0]!, paid('b-2', 4_000, given.refundApplied('p-1', 'r-1', 1_000, 'b-2'))];
    expect(splitRefund(done, 'p-1', { refundId: 'r-1', amount: cad(7_000) })).toEqual([]);
  });

  it('refuses a refund the bookings cannot hold', () => {
    expect(() => splitRefund([paid('b-1', 6_000)], 'p-1', { refundId: 'r-1', amount: cad(6_001) })).toThrow(
      expect.objectContaining({ code: 'INVALID_AMOUNT' }),
    );
  });
});
