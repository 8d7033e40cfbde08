// Goal: a booking's totals are exact at the largest amounts a booking can hold, whether at
// MAX_AMOUNT_MINOR or at 2^53-1 (legacy bookings recorded before the maximum existed), and a
// total past 2^53-1, which the domain refuses to let a booking reach, stops the projection at
// that event instead of being stored rounded.
// Method: replay booking histories with extreme amounts in memory and compare the document's
// totals with bigint arithmetic done in the test.
import type { Position } from '@ledger/event-store';
import { MAX_AMOUNT_MINOR } from '@ledger/domain';
import { MalformedEventError, type ProjectedEvent, replay } from '../projection.js';
import { bookingBalanceProjection } from './booking-balance.projection.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const bookingId = 'b-1';
const cad = (amountMinor: number) => ({ amountMinor, currency: 'CAD' });

type Step = [type: string, data: Record<string, unknown>];

function history(...steps: Step[]): ProjectedEvent[] {
  return steps.map(([type, data], index) => ({
    type,
    data,
    streamName: `booking-${bookingId}`,
    revision: index,
    position: (index + 1).toString(16).padStart(16, '0') as Position,
    tenant: 'tenant-1',
    occurredAt: '2026-01-01T00:00:00.000Z',
  }));
}

const created = (totalMinor: number): Step => ['BookingCreated', { bookingId, customerId: 'c-1', description: 'Roof', total: cad(totalMinor), serviceDate: '2026-02-01', source: 'PHONE' }];
const reserved = (paymentId: string, amountMinor: number): Step => ['PaymentReserved', { bookingId, paymentId, amount: cad(amountMinor) }];
const applied = (paymentId: string, amountMinor: number): Step => ['PaymentApplied', { bookingId, paymentId, amount: cad(amountMinor), method: 'CASH' }];
const refundApplied = (paymentId: string, amountMinor: number): Step => ['RefundApplied', { bookingId, paymentId, refundId: `r-${paymentId}`, amount: cad(amountMinor) }];

const bookingAfter = (events: ProjectedEvent[]) => replay(bookingBalanceProjection, events).get(`bookings/${bookingId}`);

describe('booking-balance projection: exact totals', () => {
  it('keeps a booking at the maximum exact through partial payments, holds and refunds', () => {
    const doc = bookingAfter(history(created(MAX_AMOUNT_MINOR), applied('p-1', MAX_AMOUNT_MINOR - 3), refundApplied('p-1', 1), reserved('p-2', 2)));
    expect(doc).toMatchObject({ paid: cad(MAX_AMOUNT_MINOR - 3), refunded: cad(1), reserved: cad(2), balance: cad(2), paymentStatus: 'PARTIALLY_PAID' });
  });

  it('keeps a legacy booking of 2^53-1 exact up to its last unit', () => {
    const doc = bookingAfter(history(created(MAX_SAFE), applied('p-1', MAX_SAFE - 2), refundApplied('p-1', 1), reserved('p-2', 2)));
    expect(doc).toMatchObject({ paid: cad(MAX_SAFE - 2), refunded: cad(1), reserved: cad(2), balance: cad(1), paymentStatus: 'PARTIALLY_PAID' });
  });

  it('stops at the event that would take a total past 2^53-1, naming it, rather than round it', () => {
    // Paid in full, refunded in full, paid 2 again: 2^53 + 1 taken, which a number rounds to 2^53.
    const events = history(created(MAX_SAFE), applied('p-1', MAX_SAFE), refundApplied('p-1', MAX_SAFE), applied('p-2', 2));
    expect(() => bookingAfter(events)).toThrow(MalformedEventError);
    expect(() => bookingAfter(events)).toThrow(/PaymentApplied at position 0000000000000004.*paid 9007199254740993 is beyond 2\^53-1/);
  });

  it('changes nothing when the same events are applied twice', () => {
    const events = history(created(MAX_AMOUNT_MINOR), applied('p-1', MAX_AMOUNT_MINOR), refundApplied('p-1', MAX_AMOUNT_MINOR));
    expect(replay(bookingBalanceProjection, [...events, ...events])).toEqual(replay(bookingBalanceProjection, events));
  });
});
