// Payment links end to end on the real write side (SQLite event store, sandbox processor, Nest
// command bus): sending for named or outstanding bookings with only the token's hash recorded,
// previews that record nothing, paying on the pay page with and without saving the card,
// declines that leave the link payable, expiry and wrong tokens, and one charge however often
// or concurrently the same link is paid.
import { createHash } from 'node:crypto';
import { streamName } from '@ledger/domain';
import { Testbed } from '../testing/testbed.js';
import { withProviders } from '../testing/with-providers.js';
import type { ExtendedTestbed } from '../testing/with-providers.js';
import { CancelPaymentLinkCommand, ExpirePaymentLinkCommand, PayPaymentLinkCommand, SendPaymentLinkCommand } from './payment-link.commands.js';
import type { SendPaymentLinkInput } from './payment-link.commands.js';
import { paymentLinkHandlers } from './payment-link.handlers.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('payment links', () => {
  let bed: Testbed;
  let app: ExtendedTestbed;
  let customerId: string;
  let older: string;
  let newer: string;

  beforeEach(async () => {
    bed = await Testbed.start();
    app = await withProviders(bed, paymentLinkHandlers);
    await bed.seedTenant();
    customerId = await bed.seedCustomer();
    newer = await bed.seedBooking(customerId, 12_500, '2026-11-20');
    older = await bed.seedBooking(customerId, 4_000, '2026-10-01');
  });
  afterEach(async () => {
    await app.close();
    await bed.dispose();
  });

  const send = (input: Partial<SendPaymentLinkInput> = {}) => app.commandBus.execute(new SendPaymentLinkCommand(bed.caller, { customerId, ...input }));
  const pay = (token: string, paymentMethodToken = 'pm_card_visa', saveCard = false) =>
    app.commandBus.execute(new PayPaymentLinkCommand({ token, paymentMethodToken, saveCard }));
  const linkEvents = (linkId: string) => bed.eventTypes(streamName.paymentLink(linkId));

  it('sends a link for all that the customer owes, oldest booking first, recording only the token hash', async () => {
    const sent = await send();
    expect(sent).toMatchObject({ status: 'OPEN', amount: { amountMinor: 16_500, currency: 'CAD' }, bookingIds: [older, newer], email: 'ada@example.com' });
    expect(sent.expiresAt).toBe(new Date(bed.clock.now().getTime() + 7 * DAY_MS).toISOString());
    expect(sent.token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const [created] = await bed.store.readStream(streamName.paymentLink(sent.linkId!));
    expect(created!.data).toMatchObject({ tokenHash: createHash('sha256').update(sent.token!).digest('hex') });
    const everything = JSON.stringify(await bed.store.readAll());
    expect(everything).not.toContain(sent.token!.split('.')[1]);
  });

  it('sends a link for the named bookings and amount, to the address given', async () => {
    const sent = await send({ bookingIds: [newer], amountMinor: 10_000, email: 'billing@example.com' });
    expect(sent).toMatchObject({ amount: { amountMinor: 10_000 }, bookingIds: [newer], email: 'billing@example.com' });
  });

  it('previews what would be sent without recording anything or issuing a token', async () => {
    const before = (await bed.store.readAll()).length;
    const preview = await send({ previewOnly: true, idempotencyKey: 'k1' });
    expect(preview).toEqual({ status: 'PREVIEW', amount: { amountMinor: 16_500, currency: 'CAD' }, bookingIds: [older, newer], expiresAt: expect.any(String), email: 'ada@example.com' });
    expect((await bed.store.readAll()).length).toBe(before);
  });

  it('refuses a link for more than is owed, or an unknown customer, and records nothing', async () => {
    await expect(send({ amountMinor: 16_501 })).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_BALANCE' });
    await expect(send({ customerId: 'nobody' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await bed.store.readAll({ filter: { streamCategories: ['paymentlink'] } })).toEqual([]);
  });

  it('answers a repeated send with the same link and keeps the token out of the answer it stores', async () => {
    const first = await send({ idempotencyKey: 'send-1' });
    const again = await send({ idempotencyKey: 'send-1' });
    expect(again).toEqual({ ...first, token: undefined });
    expect(await bed.store.readAll({ filter: { streamCategories: ['paymentlink'] } })).toHaveLength(1);
    expect(JSON.stringify(await bed.store.readAll())).not.toContain(first.token!.split('.')[1]);
  });

  it('pays the bookings in full through the link without saving the card', async () => {
    const sent = await send();
    const paid = await pay(sent.token!);
    expect(paid).toMatchObject({ linkId: sent.linkId, status: 'CAPTURED' });
    expect(paid.savedCardId).toBeUndefined();
    expect(await linkEvents(sent.linkId!)).toEqual(['PaymentLinkCreated', 'PaymentLinkPaymentStarted', 'PaymentLinkPaid']);
    expect((await bed.booking(older)).remaining.amountMinor).toBe(0);
    expect((await bed.booking(newer)).remaining.amountMinor).toBe(0);
    const [initiated] = await bed.store.readStream(streamName.payment(paid.paymentId));
    expect(initiated!.data).toMatchObject({ method: 'PAYMENT_LINK', saveCard: false, amount: { amountMinor: 16_500 } });
    expect(initiated!.metadata.actor).toBe(`CUSTOMER:${customerId}`);
    expect(await bed.eventTypes(streamName.customer(customerId))).toEqual(['CustomerRegistered']);
  });

  it('saves the card when the customer asks to', async () => {
    const sent = await send();
    const paid = await pay(sent.token!, 'pm_card_mastercard', true);
    expect(paid.savedCardId).toEqual(expect.any(String));
    expect(await bed.eventTypes(streamName.customer(customerId))).toEqual(['CustomerRegistered', 'CardSaved']);
  });

  it('keeps the link payable after a decline, and takes another card', async () => {
    const sent = await send();
    await expect(pay(sent.token!, 'pm_card_chargeDeclined')).rejects.toMatchObject({ code: 'CARD_DECLINED' });
    expect((await bed.booking(newer)).remaining.amountMinor).toBe(12_500);
    expect(await linkEvents(sent.linkId!)).toEqual(['PaymentLinkCreated', 'PaymentLinkPaymentStarted']);
    const paid = await pay(sent.token!);
    expect(paid.status).toBe('CAPTURED');
    expect(await linkEvents(sent.linkId!)).toEqual(['PaymentLinkCreated', 'PaymentLinkPaymentStarted', 'PaymentLinkPaymentStarted', 'PaymentLinkPaid']);
    expect(bed.processorCalls.createPayment).toBe(2);
  });

  it('refuses an expired link, records nothing, and lets the timer expire it', async () => {
    const sent = await send();
    bed.clock.advance(7 * DAY_MS);
    await expect(pay(sent.token!)).rejects.toMatchObject({ code: 'LINK_EXPIRED' });
    expect(await linkEvents(sent.linkId!)).toEqual(['PaymentLinkCreated']);
    expect(bed.processorCalls.createPayment ?? 0).toBe(0);
    expect(await app.commandBus.execute(new ExpirePaymentLinkCommand(bed.caller, { linkId: sent.linkId! }))).toEqual({ linkId: sent.linkId, status: 'EXPIRED' });
    await expect(pay(sent.token!)).rejects.toMatchObject({ code: 'LINK_EXPIRED' });
  });

  it.each([
    ['garbage', () => 'not-a-token'],
    ['a wrong secret for a real link', (token: string) => `${token.split('.')[0]}.${'A'.repeat(43)}`],
    ['an unknown link', () => `${Buffer.from('no-such-link').toString('base64url')}.${'A'.repeat(43)}`],
  ])('answers %s with NOT_FOUND', async (_label, tokenFrom) => {
    const sent = await send();
    await expect(pay(tokenFrom(sent.token!))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await linkEvents(sent.linkId!)).toEqual(['PaymentLinkCreated']);
  });

  it('refuses a cancelled link', async () => {
    const sent = await send();
    await app.commandBus.execute(new CancelPaymentLinkCommand(bed.caller, { linkId: sent.linkId! }));
    await expect(pay(sent.token!)).rejects.toMatchObject({ code: 'LINK_NOT_PAYABLE' });
  });

  it('charges once when the link is paid twice', async () => {
    const sent = await send();
    await pay(sent.token!);
    await expect(pay(sent.token!)).rejects.toMatchObject({ code: 'LINK_NOT_PAYABLE' });
    expect(bed.processorCalls.createPayment).toBe(1);
  });

  it('charges once when the link is submitted twenty times at once', async () => {
    const sent = await send();
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => pay(sent.token!)));
    const paid = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code: string }).code] : []));
    expect(paid.length).toBeGreaterThan(0);
    expect(new Set(paid.map((p) => p.paymentId)).size).toBe(1);
    expect(new Set(refused)).toEqual(new Set(refused.length > 0 ? ['LINK_NOT_PAYABLE'] : []));
    expect(bed.processorCalls.createPayment).toBe(1);
    expect(await linkEvents(sent.linkId!)).toEqual(['PaymentLinkCreated', 'PaymentLinkPaymentStarted', 'PaymentLinkPaid']);
    expect((await bed.booking(newer)).remaining.amountMinor).toBe(0);
  });
});
