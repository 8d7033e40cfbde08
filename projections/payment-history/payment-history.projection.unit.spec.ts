// Goal: each payment's history row shows what happened at the processor or counter, refunds included.
// Method: replay realistic payment streams (card charge, hold, offline, refunds) in memory and assert documents.
import type { Position } from '@ledger/event-store';
import { MalformedEventError, type ProjectedEvent, replay } from '../projection.js';
import { paymentHistoryProjection } from './payment-history.projection.js';

type Step = [type: string, data: Record<string, unknown>];

const tenant = 'tenant-1';
const paymentId = 'p-1';
const cad = (amountMinor: number) => ({ amountMinor, currency: 'CAD' });
const visa = { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 };

function history(...steps: Step[]): ProjectedEvent[] {
  return steps.map(([type, data], index) => ({
    type,
    data,
    streamName: `payment-${paymentId}`,
    revision: index,
    position: (index + 1).toString(16).padStart(16, '0') as Position,
    tenant,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
  }));
}

const initiated = (capture: 'AUTOMATIC' | 'MANUAL'): Step => [
  'PaymentInitiated',
  {
    paymentId,
    customerId: 'c-1',
    allocations: [
      { bookingId: 'b-1', amount: cad(6000) },
      { bookingId: 'b-2', amount: cad(4000) },
    ],
    amount: cad(10000),
    method: 'CARD_ON_FILE',
    capture,
    cardId: 'card-1',
    saveCard: false,
    idempotencyKey: 'k-1',
  },
];
const charged = (amountMinor: number): Step => [
  'Charged',
  { paymentId, processorPaymentId: 'pi_1', amount: cad(amountMinor), card: visa },
];
const cash: Step = [
  'CashCollected',
  {
    paymentId,
    customerId: 'c-1',
    allocations: [{ bookingId: 'b-1', amount: cad(5000) }],
    amount: cad(5000),
    method: 'CHECK',
    reference: 'chq 118',
    note: 'front desk',
  },
];

const paymentAfter = (steps: Step[]) =>
  replay(paymentHistoryProjection, history(...steps)).get(`payments/${paymentId}`);

describe('payment-history projection', () => {
  it('records a pending card payment with its bookings', () => {
    expect(paymentAfter([initiated('AUTOMATIC')])).toEqual({
      tenant,
      paymentId,
      customerId: 'c-1',
      bookingIds: ['b-1', 'b-2'],
      allocations: [
        { bookingId: 'b-1', amount: cad(6000) },
        { bookingId: 'b-2', amount: cad(4000) },
      ],
      method: 'CARD_ON_FILE',
      status: 'PENDING',
      amount: cad(10000),
      authorized: cad(0),
      captured: cad(0),
      refunded: cad(0),
      card: null,
      cardId: 'card-1',
      reference: null,
      note: null,
      failureCode: null,
      declineCode: null,
      captureBefore: null,
      refunds: [],
      disputes: [],
      disputeStatus: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      position: '0000000000000001',
    });
  });

  it('succeeds with the card shown once charged', () => {
    expect(paymentAfter([initiated('AUTOMATIC'), charged(10000)])).toMatchObject({
      status: 'SUCCEEDED',
      captured: cad(10000),
      card: visa,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:01:00.000Z',
    });
  });

  it('fails with the processor codes', () => {
    const failed: Step = [
      'ChargeFailed',
      { paymentId, failureCode: 'card_declined', declineCode: 'insufficient_funds', message: 'no' },
    ];
    expect(paymentAfter([initiated('AUTOMATIC'), failed])).toMatchObject({
      status: 'FAILED',
      failureCode: 'card_declined',
      declineCode: 'insufficient_funds',
      captured: cad(0),
    });
  });

  it('holds, then captures part, releases or expires', () => {
    const authorized: Step = [
      'PaymentAuthorized',
      { paymentId, processorPaymentId: 'pi_1', amount: cad(10000), captureBefore: '2026-01-08T00:00:00.000Z' },
    ];
    expect(paymentAfter([initiated('MANUAL'), authorized])).toMatchObject({
      status: 'AUTHORIZED',
      authorized: cad(10000),
      captureBefore: '2026-01-08T00:00:00.000Z',
    });
    expect(paymentAfter([initiated('MANUAL'), authorized, charged(7000)])).toMatchObject({
      status: 'SUCCEEDED',
      captured: cad(7000),
    });
    expect(paymentAfter([initiated('MANUAL'), authorized, ['AuthorizationReleased', { paymentId }]])).toMatchObject({
      status: 'RELEASED',
    });
    expect(paymentAfter([initiated('MANUAL'), authorized, ['AuthorizationExpired', { paymentId }]])).toMatchObject({
      status: 'EXPIRED',
    });
  });

  it('records offline money as captured at once, with its reference', () => {
    expect(paymentAfter([cash])).toMatchObject({
      method: 'CHECK',
      status: 'SUCCEEDED',
      captured: cad(5000),
      reference: 'chq 118',
      note: 'front desk',
      cardId: null,
      bookingIds: ['b-1'],
    });
  });

  it('counts only confirmed refunds, partial then full, and keeps failed ones listed', () => {
    const requested: Step = ['RefundRequested', { paymentId, refundId: 'r-1', amount: cad(2000), reason: 'late' }];
    expect(paymentAfter([cash, requested])).toMatchObject({
      status: 'SUCCEEDED',
      refunded: cad(0),
      refunds: [{ refundId: 'r-1', amount: cad(2000), status: 'REQUESTED' }],
    });
    const partial: Step[] = [cash, requested, ['Refunded', { paymentId, refundId: 'r-1', amount: cad(2000) }]];
    expect(paymentAfter(partial)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refunded: cad(2000) });
    const failedSecond: Step[] = [
      ...partial,
      ['RefundRequested', { paymentId, refundId: 'r-2', amount: cad(3000) }],
      ['RefundFailed', { paymentId, refundId: 'r-2', failureCode: 'expired_card' }],
    ];
    expect(paymentAfter(failedSecond)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refunds: [
        { refundId: 'r-1', status: 'REFUNDED' },
        { refundId: 'r-2', amount: cad(3000), status: 'FAILED' },
      ],
    });
    const full: Step[] = [...failedSecond, ['Refunded', { paymentId, refundId: 'r-3', amount: cad(3000) }]];
    expect(paymentAfter(full)).toMatchObject({ status: 'REFUNDED', refunded: cad(5000) });
  });

  it('changes nothing when the same event is applied twice', () => {
    const events = history(initiated('AUTOMATIC'), charged(10000));
    const once = replay(paymentHistoryProjection, events);
    expect(replay(paymentHistoryProjection, [...events, events[1]!])).toEqual(once);
    expect(paymentHistoryProjection.evolve({ get: () => once.get(`payments/${paymentId}`)! }, events[0]!)).toEqual([]);
  });

  describe('disputes', () => {
    const opened = (disputeId: string, amountMinor: number): Step => [
      'DisputeOpened',
      { paymentId, disputeId, amount: cad(amountMinor), reason: 'fraudulent', evidenceDueBy: '2026-01-20T23:59:59.000Z' },
    ];
    const closed = (disputeId: string, outcome: 'WON' | 'LOST', amountMinor: number): Step => [
      'DisputeClosed',
      { paymentId, disputeId, outcome, amount: cad(amountMinor) },
    ];

    it('shows an open dispute on the payment without touching its amounts or status', () => {
      expect(paymentAfter([initiated('AUTOMATIC'), charged(10000), opened('dp_1', 10000)])).toMatchObject({
        status: 'SUCCEEDED',
        captured: cad(10000),
        refunded: cad(0),
        disputeStatus: 'OPEN',
        disputes: [
          {
            disputeId: 'dp_1',
            amount: cad(10000),
            reason: 'fraudulent',
            status: 'OPEN',
            evidenceDueBy: '2026-01-20T23:59:59.000Z',
            openedAt: '2026-01-01T00:02:00.000Z',
            closedAt: null,
          },
        ],
      });
    });

    it('shows how each dispute closed, and the latest one as the status', () => {
      const steps = [initiated('AUTOMATIC'), charged(10000), opened('dp_1', 3000), closed('dp_1', 'WON', 3000), opened('dp_2', 7000), closed('dp_2', 'LOST', 7000)];
      expect(paymentAfter(steps)).toMatchObject({
        disputeStatus: 'LOST',
        disputes: [
          { disputeId: 'dp_1', status: 'WON', closedAt: '2026-01-01T00:03:00.000Z' },
          { disputeId: 'dp_2', status: 'LOST', amount: cad(7000), closedAt: '2026-01-01T00:05:00.000Z' },
        ],
      });
    });

    it('changes nothing when a dispute event is applied twice', () => {
      const events = history(initiated('AUTOMATIC'), charged(10000), opened('dp_1', 10000), closed('dp_1', 'LOST', 10000));
      const once = replay(paymentHistoryProjection, events);
      expect(replay(paymentHistoryProjection, [...events, events[2]!, events[3]!])).toEqual(once);
    });

    it('refuses a close without an opening, naming the dispute', () => {
      expect(() => paymentAfter([initiated('AUTOMATIC'), charged(10000), closed('dp_9', 'WON', 1)])).toThrow(/dp_9 closed before it opened/);
    });
  });

  it('ignores event types it does not know', () => {
    const [unknown] = history(['PaymentAnnotated', { paymentId }]);
    expect(paymentHistoryProjection.eventTypes).not.toContain('PaymentAnnotated');
    expect(paymentHistoryProjection.evolve({ get: () => null }, unknown!)).toEqual([]);
  });

  it('throws on malformed data, naming the position', () => {
    const fractional = history(initiated('AUTOMATIC'), [
      'Charged',
      { paymentId, processorPaymentId: 'pi_1', amount: cad(99.5) },
    ]);
    expect(() => replay(paymentHistoryProjection, fractional)).toThrow(MalformedEventError);
    expect(() => replay(paymentHistoryProjection, fractional)).toThrow(/Charged at position 0000000000000002/);
    expect(() => paymentAfter([['Refunded', { refundId: 'r-1', amount: cad(1) }]])).toThrow(/paymentId is missing/);
    expect(() => paymentAfter([charged(100)])).toThrow(/never opened/);
    expect(() => paymentAfter([cash, ['RefundFailed', { paymentId, refundId: 'r-9', failureCode: 'x' }]])).toThrow(
      /without a request/,
    );
  });
});
