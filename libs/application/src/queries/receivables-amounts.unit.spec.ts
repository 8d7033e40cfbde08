// Goal: receivables add balances exactly: bookings at MAX_AMOUNT_MINOR (or legacy bookings of
// 2^53-1) never turn into a rounded total, and a total that truly leaves the safe range is
// refused with AMOUNT_OUT_OF_RANGE naming it, never answered rounded.
// Method: the pure ageing function over booking-balance documents; totals compared with bigint
// arithmetic done in the test.
import { DomainError, MAX_AMOUNT_MINOR } from '@ledger/domain';
import type { BookingBalanceDocument } from '@ledger/projections';
import { ageReceivables } from './receivables.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function booking(customerId: string, balanceMinor: number, serviceDate = '2026-11-20'): BookingBalanceDocument {
  return { customerId, serviceDate, status: 'OPEN', balance: { amountMinor: balanceMinor, currency: 'CAD' } } as BookingBalanceDocument;
}

describe('receivables: exact totals', () => {
  it('sums two bookings at the maximum for one customer exactly, beside other customers', () => {
    const result = ageReceivables([booking('huge', MAX_AMOUNT_MINOR), booking('huge', MAX_AMOUNT_MINOR, '2026-06-01'), booking('small', 1_500)], '2026-11-22');
    expect(result.rows).toEqual([
      { customerId: 'huge', currency: 'CAD', outstandingMinor: 2 * MAX_AMOUNT_MINOR, buckets: { current: 0, days1to30: MAX_AMOUNT_MINOR, days31to60: 0, days61to90: 0, over90: MAX_AMOUNT_MINOR } },
      expect.objectContaining({ customerId: 'small', outstandingMinor: 1_500 }),
    ]);
    expect(BigInt(result.totals.outstandingMinor)).toBe(2n * BigInt(MAX_AMOUNT_MINOR) + 1_500n);
  });

  it('refuses a total past 2^53-1 by name instead of rounding it (two legacy bookings of 2^53-1)', () => {
    let refusal: unknown;
    try {
      ageReceivables([booking('huge', MAX_SAFE), booking('huge', MAX_SAFE)], '2026-11-22');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE', details: { field: 'rows[huge].outstandingMinor', totalMinor: '18014398509481982' } });
  });

  it('still answers exactly at 2^53-1, the largest total a number holds', () => {
    const result = ageReceivables([booking('a', MAX_SAFE - 1_000), booking('b', 1_000)], '2026-11-22');
    expect(result.totals.outstandingMinor).toBe(MAX_SAFE);
    expect(result.rows.map((row) => row.customerId)).toEqual(['a', 'b']);
  });
});
