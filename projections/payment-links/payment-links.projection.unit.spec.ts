// Goal: each payment link's document shows its state (open, paying, paid, expired, cancelled) and never its token.
// Method: replay realistic logs mixing the link stream with the payment stream's ChargeFailed, in memory.
import type { Position } from '@ledger/event-store';
import { MalformedEventError, type ProjectedEvent, replay } from '../projection.js';
import { paymentLinksProjection } from './payment-links.projection.js';

type Step = [type: string, data: Record<string, unknown>];

const tenant = 'tenant-1';
const linkId = 'l-1';
const cad = (amountMinor: number) => ({ amountMinor, currency: 'CAD' });

/** A slice of the global log: positions increase across streams, revisions do not matter here. */
function log(...steps: Step[]): ProjectedEvent[] {
  return steps.map(([type, data], index) => ({
    type,
    data,
    streamName: type.startsWith('PaymentLink') ? `paymentlink-${linkId}` : `payment-${String(data.paymentId)}`,
    revision: index,
    position: (index + 1).toString(16).padStart(16, '0') as Position,
    tenant,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
  }));
}

const created: Step = [
  'PaymentLinkCreated',
  {
    linkId,
    customerId: 'c-1',
    bookingIds: ['b-1', 'b-2'],
    amount: cad(12000),
    tokenHash: 'secret-hash',
    email: 'ada@example.com',
    expiresAt: '2026-01-15T00:00:00.000Z',
  },
];
const started = (paymentId: string): Step => ['PaymentLinkPaymentStarted', { linkId, paymentId }];
const declined = (paymentId: string): Step => [
  'ChargeFailed',
  { paymentId, failureCode: 'card_declined', message: 'declined' },
];

const linkAfter = (...steps: Step[]) => replay(paymentLinksProjection, log(...steps)).get(`payment_links/${linkId}`);

describe('payment-links projection', () => {
  it('opens a link without its token hash', () => {
    const doc = linkAfter(created);
    expect(doc).toEqual({
      tenant,
      linkId,
      customerId: 'c-1',
      bookingIds: ['b-1', 'b-2'],
      amount: cad(12000),
      email: 'ada@example.com',
      expiresAt: '2026-01-15T00:00:00.000Z',
      status: 'OPEN',
      paymentId: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      position: '0000000000000001',
    });
    expect(JSON.stringify(doc)).not.toContain('secret-hash');
  });

  it('is paying while a payment is under way, then paid by it', () => {
    expect(linkAfter(created, started('p-1'))).toMatchObject({ status: 'PAYING', paymentId: 'p-1' });
    expect(linkAfter(created, started('p-1'), ['PaymentLinkPaid', { linkId, paymentId: 'p-1' }])).toMatchObject({
      status: 'PAID',
      paymentId: 'p-1',
      updatedAt: '2026-01-01T00:02:00.000Z',
    });
  });

  it('reopens after a declined card, and the second attempt pays', () => {
    expect(linkAfter(created, started('p-1'), declined('p-1'))).toMatchObject({
      status: 'OPEN',
      paymentId: null,
      position: '0000000000000003',
    });
    const retried = linkAfter(created, started('p-1'), declined('p-1'), started('p-2'), [
      'PaymentLinkPaid',
      { linkId, paymentId: 'p-2' },
    ]);
    expect(retried).toMatchObject({ status: 'PAID', paymentId: 'p-2' });
  });

  it('ignores declines of payments not started through a link, or of an older attempt', () => {
    expect(linkAfter(created, declined('p-other'))).toMatchObject({ status: 'OPEN', position: '0000000000000001' });
    const store = replay(paymentLinksProjection, log(created, started('p-1'), started('p-2'), declined('p-1')));
    expect(store.get(`payment_links/${linkId}`)).toMatchObject({ status: 'PAYING', paymentId: 'p-2' });
    expect(store.get('payment_link_attempts/p-1')).toMatchObject({ linkId, paymentId: 'p-1' });
  });

  it('accepts money on its way when the link expired during the charge', () => {
    expect(linkAfter(created, started('p-1'), ['PaymentLinkExpired', { linkId }])).toMatchObject({ status: 'EXPIRED' });
    expect(
      linkAfter(
        created,
        started('p-1'),
        ['PaymentLinkExpired', { linkId }],
        ['PaymentLinkPaid', { linkId, paymentId: 'p-1' }],
      ),
    ).toMatchObject({
      status: 'PAID',
    });
  });

  it('is cancelled', () => {
    expect(linkAfter(created, ['PaymentLinkCancelled', { linkId }])).toMatchObject({
      status: 'CANCELLED',
      paymentId: null,
    });
  });

  it('changes nothing when the same event is applied twice', () => {
    const events = log(created, started('p-1'), declined('p-1'));
    const once = replay(paymentLinksProjection, events);
    expect(replay(paymentLinksProjection, [...events, events[1]!, events[2]!])).toEqual(once);
    const view = { get: (collection: string, key: string) => once.get(`${collection}/${key}`) ?? null };
    expect(paymentLinksProjection.evolve(view, events[2]!)).toEqual([]);
  });

  it('ignores event types it does not know', () => {
    const events = log(created, ['PaymentLinkViewed', { linkId }]);
    expect(paymentLinksProjection.evolve({ get: () => null }, events[1]!)).toEqual([]);
    expect(replay(paymentLinksProjection, events).get(`payment_links/${linkId}`)).toMatchObject({
      position: '0000000000000001',
    });
  });

  it('throws on malformed data, naming the position', () => {
    const bad = log(['PaymentLinkCreated', { ...created[1], amount: { amountMinor: '12000', currency: 'CAD' } }]);
    expect(() => replay(paymentLinksProjection, bad)).toThrow(MalformedEventError);
    expect(() => replay(paymentLinksProjection, bad)).toThrow(
      /PaymentLinkCreated at position 0000000000000001.*amountMinor/,
    );
    expect(() => linkAfter(created, ['PaymentLinkPaid', { linkId }])).toThrow(/paymentId is missing/);
    expect(() => linkAfter(['PaymentLinkExpired', { linkId }])).toThrow(/never created/);
  });
});
