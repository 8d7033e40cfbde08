/**
 * Receivables: what each customer still owes, aged by how long ago the service was. Ageing
 * depends on the day asked about (`asOf`), so it is computed when asked, from the booking-balance
 * read model, rather than kept as a read model of its own.
 */
import type { BookingBalanceDocument } from '@ledger/projections';
import type { ReadStore } from '@ledger/read-store';

export const AGEING_BUCKETS = ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];

export interface ReceivablesRow {
  readonly customerId: string;
  readonly currency: string;
  readonly outstandingMinor: number;
  readonly buckets: Readonly<Record<AgeingBucket, number>>;
}

export interface Receivables {
  readonly asOf: string;
  readonly rows: readonly ReceivablesRow[];
  readonly totals: Readonly<Record<AgeingBucket, number>> & { readonly outstandingMinor: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days past the service date; a service today or later is current. */
export function bucketOf(serviceDate: string, asOf: string): AgeingBucket {
  const days = Math.floor((Date.parse(asOf.slice(0, 10)) - Date.parse(serviceDate.slice(0, 10))) / DAY_MS);
  if (days <= 0) return 'current';
  if (days <= 30) return 'days1to30';
  if (days <= 60) return 'days31to60';
  if (days <= 90) return 'days61to90';
  return 'over90';
}

const emptyBuckets = (): Record<AgeingBucket, number> => ({ current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 });

/** Pure: groups open bookings' balances by customer and age. Cancelled bookings owe nothing. */
export function ageReceivables(bookings: readonly BookingBalanceDocument[], asOf: string): Receivables {
  const byCustomer = new Map<string, { currency: string; outstandingMinor: number; buckets: Record<AgeingBucket, number> }>();
  const totals = { ...emptyBuckets(), outstandingMinor: 0 };
  for (const booking of bookings) {
    const owedMinor = booking.balance.amountMinor;
    if (booking.status === 'CANCELLED' || owedMinor <= 0) continue;
    const row = byCustomer.get(booking.customerId) ?? { currency: booking.balance.currency, outstandingMinor: 0, buckets: emptyBuckets() };
    const bucket = bucketOf(booking.serviceDate, asOf);
    row.outstandingMinor += owedMinor;
    row.buckets[bucket] += owedMinor;
    totals[bucket] += owedMinor;
    totals.outstandingMinor += owedMinor;
    byCustomer.set(booking.customerId, row);
  }
  const rows = [...byCustomer.entries()]
    .map(([customerId, row]) => ({ customerId, ...row }))
    .sort((a, b) => b.outstandingMinor - a.outstandingMinor || (a.customerId < b.customerId ? -1 : 1));
  return { asOf, rows, totals };
}

/** Reads every booking of the tenant from the read model (page by page) and ages what is owed. */
export async function receivables(reads: ReadStore, bookingsCollection: string, tenant: string, asOf: string): Promise<Receivables> {
  const bookings: BookingBalanceDocument[] = [];
  for (let after: string | undefined; ; ) {
    const page = await reads.find<BookingBalanceDocument>(bookingsCollection, {
      where: { tenant },
      orderBy: { field: 'serviceDate', direction: 'asc' },
      first: 1000,
      ...(after ? { after } : {}),
    });
    bookings.push(...page.items);
    if (!page.hasNextPage || !page.endCursor) break;
    after = page.endCursor;
  }
  return ageReceivables(bookings, asOf);
}
