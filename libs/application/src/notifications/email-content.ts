/**
 * What the e-mails show, loaded from the event store (the aggregates' own streams, through the
 * LedgerReader), never from read models: an e-mail is sent right after a decision, before any
 * projection may have caught up, and must show exactly what was decided.
 */
import { money } from '@ledger/domain';
import type { Allocation, Booking, Money, Tenant } from '@ledger/domain';
import type { BookingLine, Presentation } from '@ledger/mail';
import type { LedgerReader } from '../payments/ledger-reader.js';

export function presentationOf(tenant: Tenant): Presentation {
  return { timeZone: tenant.timeZone };
}

export async function bookingsOf(reader: LedgerReader, tenant: string, bookingIds: readonly string[]): Promise<Booking[]> {
  return Promise.all(bookingIds.map((bookingId) => reader.booking(tenant, bookingId)));
}

/** The lines of a payment that recorded its shares. */
export async function linesOfAllocations(reader: LedgerReader, tenant: string, allocations: readonly Allocation[]): Promise<BookingLine[]> {
  const bookings = await bookingsOf(reader, tenant, allocations.map((allocation) => allocation.bookingId));
  return bookings.map((booking, index) => lineOf(booking, allocations[index]!.amount));
}

/**
 * The lines of a payment link, which records its bookings and total but not each share: the
 * total is spread over the bookings in order, as the link was built (each up to what it owes).
 * When the bookings owe less by now (the link was paid), it is spread up to their totals.
 */
export function linesOfLink(bookings: readonly Booking[], total: Money): BookingLine[] {
  const byRemaining = fillInOrder(bookings, total, (booking) => Math.max(booking.remaining.amountMinor, 0));
  const shares = byRemaining ?? fillInOrder(bookings, total, (booking) => booking.total.amountMinor);
  return bookings.map((booking, index) => lineOf(booking, money(shares?.[index] ?? 0, total.currency)));
}

function fillInOrder(bookings: readonly Booking[], total: Money, capOf: (booking: Booking) => number): number[] | undefined {
  let left = total.amountMinor;
  const shares = bookings.map((booking) => {
    const share = Math.min(left, capOf(booking));
    left -= share;
    return share;
  });
  return left === 0 ? shares : undefined;
}

function lineOf(booking: Booking, amount: Money): BookingLine {
  return { description: booking.description, serviceDate: booking.serviceDate, amount };
}
