// Goal: the journal's trial balance and booking receivables stay exact at any size: thousands of
// amounts near MAX_AMOUNT_MINOR, or legacy amounts near 2^53 recorded before the maximum
// existed, add up to the cent, where JavaScript numbers would round (the hostile probe found
// 36028797018968060 recorded against an exact 36028797018966064).
// Method: replay long and extreme histories in memory and compare every total with bigint
// arithmetic done in the test.
import type { Position } from '@ledger/event-store';
import { MAX_AMOUNT_MINOR } from '@ledger/domain';
import { replay, type ProjectedEvent } from '../projection.js';
import type { JournalBookingDocument, TrialBalanceDocument } from './ledger-journal.document.js';
import { ledgerJournalProjection as projection } from './ledger-journal.projection.js';

const tenant = 'tenant-1';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
// An odd amount just under the maximum: sums of it need every unit, so rounding would show.
const NEAR_MAX = MAX_AMOUNT_MINOR - 1;
const cad = (amountMinor: number) => ({ amountMinor, currency: 'CAD' });
const position = (n: number) => n.toString(16).padStart(16, '0') as Position;

type Step = readonly [type: string, data: Record<string, unknown>];

function eventsFrom(steps: readonly Step[]): ProjectedEvent[] {
  return steps.map(([type, data], index) => ({ type, data, streamName: `stream-${index}`, revision: 0, position: position(index + 1), tenant, occurredAt: '2025-03-10T15:00:00.000Z' }));
}

const booked = (bookingId: string, total: number): Step => ['BookingCreated', { bookingId, customerId: 'c1', description: 'Tune-up', total: cad(total), serviceDate: '2025-03-12', source: 'PHONE' }];
const cash = (paymentId: string, bookingId: string, amountMinor: number): Step => ['CashCollected', { paymentId, customerId: 'c1', allocations: [{ bookingId, amount: cad(amountMinor) }], amount: cad(amountMinor), method: 'CASH' }];
const applied = (paymentId: string, bookingId: string, amountMinor: number): Step => ['PaymentApplied', { bookingId, paymentId, amount: cad(amountMinor), method: 'CASH' }];
const refunded = (paymentId: string, amountMinor: number): Step => ['Refunded', { paymentId, refundId: `r-${paymentId}`, amount: cad(amountMinor) }];
const refundApplied = (paymentId: string, bookingId: string, amountMinor: number): Step => ['RefundApplied', { bookingId, paymentId, refundId: `r-${paymentId}`, amount: cad(amountMinor) }];
const cancelled = (bookingId: string): Step => ['BookingCancelled', { bookingId, reason: 'Customer moved away' }];

const balanceOf = (store: Map<string, unknown>) => store.get(`trial_balance/${tenant}`) as TrialBalanceDocument;
const net = (balance: TrialBalanceDocument, account: keyof TrialBalanceDocument['accounts']): bigint =>
  BigInt(balance.accounts[account]?.debitMinor ?? '0') - BigInt(balance.accounts[account]?.creditMinor ?? '0');

describe('ledger journal: exact totals', () => {
  // 10,000 bookings just under the maximum, each paid in cash: 20,000 postings of each side.
  const count = 10_000;
  const story = eventsFrom(
    Array.from({ length: count }, (_, i) => [booked(`b${i}`, NEAR_MAX), cash(`p${i}`, `b${i}`, NEAR_MAX - 1), applied(`p${i}`, `b${i}`, NEAR_MAX - 1)]).flat(),
  );

  it('keeps a trial balance beyond 2^53 exact over many events of amounts near the maximum', () => {
    const balance = balanceOf(replay(projection, story));
    const billed = BigInt(count) * BigInt(NEAR_MAX);
    const collected = BigInt(count) * BigInt(NEAR_MAX - 1);
    expect(billed > BigInt(MAX_SAFE)).toBe(true);
    expect(balance.totalDebitMinor).toBe((billed + collected).toString());
    expect(balance.totalCreditMinor).toBe(balance.totalDebitMinor);
    expect(net(balance, 'service_revenue')).toBe(-billed);
    expect(net(balance, 'cash_on_hand')).toBe(collected);
    expect(net(balance, 'accounts_receivable')).toBe(BigInt(count));
  });

  it('changes nothing when the whole history is applied again', () => {
    const once = replay(projection, story);
    expect(replay(projection, story, once)).toEqual(once);
  });

  it('reproduces the probe: amounts of 2^53-1 recorded before the maximum existed add up exactly', () => {
    const events = eventsFrom([booked('b1', MAX_SAFE), booked('b2', MAX_SAFE), cash('p1', 'b1', MAX_SAFE), cash('p2', 'b2', MAX_SAFE)]);
    const balance = balanceOf(replay(projection, events));
    expect(balance.totalDebitMinor).toBe('36028797018963964');
    expect(BigInt(balance.totalDebitMinor)).toBe(4n * BigInt(MAX_SAFE));
    expect(net(balance, 'service_revenue')).toBe(-2n * BigInt(MAX_SAFE));
    expect(net(balance, 'accounts_receivable')).toBe(0n);
  });

  it("closes a cancelled booking's receivable exactly when what it took passed 2^53", () => {
    // A legacy booking paid in full, refunded in full, then paid 2 again before it was cancelled:
    // 2^53 + 1 applied in all, which a number cannot hold.
    const events = eventsFrom([
      booked('b1', MAX_SAFE),
      cash('p1', 'b1', MAX_SAFE),
      applied('p1', 'b1', MAX_SAFE),
      refunded('p1', MAX_SAFE),
      refundApplied('p1', 'b1', MAX_SAFE),
      cash('p2', 'b1', 2),
      applied('p2', 'b1', 2),
      cancelled('b1'),
    ]);
    const store = replay(projection, events);
    const booking = store.get(`booking_receivables/${tenant}:b1`) as JournalBookingDocument;
    expect(booking).toMatchObject({ appliedMinor: '9007199254740993', refundedMinor: String(MAX_SAFE), reversedMinor: String(MAX_SAFE - 2) });
    const balance = balanceOf(store);
    expect(net(balance, 'accounts_receivable')).toBe(0n);
    expect(net(balance, 'service_revenue')).toBe(-2n);
    expect(balance.totalCreditMinor).toBe(balance.totalDebitMinor);
  });
});
