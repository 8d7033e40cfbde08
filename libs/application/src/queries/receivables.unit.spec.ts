// Receivables ageing as a pure function over booking-balance documents: buckets by days past
// the service date on the day asked about, cancelled and settled bookings owing nothing.
import type { BookingBalanceDocument } from '@ledger/projections';
import { ageReceivables, bucketOf } from './receivables.js';

function booking(customerId: string, serviceDate: string, balanceMinor: number, status: BookingBalanceDocument['status'] = 'OPEN'): BookingBalanceDocument {
  return { customerId, serviceDate, status, balance: { amountMinor: balanceMinor, currency: 'CAD' } } as BookingBalanceDocument;
}

describe('receivables', () => {
  it.each([
    ['2026-11-22', 'current'],
    ['2026-12-01', 'current'],
    ['2026-11-21', 'days1to30'],
    ['2026-10-23', 'days1to30'],
    ['2026-10-22', 'days31to60'],
    ['2026-09-23', 'days31to60'],
    ['2026-09-22', 'days61to90'],
    ['2026-08-24', 'days61to90'],
    ['2026-08-23', 'over90'],
  ])('puts a service on %s in %s as of 2026-11-22', (serviceDate, bucket) => {
    expect(bucketOf(serviceDate, '2026-11-22T15:00:00.000Z')).toBe(bucket);
  });

  it('groups what each customer owes by age, largest debtor first, with totals', () => {
    const result = ageReceivables(
      [
        booking('ada', '2026-11-20', 5_000),
        booking('ada', '2026-07-01', 2_000),
        booking('bob', '2026-11-25', 9_000),
        booking('bob', '2026-10-01', 0),
        booking('cy', '2026-10-01', 4_000, 'CANCELLED'),
      ],
      '2026-11-22',
    );
    expect(result.rows).toEqual([
      { customerId: 'bob', currency: 'CAD', outstandingMinor: 9_000, buckets: { current: 9_000, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 } },
      { customerId: 'ada', currency: 'CAD', outstandingMinor: 7_000, buckets: { current: 0, days1to30: 5_000, days31to60: 0, days61to90: 0, over90: 2_000 } },
    ]);
    expect(result.totals).toEqual({ current: 9_000, days1to30: 5_000, days31to60: 0, days61to90: 0, over90: 2_000, outstandingMinor: 16_000 });
  });
});
