// Goal: every money event posts balanced double entries and the trial balance tracks what is owed. Method: replay realistic sequences in memory and read entries and balances.
import type { Position } from '@ledger/event-store';
import { MalformedEventError, replay, type ProjectedEvent } from '../projection.js';
import type { JournalEntryDocument, TrialBalanceDocument } from './ledger-journal.document.js';
import { ledgerJournalProjection as projection } from './ledger-journal.projection.js';

const tenant = 'tenant-1';
const cad = (amountMinor: number) => ({ amountMinor, currency: 'CAD' });
const position = (n: number) => n.toString(16).padStart(16, '0') as Position;

function eventsFrom(list: readonly (readonly [type: string, data: Record<string, unknown>])[]): ProjectedEvent[] {
  return list.map(([type, data], index) => ({
    type,
    data,
    streamName: `stream-${index}`,
    revision: 0,
    position: position(index + 1),
    tenant,
    occurredAt: '2025-03-10T15:00:00.000Z',
  }));
}

const booked = (total: number) =>
  [
    'BookingCreated',
    {
      bookingId: 'b1',
      customerId: 'c1',
      description: 'Tune-up',
      total: cad(total),
      serviceDate: '2025-03-12',
      source: 'PHONE',
    },
  ] as const;
const repriced = (from: number, to: number) =>
  ['BookingPriceChanged', { bookingId: 'b1', previousTotal: cad(from), total: cad(to) }] as const;
const initiated = (paymentId: string, amountMinor: number) =>
  [
    'PaymentInitiated',
    {
      paymentId,
      customerId: 'c1',
      allocations: [{ bookingId: 'b1', amount: cad(amountMinor) }],
      amount: cad(amountMinor),
      method: 'CARD_ON_FILE',
      capture: 'AUTOMATIC',
      saveCard: false,
      idempotencyKey: paymentId,
    },
  ] as const;
const authorized = (paymentId: string, amountMinor: number) =>
  [
    'PaymentAuthorized',
    {
      paymentId,
      processorPaymentId: `pi_${paymentId}`,
      amount: cad(amountMinor),
      captureBefore: '2025-03-17T15:00:00.000Z',
    },
  ] as const;
const charged = (paymentId: string, amountMinor: number) =>
  [
    'Charged',
    {
      paymentId,
      processorPaymentId: `pi_${paymentId}`,
      amount: cad(amountMinor),
    },
  ] as const;
const cash = (paymentId: string, amountMinor: number, method = 'CASH') =>
  [
    'CashCollected',
    {
      paymentId,
      customerId: 'c1',
      allocations: [{ bookingId: 'b1', amount: cad(amountMinor) }],
      amount: cad(amountMinor),
      method,
    },
  ] as const;
const refunded = (paymentId: string, amountMinor: number) =>
  ['Refunded', { paymentId, refundId: `r-${paymentId}`, amount: cad(amountMinor) }] as const;

const balanceOf = (store: Map<string, unknown>) => store.get(`trial_balance/${tenant}`) as TrialBalanceDocument;
const net = (balance: TrialBalanceDocument, account: keyof TrialBalanceDocument['accounts']) =>
  Number(BigInt(balance.accounts[account]?.debitMinor ?? '0') - BigInt(balance.accounts[account]?.creditMinor ?? '0'));

describe('ledger journal projection', () => {
  const story = eventsFrom([
    booked(10000),
    initiated('p1', 4000),
    authorized('p1', 4000),
    charged('p1', 4000),
    cash('p2', 6000),
    refunded('p1', 1500),
    repriced(10000, 12000),
  ]);

  it('balances after a booking, a partial card charge, cash for the rest, a partial refund and a price change', () => {
    const balance = balanceOf(replay(projection, story));
    expect(balance.totalDebitMinor).toBe(balance.totalCreditMinor);
    // Owed: the new price 12000 less what was kept (4000 + 6000 - 1500).
    expect(net(balance, 'accounts_receivable')).toBe(3500);
    expect(net(balance, 'service_revenue')).toBe(-12000);
    expect(net(balance, 'processor_clearing')).toBe(2500);
    expect(net(balance, 'cash_on_hand')).toBe(6000);
    expect(balance).toMatchObject({
      tenant,
      currency: 'CAD',
      totalDebitMinor: '23500',
      position: position(7),
    });
  });

  it('writes one balanced entry per money event, keyed by position, and none for a hold', () => {
    const store = replay(projection, story);
    const entries = [...store.entries()]
      .filter(([key]) => key.startsWith('journal_entries/'))
      .map(([, doc]) => doc as JournalEntryDocument);
    expect(entries.map((entry) => entry.eventType)).toEqual([
      'BookingCreated',
      'Charged',
      'CashCollected',
      'Refunded',
      'BookingPriceChanged',
    ]);
    for (const entry of entries) {
      const sum = (side: 'debitMinor' | 'creditMinor') =>
        entry.postings.reduce((total, posting) => total + posting[side], 0);
      expect(sum('debitMinor')).toBe(sum('creditMinor'));
    }
    expect(store.get(`journal_entries/${position(6)}`)).toEqual({
      tenant,
      position: position(6),
      eventType: 'Refunded',
      streamName: 'stream-5',
      occurredAt: '2025-03-10T15:00:00.000Z',
      currency: 'CAD',
      postings: [
        { account: 'accounts_receivable', debitMinor: 1500, creditMinor: 0 },
        { account: 'processor_clearing', debitMinor: 0, creditMinor: 1500 },
      ],
    });
    expect(store.get(`journal_entries/${position(3)}`)).toBeUndefined();
  });

  it('takes back revenue on a lower price and posts nothing for an unchanged one', () => {
    const store = replay(projection, eventsFrom([booked(10000), repriced(10000, 8000), repriced(8000, 8000)]));
    expect(store.get(`journal_entries/${position(2)}`)).toMatchObject({
      postings: [
        { account: 'service_revenue', debitMinor: 2000, creditMinor: 0 },
        { account: 'accounts_receivable', debitMinor: 0, creditMinor: 2000 },
      ],
    });
    expect(store.get(`journal_entries/${position(3)}`)).toBeUndefined();
    expect(net(balanceOf(store), 'accounts_receivable')).toBe(8000);
  });

  it('posts each offline method to its own account and refunds from the account the money came from', () => {
    const store = replay(
      projection,
      eventsFrom([
        booked(1000),
        cash('p1', 100, 'CHECK'),
        cash('p2', 200, 'E_TRANSFER'),
        cash('p3', 300, 'OTHER'),
        refunded('p2', 50),
      ]),
    );
    const balance = balanceOf(store);
    expect(net(balance, 'checks_on_hand')).toBe(100);
    expect(net(balance, 'e_transfers_received')).toBe(150);
    expect(net(balance, 'other_receipts')).toBe(300);
    expect(net(balance, 'accounts_receivable')).toBe(450);
    expect(store.get(`payment_index/${tenant}:p2`)).toMatchObject({
      method: 'E_TRANSFER',
      currency: 'CAD',
    });
  });

  it('posts a lost chargeback as a loss out of processor clearing, and nothing for a won one', () => {
    const closed = (outcome: string) => ['DisputeClosed', { paymentId: 'p1', disputeId: `dp-${outcome}`, outcome, amount: cad(4000) }] as const;
    const won = balanceOf(replay(projection, eventsFrom([booked(10000), initiated('p1', 4000), charged('p1', 4000), closed('WON')])));
    expect(net(won, 'processor_clearing')).toBe(4000);
    expect(won.accounts.dispute_losses).toBeUndefined();
    const events = eventsFrom([booked(10000), initiated('p1', 4000), charged('p1', 4000), closed('LOST')]);
    const lost = balanceOf(replay(projection, [...events, ...events]));
    expect(lost.totalDebitMinor).toBe(lost.totalCreditMinor);
    expect(net(lost, 'processor_clearing')).toBe(0);
    expect(net(lost, 'dispute_losses')).toBe(4000);
    expect(net(lost, 'accounts_receivable')).toBe(6000);
  });

  it('changes nothing when the same event is applied twice', () => {
    expect(replay(projection, [...story, ...story])).toEqual(replay(projection, story));
  });

  it('ignores event types it does not handle', () => {
    const [authorization] = eventsFrom([authorized('p1', 100)]);
    expect(projection.refs(authorization!)).toEqual([]);
    expect(projection.evolve({ get: () => null }, authorization!)).toEqual([]);
  });

  it('throws with the position for malformed money rather than skip it', () => {
    const events = eventsFrom([booked(1000), initiated('p1', 500), charged('p1', 499.5)]);
    expect(() => replay(projection, events)).toThrow(MalformedEventError);
    expect(() => replay(projection, events)).toThrow(/Charged at position 0000000000000003/);
    expect(() => replay(projection, eventsFrom([['Refunded', { refundId: 'r', amount: cad(1) }]]))).toThrow(
      /paymentId is missing/,
    );
    expect(() => replay(projection, eventsFrom([refunded('p9', 100)]))).toThrow(/p9 was never initiated/);
    expect(() => replay(projection, eventsFrom([cash('p1', 100, 'BITCOIN')]))).toThrow(/not a payment method/);
    const usd = [
      'Charged',
      {
        ...charged('p1', 100)[1],
        amount: { amountMinor: 100, currency: 'USD' },
      },
    ] as const;
    expect(() => replay(projection, eventsFrom([booked(1000), usd]))).toThrow(/USD/);
  });
});
