/**
 * Spreads a refund over the bookings its payment paid, with the domain's `allocateInOrder`: in
 * the payment's order, each booking giving back at most what this payment still has on it. The
 * split is recomputed from the bookings as they are, leaving out the part of this refund already
 * applied, so a resumed refund completes the split it started. Should a concurrent refund of the
 * same payment take a booking's share first, the booking refuses and the rest is split again.
 */
import { DomainError, allocateInOrder, bookingDecider, money, streamName } from '@ledger/domain';
import type { Allocation, Booking, CommandContext, Money, Payment } from '@ledger/domain';
import type { DecisionRunner } from '../decision-runner.js';
import type { LedgerReader } from '../payments/ledger-reader.js';
import { stepContext } from '../payments/step-context.js';

const MAX_SPLITS = 5;

export async function applyRefundToBookings(
  runner: DecisionRunner,
  reader: LedgerReader,
  root: CommandContext,
  payment: Payment,
  refund: { readonly refundId: string; readonly amount: Money },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const bookings = await Promise.all(payment.allocations.map(({ bookingId }) => reader.booking(root.tenant, bookingId)));
    const split = splitRefund(bookings, payment.paymentId, refund);
    try {
      for (const { bookingId, amount } of split) {
        const data = { bookingId, paymentId: payment.paymentId, refundId: refund.refundId, amount };
        const context = stepContext(root, `refund:${bookingId}`);
        await runner.decide(streamName.booking(bookingId), bookingDecider, { type: 'ApplyRefund', data, context });
      }
      return;
    } catch (error) {
      const raced = error instanceof DomainError && error.code === 'AMOUNT_EXCEEDS_REFUNDABLE';
      if (!raced || attempt >= MAX_SPLITS) throw error;
    }
  }
}

/** The part of the refund not yet applied, split over the bookings that have not received any of it. */
export function splitRefund(bookings: readonly Booking[], paymentId: string, refund: { readonly refundId: string; readonly amount: Money }): Allocation[] {
  const appliedMinor = bookings.reduce((sum, booking) => sum + (booking.refunds[refund.refundId]?.amountMinor ?? 0), 0);
  const leftMinor = refund.amount.amountMinor - appliedMinor;
  if (leftMinor <= 0) return [];
  const shares: Allocation[] = [];
  for (const booking of bookings) {
    const entry = booking.payments[paymentId];
    if (booking.refunds[refund.refundId] !== undefined || entry?.status !== 'APPLIED') continue;
    const refundableMinor = entry.amountMinor - entry.refundedMinor;
    if (refundableMinor > 0) shares.push({ bookingId: booking.bookingId, amount: money(refundableMinor, refund.amount.currency) });
  }
  return allocateInOrder(money(leftMinor, refund.amount.currency), shares);
}
