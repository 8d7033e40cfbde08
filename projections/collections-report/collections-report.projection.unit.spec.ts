// Goal: the collections report sums money in and out per tenant, local day and method. Method: replay realistic event sequences in memory and read the day documents.
import type { Position } from '@ledger/event-store';
import { MalformedEventError, replay, type ProjectedEvent } from '../projection.js';
import { collectionsReportProjection as projection } from './collections-report.projection.js';

const tenant = 'tenant-1';
const cad = (amountMinor: number) => ({ amountMinor, currency: 'CAD' });

function eventsFrom(
  list: readonly (readonly [type: string, data: Record<string, unknown>, occurredAt?: string])[],
): ProjectedEvent[] {
  return list.map(([type, data, occurredAt], index) => ({
    type,
    data,
    streamName: `stream-${index}`,
    revision: 0,
    position: (index + 1).toString(16).padStart(16, '0') as Position,
    tenant,
    occurredAt: occurredAt ?? '2025-03-10T15:00:00.000Z',
  }));
}

const tenantCreated = [
  'TenantCreated',
  {
    tenantId: tenant,
    slug: 'acme',
    name: 'Acme',
    currency: 'CAD',
    timeZone: 'America/Toronto',
  },
] as const;
const initiated = (paymentId: string, method = 'NEW_CARD') =>
  [
    'PaymentInitiated',
    {
      paymentId,
      customerId: 'c1',
      allocations: [],
      amount: cad(5000),
      method,
      capture: 'AUTOMATIC',
      saveCard: false,
      idempotencyKey: paymentId,
    },
  ] as const;
const charged = (paymentId: string, amountMinor: number, at?: string) =>
  [
    'Charged',
    {
      paymentId,
      processorPaymentId: `pi_${paymentId}`,
      amount: cad(amountMinor),
    },
    at,
  ] as const;
const cash = (paymentId: string, amountMinor: number, method = 'CASH') =>
  [
    'CashCollected',
    {
      paymentId,
      customerId: 'c1',
      allocations: [],
      amount: cad(amountMinor),
      method,
    },
  ] as const;
const refunded = (paymentId: string, amountMinor: number, at?: string) =>
  ['Refunded', { paymentId, refundId: `r-${paymentId}`, amount: cad(amountMinor) }, at] as const;

const day = (store: Map<string, unknown>, key: string) => store.get(`collections_daily/${tenant}:${key}`);

describe('collections report projection', () => {
  it('counts charges and offline collections per method and nets refunds', () => {
    const store = replay(
      projection,
      eventsFrom([
        tenantCreated,
        initiated('p1'),
        charged('p1', 5000),
        initiated('p2', 'PAYMENT_LINK'),
        charged('p2', 2500),
        initiated('p3'),
        charged('p3', 1000),
        cash('p4', 3000),
        cash('p5', 700, 'CHECK'),
        refunded('p1', 1200),
        refunded('p4', 500),
      ]),
    );
    expect(day(store, '2025-03-10:NEW_CARD')).toEqual({
      tenant,
      day: '2025-03-10',
      method: 'NEW_CARD',
      count: 2,
      collected: '6000',
      refunded: '1200',
      net: '4800',
      currency: 'CAD',
      position: '000000000000000a',
    });
    expect(day(store, '2025-03-10:PAYMENT_LINK')).toMatchObject({
      count: 1,
      collected: '2500',
      refunded: '0',
      net: '2500',
    });
    expect(day(store, '2025-03-10:CASH')).toMatchObject({
      count: 1,
      collected: '3000',
      refunded: '500',
      net: '2500',
    });
    expect(day(store, '2025-03-10:CHECK')).toMatchObject({
      count: 1,
      collected: '700',
      net: '700',
    });
    expect(store.get(`payment_index/${tenant}:p4`)).toMatchObject({
      method: 'CASH',
      currency: 'CAD',
    });
    expect(store.get(`tenants/${tenant}`)).toMatchObject({
      timeZone: 'America/Toronto',
      currency: 'CAD',
    });
  });

  it('places a payment at 23:30 in Toronto on the Toronto day, not the UTC day', () => {
    // 23:30 EDT on 14 June is 03:30 UTC on 15 June.
    const store = replay(
      projection,
      eventsFrom([tenantCreated, initiated('p1'), charged('p1', 5000, '2025-06-15T03:30:00.000Z')]),
    );
    expect(day(store, '2025-06-14:NEW_CARD')).toMatchObject({
      day: '2025-06-14',
      collected: '5000',
    });
    expect(day(store, '2025-06-15:NEW_CARD')).toBeUndefined();
  });

  it('books a refund on the day of the refund, under the method of the payment', () => {
    const store = replay(
      projection,
      eventsFrom([
        tenantCreated,
        initiated('p1', 'CARD_ON_FILE'),
        charged('p1', 5000),
        refunded('p1', 2000, '2025-03-12T16:00:00.000Z'),
      ]),
    );
    expect(day(store, '2025-03-10:CARD_ON_FILE')).toMatchObject({
      collected: '5000',
      refunded: '0',
      net: '5000',
    });
    expect(day(store, '2025-03-12:CARD_ON_FILE')).toMatchObject({
      count: 0,
      collected: '0',
      refunded: '2000',
      net: '-2000',
    });
  });

  it('changes nothing when the same event is applied twice', () => {
    const events = eventsFrom([
      tenantCreated,
      initiated('p1'),
      charged('p1', 5000),
      cash('p2', 300),
      refunded('p1', 100),
    ]);
    const once = replay(projection, events);
    const twice = replay(projection, [...events, ...events]);
    expect(twice).toEqual(once);
  });

  it('ignores event types it does not handle', () => {
    const events = eventsFrom([
      tenantCreated,
      ['ChargeFailed', { paymentId: 'p1', failureCode: 'card_declined', message: 'no' }],
    ]);
    expect(projection.evolve({ get: () => null }, events[1]!)).toEqual([]);
    expect(projection.refs(events[1]!)).toEqual([]);
    expect([...replay(projection, events).keys()]).toEqual([`tenants/${tenant}`]);
  });

  it('throws with the position for a non-integer amount', () => {
    const events = eventsFrom([tenantCreated, initiated('p1'), charged('p1', 10.5)]);
    expect(() => replay(projection, events)).toThrow(MalformedEventError);
    expect(() => replay(projection, events)).toThrow(/Charged at position 0000000000000003/);
  });

  it('throws rather than drop a charge whose payment was never initiated', () => {
    expect(() => replay(projection, eventsFrom([tenantCreated, charged('p9', 100)]))).toThrow(
      /p9 has no PaymentInitiated/,
    );
  });

  it('throws for a missing payment id, an unknown time zone and a foreign currency', () => {
    expect(() => replay(projection, eventsFrom([tenantCreated, ['Charged', { amount: cad(1) }]]))).toThrow(
      /paymentId is missing/,
    );
    const badZone = ['TenantCreated', { ...tenantCreated[1], timeZone: 'Mars/Olympus' }] as const;
    expect(() => replay(projection, eventsFrom([badZone]))).toThrow(/not an IANA time zone/);
    const usd = ['CashCollected', { ...cash('p1', 100)[1], amount: { amountMinor: 100, currency: 'USD' } }] as const;
    expect(() => replay(projection, eventsFrom([tenantCreated, usd]))).toThrow(/USD/);
  });
});
