// Goal: a day's collections stay exact however much one tenant records that day: thousands of
// amounts near MAX_AMOUNT_MINOR, or legacy amounts near 2^53, never round, and never stop the
// projection the other tenants share.
// Method: replay long and extreme days in memory and compare the day document's totals with
// bigint arithmetic done in the test.
import type { Position } from '@ledger/event-store';
import { MAX_AMOUNT_MINOR } from '@ledger/domain';
import { replay, type ProjectedEvent } from '../projection.js';
import type { CollectionsDailyDocument } from './collections-report.document.js';
import { collectionsReportProjection as projection } from './collections-report.projection.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const NEAR_MAX = MAX_AMOUNT_MINOR - 1;
const cad = (amountMinor: number) => ({ amountMinor, currency: 'CAD' });

type Step = readonly [type: string, data: Record<string, unknown>, tenant?: string];

function eventsFrom(steps: readonly Step[]): ProjectedEvent[] {
  return steps.map(([type, data, tenant], index) => ({
    type,
    data,
    streamName: `stream-${index}`,
    revision: 0,
    position: (index + 1).toString(16).padStart(16, '0') as Position,
    tenant: tenant ?? 'big',
    occurredAt: '2025-03-10T15:00:00.000Z',
  }));
}

const tenantCreated = (tenant: string): Step => ['TenantCreated', { tenantId: tenant, name: tenant, currency: 'CAD', timeZone: 'America/Toronto' }, tenant];
const cash = (paymentId: string, amountMinor: number, tenant?: string): Step => ['CashCollected', { paymentId, customerId: 'c1', allocations: [], amount: cad(amountMinor), method: 'CASH' }, tenant];
const refunded = (paymentId: string, amountMinor: number): Step => ['Refunded', { paymentId, refundId: `r-${paymentId}`, amount: cad(amountMinor) }];

const cashDay = (store: Map<string, unknown>, tenant = 'big') => store.get(`collections_daily/${tenant}:2025-03-10:CASH`) as CollectionsDailyDocument;

describe('collections report: exact totals', () => {
  it('adds up thousands of amounts near the maximum in one day to the unit', () => {
    const count = 10_000;
    const steps = [tenantCreated('big'), ...Array.from({ length: count }, (_, i) => cash(`p${i}`, NEAR_MAX)), refunded('p0', 3)];
    const day = cashDay(replay(projection, eventsFrom(steps)));
    const collected = BigInt(count) * BigInt(NEAR_MAX);
    expect(collected > BigInt(MAX_SAFE)).toBe(true);
    expect(day).toMatchObject({ count, collected: collected.toString(), refunded: '3', net: (collected - 3n).toString() });
  });

  it('keeps legacy amounts of 2^53-1 exact, and the other tenants untouched', () => {
    const steps = [tenantCreated('big'), tenantCreated('small'), cash('p1', MAX_SAFE), cash('p2', MAX_SAFE), cash('p3', 2), cash('s1', 1_500, 'small')];
    const store = replay(projection, eventsFrom(steps));
    expect(cashDay(store)).toMatchObject({ count: 3, collected: (2n * BigInt(MAX_SAFE) + 2n).toString(), net: '18014398509481984' });
    expect(cashDay(store, 'small')).toMatchObject({ count: 1, collected: '1500', refunded: '0', net: '1500' });
  });

  it('changes nothing when the same events are applied twice', () => {
    const events = eventsFrom([tenantCreated('big'), cash('p1', MAX_SAFE), cash('p2', MAX_SAFE)]);
    expect(replay(projection, [...events, ...events])).toEqual(replay(projection, events));
  });
});
