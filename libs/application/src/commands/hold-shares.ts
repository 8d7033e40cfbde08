/**
 * How a captured hold lands on the bookings it was held for: the captured amount fills the
 * shares in their listed order (the domain's `allocateInOrder`), and a share that receives
 * nothing is released. It is a pure function of the payment, so a resumed capture, the
 * hold-expiry monitor and the reconciler all settle every booking the same way.
 */
import { allocateInOrder } from '@ledger/domain';
import type { Allocation, Payment } from '@ledger/domain';

export interface CapturedShares {
  /** Each booking's part of the captured money; the rest of its held share is let go with it. */
  readonly applied: readonly Allocation[];
  /** Bookings whose held share received none of the captured money. */
  readonly released: readonly string[];
}

export function capturedShares(payment: Pick<Payment, 'captured' | 'allocations'>): CapturedShares {
  const applied = payment.captured.amountMinor > 0 ? allocateInOrder(payment.captured, payment.allocations) : [];
  const paid = new Set(applied.map((share) => share.bookingId));
  const released = payment.allocations.map((share) => share.bookingId).filter((bookingId) => !paid.has(bookingId));
  return { applied, released };
}
