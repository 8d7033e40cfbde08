// Goal: the booking document's balance and payment status follow the booking stream exactly.
// Method: replay realistic booking histories in memory and assert the stored documents.
import type { Position } from '@ledger/event-store';
import { MalformedEventError, type ProjectedEvent, replay } from '../projection.js';
import { bookingBalanceProjection } from './booking-balance.projection.js';

const tenant = 'tenant-1';
const bookingId = 'b-1';
const cad = (amountMinor: number) => ({ amountMinor, currency: 'CAD' });

/** Events with increasing positions and times, as the global log hands them out. */
function history(...events: [type: string, data: Record<string, unknown>][]): ProjectedEvent[] {
  return events.map(([type, data], index) => ({
    type,
    data,
    streamName: `booking-${bookingId}`,
    revision: index,
    position: (index + 1).toString(16).padStart(16, '0') as Position,
    tenant,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
  }));
}

const created: [string, Record<string, unknown>] = [
  'BookingCreated',
  {
    bookingId,
    customerId: 'c-1',
    description: 'Deep clean',
    total: cad(10000),
    serviceDate: '2026-02-01',
    source: 'ONLINE',
  },
];

function bookingAfter(events: ProjectedEvent[]) {
  return replay(bookingBalanceProjection, events).get(`bookings/${bookingId}`);
}

describe('booking-balance projection', () => {
  it('opens an unpaid booking owing its total', () => {
    const doc = bookingAfter(history(created));
    expect(doc).toMatchObject({
      tenant,
      bookingId,
      customerId: 'c-1',
      description: 'Deep clean',
      serviceDate: '2026-02-01',
      source: 'ONLINE',
      status: 'OPEN',
      total: cad(10000),
      paid: cad(0),
      balance: cad(10000),
      paymentStatus: 'UNPAID',
      payments: [],
      createdAt: '2026-01-01T00:00:00.000Z',
      position: '0000000000000001',
    });
  });

  it('counts a reservation, then settles it as paid with the method', () => {
    const events = history(created, ['PaymentReserved', { bookingId, paymentId: 'p-1', amount: cad(4000) }]);
    expect(bookingAfter(events)).toMatchObject({ reserved: cad(4000), balance: cad(6000), paymentStatus: 'UNPAID' });
    const settled = history(
      created,
      ['PaymentReserved', { bookingId, paymentId: 'p-1', amount: cad(4000) }],
      ['PaymentApplied', { bookingId, paymentId: 'p-1', amount: cad(4000), method: 'CARD_ON_FILE' }],
    );
    expect(bookingAfter(settled)).toMatchObject({
      reserved: cad(0),
      paid: cad(4000),
      balance: cad(6000),
      paymentStatus: 'PARTIALLY_PAID',
      payments: [{ paymentId: 'p-1', status: 'APPLIED', amount: cad(4000), method: 'CARD_ON_FILE', refunded: cad(0) }],
      updatedAt: '2026-01-01T00:02:00.000Z',
    });
  });

  it('frees a released reservation and keeps it in the history', () => {
    const doc = bookingAfter(
      history(
        created,
        ['PaymentReserved', { bookingId, paymentId: 'p-1', amount: cad(4000) }],
        ['PaymentReservationReleased', { bookingId, paymentId: 'p-1' }],
      ),
    );
    expect(doc).toMatchObject({
      reserved: cad(0),
      balance: cad(10000),
      payments: [{ paymentId: 'p-1', status: 'RELEASED' }],
    });
  });

  it('counts a hold as authorised, and a partial capture lets the rest go', () => {
    const held = history(
      created,
      ['PaymentReserved', { bookingId, paymentId: 'p-1', amount: cad(10000) }],
      ['AuthorizationApplied', { bookingId, paymentId: 'p-1', amount: cad(10000) }],
    );
    expect(bookingAfter(held)).toMatchObject({ authorized: cad(10000), reserved: cad(0), balance: cad(0) });
    const captured = history(
      created,
      ['PaymentReserved', { bookingId, paymentId: 'p-1', amount: cad(10000) }],
      ['AuthorizationApplied', { bookingId, paymentId: 'p-1', amount: cad(10000) }],
      ['PaymentApplied', { bookingId, paymentId: 'p-1', amount: cad(7000), method: 'CARD_ON_FILE' }],
    );
    expect(bookingAfter(captured)).toMatchObject({ authorized: cad(0), paid: cad(7000), balance: cad(3000) });
  });

  it('is charged in full, then partially and fully refunded', () => {
    const paid = [created, ['PaymentApplied', { bookingId, paymentId: 'p-1', amount: cad(10000), method: 'CASH' }]] as [
      string,
      Record<string, unknown>,
    ][];
    expect(bookingAfter(history(...paid))).toMatchObject({ paymentStatus: 'CHARGED_IN_FULL', balance: cad(0) });
    const partly = [
      ...paid,
      ['RefundApplied', { bookingId, paymentId: 'p-1', refundId: 'r-1', amount: cad(2500) }],
    ] as [string, Record<string, unknown>][];
    expect(bookingAfter(history(...partly))).toMatchObject({
      refunded: cad(2500),
      balance: cad(2500),
      paymentStatus: 'PARTIALLY_PAID',
    });
    const all = history(...partly, [
      'RefundApplied',
      { bookingId, paymentId: 'p-1', refundId: 'r-2', amount: cad(7500) },
    ]);
    expect(bookingAfter(all)).toMatchObject({
      refunded: cad(10000),
      paymentStatus: 'REFUNDED',
      payments: [{ paymentId: 'p-1', refunded: cad(10000) }],
    });
  });

  it('follows price changes, completion and cancellation', () => {
    const repriced = history(
      created,
      ['PaymentApplied', { bookingId, paymentId: 'p-1', amount: cad(8000), method: 'E_TRANSFER' }],
      ['BookingPriceChanged', { bookingId, previousTotal: cad(10000), total: cad(8000) }],
      ['BookingCompleted', { bookingId }],
    );
    expect(bookingAfter(repriced)).toMatchObject({
      total: cad(8000),
      paymentStatus: 'CHARGED_IN_FULL',
      status: 'COMPLETED',
    });
    const cancelled = history(created, ['BookingCancelled', { bookingId, reason: 'customer moved' }]);
    expect(bookingAfter(cancelled)).toMatchObject({ status: 'CANCELLED', balance: cad(10000) });
  });

  it('changes nothing when the same event is applied twice', () => {
    const events = history(created, [
      'PaymentApplied',
      { bookingId, paymentId: 'p-1', amount: cad(3000), method: 'CASH' },
    ]);
    const once = replay(bookingBalanceProjection, events);
    const twice = replay(bookingBalanceProjection, [...events, events[1]!]);
    expect(twice).toEqual(once);
    expect(bookingBalanceProjection.evolve({ get: () => once.get(`bookings/${bookingId}`)! }, events[1]!)).toEqual([]);
  });

  it('ignores event types it does not know', () => {
    const events = history(created, ['BookingRenamed', { bookingId, description: 'x' }]);
    expect(bookingBalanceProjection.evolve({ get: () => null }, events[1]!)).toEqual([]);
    expect(bookingAfter(events)).toMatchObject({ description: 'Deep clean', position: '0000000000000001' });
  });

  it('throws on malformed money, naming the position', () => {
    const events = history(created, [
      'PaymentApplied',
      { bookingId, paymentId: 'p-1', amount: cad(10.5), method: 'CASH' },
    ]);
    expect(() => replay(bookingBalanceProjection, events)).toThrow(MalformedEventError);
    expect(() => replay(bookingBalanceProjection, events)).toThrow(/PaymentApplied at position 0000000000000002/);
  });

  it('throws on a missing booking id, another currency, or an event before creation', () => {
    expect(() => replay(bookingBalanceProjection, history(['BookingCreated', { total: cad(1) }]))).toThrow(/bookingId/);
    const usd = history(created, [
      'PaymentReserved',
      { bookingId, paymentId: 'p-1', amount: { amountMinor: 1, currency: 'USD' } },
    ]);
    expect(() => replay(bookingBalanceProjection, usd)).toThrow(/expected CAD/);
    expect(() => replay(bookingBalanceProjection, history(['BookingCompleted', { bookingId }]))).toThrow(
      /never created/,
    );
  });
});
