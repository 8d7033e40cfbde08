import { DomainError } from '../shared/domain-error.js';
import { assertPositiveAmount, assertSameCurrency, type Money, money, sumMinorExact } from '../shared/money.js';
import { requireDistinct, requireList, requireText } from '../shared/validation.js';
import type { Allocation } from './payment.events.js';

/**
 * A payment may cover several bookings of one customer. Its shares must add up to exactly the
 * payment, so no cent is left unallocated or allocated twice.
 */
export function requireAllocations(allocations: readonly Allocation[], amount: Money): void {
  requireList(allocations, 'allocations', 1);
  allocations.forEach((allocation, index) => {
    requireText(allocation.bookingId, `allocations[${index}].bookingId`, 128);
    assertPositiveAmount(allocation.amount, `allocations[${index}].amount`);
    assertSameCurrency(allocation.amount, amount.currency, `allocations[${index}].amount`);
  });
  requireDistinct(
    allocations.map((allocation) => allocation.bookingId),
    'allocations',
  );
  // Added exactly: a rounded float sum of many shares could match the payment by accident.
  const allocatedMinor = sumMinorExact(allocations.map((allocation) => allocation.amount.amountMinor));
  if (allocatedMinor !== BigInt(amount.amountMinor)) {
    throw new DomainError('VALIDATION_FAILED', 'allocations must add up to the payment amount', {
      field: 'allocations',
      // Details travel as JSON, which has no bigint; a sum too large for a number goes as digits.
      allocatedMinor: allocatedMinor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(allocatedMinor) : allocatedMinor.toString(),
      amountMinor: amount.amountMinor,
    });
  }
}

/**
 * Splits part of a payment (a partial capture, a refund) over its bookings in their listed
 * order, filling each up to its share. Deterministic, so a retried handler allocates the same
 * way; shares that receive nothing are left out.
 */
export function allocateInOrder(amount: Money, shares: readonly Allocation[]): Allocation[] {
  assertPositiveAmount(amount);
  let leftMinor = amount.amountMinor;
  const result: Allocation[] = [];
  for (const share of shares) {
    assertSameCurrency(share.amount, amount.currency);
    const takenMinor = Math.min(leftMinor, share.amount.amountMinor);
    if (takenMinor > 0) result.push({ bookingId: share.bookingId, amount: money(takenMinor, amount.currency) });
    leftMinor -= takenMinor;
  }
  if (leftMinor > 0) {
    throw new DomainError('INVALID_AMOUNT', 'amount exceeds the shares it is split over', {
      amountMinor: amount.amountMinor,
      unallocatedMinor: leftMinor,
    });
  }
  return result;
}
