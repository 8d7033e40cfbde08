/**
 * What a customer owes across bookings, allocated oldest service date first unless the caller
 * names the bookings (then in the order given), up to the amount asked for or in full.
 */
import { DomainError, money } from '@ledger/domain';
import type { Allocation, Booking } from '@ledger/domain';
import type { CustomerBookings } from '../payments/customer-bookings.port.js';
import type { LedgerReader } from '../payments/ledger-reader.js';

export async function outstandingAllocations(
  reader: LedgerReader,
  index: CustomerBookings,
  tenant: string,
  customerId: string,
  input: { readonly bookingIds?: readonly string[]; readonly amountMinor?: number },
): Promise<Allocation[]> {
  const named = input.bookingIds !== undefined && input.bookingIds.length > 0;
  const ids = named ? input.bookingIds : await index.bookingIdsOf(tenant, customerId);
  const bookings = await Promise.all(ids.map((id) => reader.booking(tenant, id)));
  for (const booking of bookings) {
    if (booking.customerId !== customerId) {
      throw new DomainError('NOT_FOUND', `Booking ${booking.bookingId} is not this customer's`, { bookingId: booking.bookingId });
    }
  }
  const owing = (named ? bookings : [...bookings].sort(byServiceDate)).filter((b) => b.status !== 'CANCELLED' && b.remaining.amountMinor > 0);
  const totalMinor = owing.reduce((sum, booking) => sum + booking.remaining.amountMinor, 0);
  if (owing.length === 0 || totalMinor === 0) throw new DomainError('AMOUNT_EXCEEDS_BALANCE', 'Nothing is owed on these bookings', { customerId });
  const wantedMinor = input.amountMinor ?? totalMinor;
  if (!Number.isSafeInteger(wantedMinor) || wantedMinor <= 0) {
    throw new DomainError('INVALID_AMOUNT', 'amountMinor must be a positive integer', { amountMinor: wantedMinor });
  }
  if (wantedMinor > totalMinor) {
    throw new DomainError('AMOUNT_EXCEEDS_BALANCE', 'The amount is more than these bookings owe', { amountMinor: wantedMinor, remainingMinor: totalMinor });
  }
  return fillInOrder(owing, wantedMinor);
}

function fillInOrder(bookings: readonly Booking[], amountMinor: number): Allocation[] {
  const allocations: Allocation[] = [];
  let left = amountMinor;
  for (const booking of bookings) {
    if (left === 0) break;
    const share = Math.min(left, booking.remaining.amountMinor);
    allocations.push({ bookingId: booking.bookingId, amount: money(share, booking.remaining.currency) });
    left -= share;
  }
  return allocations;
}

function byServiceDate(a: Booking, b: Booking): number {
  return a.serviceDate < b.serviceDate ? -1 : a.serviceDate > b.serviceDate ? 1 : 0;
}
