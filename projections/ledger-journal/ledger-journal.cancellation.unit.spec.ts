// Goal: a cancelled booking leaves nothing in receivables, with every entry balanced, however it
// was paid and refunded around the cancellation. Method: replay booking and payment events in
// memory and read the entries, the trial balance and the booking's receivable document.
import type { Position } from '@ledger/event-store';
import { MalformedEventError, replay, type ProjectedEvent } from '../projection.js';
import type { JournalBookingDocument, JournalEntryDocument, TrialBalanceDocument } from './ledger-journal.document.js';
import { ledgerJournalProjection as projection } from './ledger-journal.projection.js';

const tenant = 'tenant-1';
const cad = (amountMinor: number) => ({ amountMinor, currency: 'CAD' });
const position = (n: number) => n.toString(16).padStart(16, '0') as Position;

function eventsFrom(list: readonly (readonly [type: string, data: Record<string, unknown>])[]): ProjectedEvent[] {
  return list.map(([type, data], index) => ({ type, data, streamName: `stream-${index}`, revision: 0, position: position(index + 1), tenant, occurredAt: '2025-03-10T15:00:00.000Z' }));
}

const booked = (total: number) => ['BookingCreated', { bookingId: 'b1', customerId: 'c1', description: 'Tune-up', total: cad(total), serviceDate: '2025-03-12', source: 'PHONE' }] as const;
const repriced = (from: number, to: number) => ['BookingPriceChanged', { bookingId: 'b1', previousTotal: cad(from), total: cad(to) }] as const;
const cash = (paymentId: string, amountMinor: number) => ['CashCollected', { paymentId, customerId: 'c1', allocations: [{ bookingId: 'b1', amount: cad(amountMinor) }], amount: cad(amountMinor), method: 'CASH' }] as const;
const applied = (paymentId: string, amountMinor: number) => ['PaymentApplied', { bookingId: 'b1', paymentId, amount: cad(amountMinor), method: 'CASH' }] as const;
const refunded = (paymentId: string, amountMinor: number) => ['Refunded', { paymentId, refundId: `r-${paymentId}`, amount: cad(amountMinor) }] as const;
const refundApplied = (paymentId: string, amountMinor: number) => ['RefundApplied', { bookingId: 'b1', paymentId, refundId: `r-${paymentId}`, amount: cad(amountMinor) }] as const;
const cancelled = ['BookingCancelled', { bookingId: 'b1', reason: 'Customer moved away' }] as const;

const balanceOf = (store: Map<string, unknown>) => store.get(`trial_balance/${tenant}`) as TrialBalanceDocument;
const net = (balance: TrialBalanceDocument, account: keyof TrialBalanceDocument['accounts']) => Number(BigInt(balance.accounts[account]?.debitMinor ?? '0') - BigInt(balance.accounts[account]?.creditMinor ?? '0'));
const entries = (store: Map<string, unknown>) => [...store].filter(([key]) => key.startsWith('journal_entries/')).map(([, doc]) => doc as JournalEntryDocument);

describe('ledger journal: cancelled bookings', () => {
  const partlyPaid = eventsFrom([booked(10000), repriced(10000, 12000), cash('p1', 4000), applied('p1', 4000), cancelled]);

  it('reverses the revenue still owed on a cancelled booking, leaving nothing receivable', () => {
    const store = replay(projection, partlyPaid);
    const balance = balanceOf(store);
    expect(net(balance, 'accounts_receivable')).toBe(0);
    expect(net(balance, 'service_revenue')).toBe(-4000);
    expect(net(balance, 'cash_on_hand')).toBe(4000);
    expect(balance.totalDebitMinor).toBe(balance.totalCreditMinor);
    expect(store.get(`journal_entries/${position(5)}`)).toMatchObject({
      eventType: 'BookingCancelled',
      currency: 'CAD',
      postings: [
        { account: 'service_revenue', debitMinor: 8000, creditMinor: 0 },
        { account: 'accounts_receivable', debitMinor: 0, creditMinor: 8000 },
      ],
    });
    expect(store.get(`booking_receivables/${tenant}:b1`)).toMatchObject<Partial<JournalBookingDocument>>({ billedMinor: '12000', appliedMinor: '4000', reversedMinor: '8000', cancelled: true });
  });

  it('posts nothing on cancelling a booking paid in full, and nothing for applied payments', () => {
    const store = replay(projection, eventsFrom([booked(5000), cash('p1', 5000), applied('p1', 5000), cancelled]));
    expect(entries(store).map((entry) => entry.eventType)).toEqual(['BookingCreated', 'CashCollected']);
    expect(net(balanceOf(store), 'accounts_receivable')).toBe(0);
  });

  it('reverses a refund made after the cancellation, and counts one made before it as owed', () => {
    const before = replay(projection, eventsFrom([booked(5000), cash('p1', 5000), applied('p1', 5000), refunded('p1', 1000), refundApplied('p1', 1000), cancelled]));
    expect(net(balanceOf(before), 'accounts_receivable')).toBe(0);
    expect(net(balanceOf(before), 'service_revenue')).toBe(-4000);
    const after = replay(projection, eventsFrom([booked(5000), cash('p1', 5000), applied('p1', 5000), cancelled, refundApplied('p1', 5000), refunded('p1', 5000)]));
    const balance = balanceOf(after);
    expect(net(balance, 'accounts_receivable')).toBe(0);
    expect(net(balance, 'service_revenue')).toBe(0);
    expect(net(balance, 'cash_on_hand')).toBe(0);
    for (const entry of entries(after)) {
      const sum = (side: 'debitMinor' | 'creditMinor') => entry.postings.reduce((total, posting) => total + posting[side], 0);
      expect(sum('debitMinor')).toBe(sum('creditMinor'));
    }
  });

  it('changes nothing when the same events are applied twice', () => {
    expect(replay(projection, [...partlyPaid, ...partlyPaid])).toEqual(replay(projection, partlyPaid));
    const [, , , , cancel] = partlyPaid;
    expect(replay(projection, [...partlyPaid, cancel!, cancel!])).toEqual(replay(projection, partlyPaid));
  });

  it('posts the same reversal again when its entry and balance were lost but the booking was written', () => {
    const full = replay(projection, partlyPaid);
    const partial = new Map(full);
    partial.delete(`journal_entries/${position(5)}`);
    partial.set(`trial_balance/${tenant}`, replay(projection, partlyPaid.slice(0, 4)).get(`trial_balance/${tenant}`)!);
    expect(replay(projection, partlyPaid.slice(4), partial as Map<string, never>)).toEqual(full);
  });

  it('refuses a cancellation of a booking it never saw', () => {
    expect(() => replay(projection, eventsFrom([cancelled]))).toThrow(MalformedEventError);
    expect(() => replay(projection, eventsFrom([cancelled]))).toThrow(/booking b1 was never created/);
  });
});
