/**
 * Receivables: what each customer still owes, aged by how long ago the service was. Ageing
 * depends on the day asked about (`asOf`), so it is computed when asked, from the booking-balance
 * read model, rather than kept as a read model of its own.
 *
 * Sums are exact (bigints). Each booking owes at most MAX_AMOUNT_MINOR, so a total can only pass
 * 2^53-1 beyond about 9,007 maximal open bookings; then the answer is refused with
 * AMOUNT_OUT_OF_RANGE naming the total, never rounded.
 */
import { safeMinor } from '@ledger/domain';
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

type Sums = { outstanding: bigint; buckets: Record<AgeingBucket, bigint> };

const emptySums = (): Sums => ({ outstanding: 0n, buckets: { current: 0n, days1to30: 0n, days31to60: 0n, days61to90: 0n, over90: 0n } });

function add(sums: Sums, bucket: AgeingBucket, owedMinor: number): void {
  sums.outstanding += BigInt(owedMinor);
  sums.buckets[bucket] += BigInt(owedMinor);
}

/** Exact sums as the numbers an answer carries, each refused by name if it cannot be exact. */
function answer(sums: Sums, field: string): { outstandingMinor: number; buckets: Record<AgeingBucket, number> } {
  // The outstanding total is checked first: it is the largest, so it is the one a refusal names.
  const outstandingMinor = safeMinor(sums.outstanding, `${field}.outstandingMinor`);
  const buckets = Object.fromEntries(AGEING_BUCKETS.map((bucket) => [bucket, safeMinor(sums.buckets[bucket], `${field}.${bucket}`)]));
  return { outstandingMinor, buckets: buckets as Record<AgeingBucket, number> };
}

type CustomerSums = [customerId: string, row: { sums: Sums }];

/** Largest debtor first, then by customer id, compared exactly. */
function largestDebtorFirst([idA, a]: CustomerSums, [idB, b]: CustomerSums): number {
  if (a.sums.outstanding !== b.sums.outstanding) return a.sums.outstanding > b.sums.outstanding ? -1 : 1;
  return idA < idB ? -1 : 1;
}

/** Pure: groups open bookings' balances by customer and age. Cancelled bookings owe nothing. */
export function ageReceivables(bookings: readonly BookingBalanceDocument[], asOf: string): Receivables {
  const byCustomer = new Map<string, { currency: string; sums: Sums }>();
  const totals = emptySums();
  for (const booking of bookings) {
    const owedMinor = booking.balance.amountMinor;
    if (booking.status === 'CANCELLED' || owedMinor <= 0) continue;
    const row = byCustomer.get(booking.customerId) ?? { currency: booking.balance.currency, sums: emptySums() };
    const bucket = bucketOf(booking.serviceDate, asOf);
    add(row.sums, bucket, owedMinor);
    add(totals, bucket, owedMinor);
    byCustomer.set(booking.customerId, row);
  }
  const rows = [...byCustomer.entries()]
    .sort(largestDebtorFirst)
    .map(([customerId, row]) => ({ customerId, currency: row.currency, ...answer(row.sums, `rows[${customerId}]`) }));
  const total = answer(totals, 'totals');
  return { asOf, rows, totals: { ...total.buckets, outstandingMinor: total.outstandingMinor } };
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
