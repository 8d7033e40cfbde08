// The queries behind the customer pages, on the real write side (SQLite event store, sandbox
// processor, a clock the test moves): a token opens its link or card request and nothing else,
// and the page state follows the ledger: payable with the shares PayPaymentLink would take,
// being paid, paid with a receipt, expired, cancelled, or out of date after another payment.
import { CancelPaymentLinkCommand, PayPaymentLinkCommand, SendPaymentLinkCommand } from '../commands/payment-link.commands.js';
import { FulfillCardRequestCommand, RequestCardCommand } from '../commands/customer.commands.js';
import { RecordOfflinePaymentCommand } from '../commands/offline.commands.js';
import { CrashOnceAt, SimulatedCrash } from '../payments/step-probe.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { Testbed } from '../testing/testbed.js';
import { CardRequestPages } from './card-request-pages.js';
import { PaymentLinkPages } from './payment-link-pages.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('customer page queries', () => {
  let bed: Testbed;
  let customerId: string;
  let first: string;
  let second: string;
  let links: PaymentLinkPages;
  let cards: CardRequestPages;

  async function start(probe?: CrashOnceAt): Promise<void> {
    bed = await Testbed.start(probe ? { probe } : {});
    await bed.seedTenant();
    customerId = await bed.seedCustomer();
    first = await bed.seedBooking(customerId, 12_500, '2026-11-20');
    second = await bed.seedBooking(customerId, 8_000, '2026-11-21');
    const reader = bed.module.get(LedgerReader);
    links = new PaymentLinkPages(bed.store, bed.runner, reader, bed.clock);
    cards = new CardRequestPages(bed.store, reader, bed.clock);
  }
  afterEach(async () => {
    await bed.dispose();
  });

  const send = async (input: { bookingIds?: string[]; amountMinor?: number } = {}) => {
    const sent = await bed.commandBus.execute(new SendPaymentLinkCommand(bed.caller, { customerId, ...input }));
    return { token: sent.token!, linkId: sent.linkId! };
  };
  const pay = (token: string, paymentMethodToken = 'pm_card_visa') => bed.commandBus.execute(new PayPaymentLinkCommand({ token, paymentMethodToken, saveCard: false }));

  it('opens a payable link with the business, the bookings and the share each will pay', async () => {
    await start();
    const { token } = await send({ bookingIds: [second, first], amountMinor: 10_000 });
    const page = await links.find(token);
    expect(page).toMatchObject({
      state: 'PAYABLE',
      business: { name: 'Sparkle Cleaning', currency: 'CAD', acceptsCards: true, processorAccountId: 'acct_sandbox' },
      customerName: 'Ada Lovelace',
      email: 'ada@example.com',
      amount: { amountMinor: 10_000, currency: 'CAD' },
    });
    expect(page!.lines).toEqual([
      { bookingId: second, description: 'Deep clean, 3 bedrooms', serviceDate: '2026-11-21', amount: { amountMinor: 8_000, currency: 'CAD' } },
      { bookingId: first, description: 'Deep clean, 3 bedrooms', serviceDate: '2026-11-20', amount: { amountMinor: 2_000, currency: 'CAD' } },
    ]);
  });

  it('finds nothing for a wrong, altered or foreign token', async () => {
    await start();
    const { token } = await send();
    for (const wrong of ['', 'garbage', `${token.split('.')[0]}.${'A'.repeat(43)}`, `${Buffer.from(' ').toString('base64url')}.${'A'.repeat(43)}`]) {
      expect(await links.find(wrong)).toBeUndefined();
    }
    expect(await links.find(token)).toBeDefined();
  });

  it('reads paid with a receipt, after a decline and another card', async () => {
    await start();
    const { token } = await send();
    await expect(pay(token, 'pm_card_chargeDeclined')).rejects.toMatchObject({ code: 'CARD_DECLINED' });
    expect((await links.find(token))!.state).toBe('PAYABLE');
    await pay(token, 'pm_card_mastercard');
    expect(await links.find(token)).toMatchObject({
      state: 'PAID',
      receipt: { amount: { amountMinor: 20_500, currency: 'CAD' }, card: { brand: 'mastercard', last4: '4444' } },
    });
  });

  it('reads expired once the time is up and cancelled once cancelled', async () => {
    await start();
    const expiring = await send();
    const cancelled = await send();
    await bed.commandBus.execute(new CancelPaymentLinkCommand(bed.caller, { linkId: cancelled.linkId }));
    expect((await links.find(cancelled.token))!.state).toBe('CANCELLED');
    bed.clock.advance(7 * DAY_MS);
    expect((await links.find(expiring.token))!.state).toBe('EXPIRED');
  });

  it('reads out of date when the bookings were paid another way since', async () => {
    await start();
    const { token } = await send();
    await bed.commandBus.execute(new RecordOfflinePaymentCommand(bed.caller, { bookingId: first, method: 'CASH', idempotencyKey: 'cash-1' }));
    const page = await links.find(token);
    expect(page!.state).toBe('OUTDATED');
    expect(page!.lines.map((line) => line.bookingId)).toEqual([first, second]);
  });

  it('reads processing while a payment through the link has no outcome, even past the expiry', async () => {
    await start(new CrashOnceAt('payment.reserved'));
    const { token } = await send();
    await expect(pay(token)).rejects.toBeInstanceOf(SimulatedCrash);
    bed.clock.advance(8 * DAY_MS);
    const page = await links.find(token);
    expect(page!.state).toBe('PROCESSING');
    expect(page!.lines.map((line) => line.amount.amountMinor)).toEqual([12_500, 8_000]);
  });

  it('opens an add-card request, then shows the card saved through it, or its expiry', async () => {
    await start();
    const requested = await bed.commandBus.execute(new RequestCardCommand(bed.caller, { customerId }));
    expect(await cards.find(requested.token)).toMatchObject({ state: 'OPEN', customerName: 'Ada Lovelace', business: { name: 'Sparkle Cleaning' } });
    expect(await cards.find(`${requested.token.split('.')[0]}.${'A'.repeat(43)}`)).toBeUndefined();
    expect(await cards.find('garbage')).toBeUndefined();
    await bed.commandBus.execute(new FulfillCardRequestCommand({ token: requested.token, paymentMethodToken: 'pm_card_visa' }));
    expect(await cards.find(requested.token)).toMatchObject({ state: 'SAVED', card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 } });
    const later = await bed.commandBus.execute(new RequestCardCommand(bed.caller, { customerId }));
    bed.clock.advance(7 * DAY_MS);
    expect((await cards.find(later.token))!.state).toBe('EXPIRED');
  });
});
