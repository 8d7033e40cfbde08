// Refunds end to end on the real write side (SQLite event store, sandbox processor, Nest command
// bus): repeated partial refunds of a card payment and of cash, never beyond what was taken and
// refused before the processor is asked; refunds of a partly captured hold; a payment that took
// nothing; and one processor call however often, or however concurrently, a refund is sent.
import { streamName } from '@ledger/domain';
import { ChargeBookingCommand, AuthorizePaymentCommand } from './charge.commands.js';
import { CapturePaymentCommand } from './hold.commands.js';
import { MoneyTestbed } from './money-testbed.js';
import { RecordOfflinePaymentCommand } from './offline.commands.js';
import { RefundPaymentCommand } from './refund.commands.js';

describe('refunds', () => {
  let money: MoneyTestbed;
  let customerId: string;
  let bookingId: string;

  beforeEach(async () => {
    money = await MoneyTestbed.start();
    await money.bed.seedTenant();
    customerId = await money.bed.seedCustomer();
    bookingId = await money.bed.seedBooking(customerId, 12_500);
  });
  afterEach(() => money.dispose());

  const refund = (paymentId: string, input: { amountMinor?: number; reason?: string; idempotencyKey: string }) =>
    money.execute(new RefundPaymentCommand(money.bed.caller, { paymentId, ...input }));
  const chargeCard = async () => {
    await money.bed.seedCard(customerId);
    return (await money.bed.commandBus.execute(new ChargeBookingCommand(money.bed.caller, { bookingId, idempotencyKey: 'charge-1' }))).paymentId;
  };
  const refundedOnBooking = async () => (await money.bed.booking(bookingId)).refunded.amountMinor;

  it('refunds a card payment in parts, never beyond what was taken, and refuses the excess before the processor', async () => {
    const paymentId = await chargeCard();
    const first = await refund(paymentId, { amountMinor: 5_000, reason: 'one room skipped', idempotencyKey: 'r1' });
    expect(first).toMatchObject({ paymentId, status: 'REFUNDED', amount: { amountMinor: 5_000, currency: 'CAD' } });
    await refund(paymentId, { amountMinor: 5_000, idempotencyKey: 'r2' });
    expect(await refundedOnBooking()).toBe(10_000);
    await expect(refund(paymentId, { amountMinor: 5_000, idempotencyKey: 'r3' })).rejects.toMatchObject({
      code: 'AMOUNT_EXCEEDS_REFUNDABLE',
      details: { refundableMinor: 2_500 },
    });
    expect(money.bed.processorCalls.refund).toBe(2);
    // Without an amount, all that is left is refunded; after that nothing is.
    expect(await refund(paymentId, { idempotencyKey: 'r4' })).toMatchObject({ amount: { amountMinor: 2_500 } });
    await expect(refund(paymentId, { idempotencyKey: 'r5' })).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_REFUNDABLE' });
    expect(await refundedOnBooking()).toBe(12_500);
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual([
      'PaymentInitiated',
      'Charged',
      ...Array.from({ length: 3 }, () => ['RefundRequested', 'Refunded']).flat(),
    ]);
    const events = await money.bed.store.readStream(streamName.payment(paymentId));
    expect(events[2]!.data).toMatchObject({ refundId: first.refundId, reason: 'one room skipped' });
    expect(events[3]!.data).toMatchObject({ refundId: first.refundId, processorRefundId: expect.stringMatching(/^re_/) });
  });

  it('records refunds of cash handed back, without the processor, up to what was collected', async () => {
    const { paymentId } = await money.execute(new RecordOfflinePaymentCommand(money.bed.caller, { bookingId, method: 'CASH', idempotencyKey: 'cash-1' }));
    await refund(paymentId, { amountMinor: 4_000, idempotencyKey: 'r1' });
    await refund(paymentId, { amountMinor: 4_000, idempotencyKey: 'r2' });
    await expect(refund(paymentId, { amountMinor: 5_000, idempotencyKey: 'r3' })).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_REFUNDABLE' });
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['CashCollected', 'Refunded', 'Refunded']);
    expect(await refundedOnBooking()).toBe(8_000);
    expect(money.bed.processorCalls.refund ?? 0).toBe(0);
  });

  it('refunds no more than the captured part of a hold', async () => {
    await money.bed.seedCard(customerId);
    const { paymentId } = await money.bed.commandBus.execute(new AuthorizePaymentCommand(money.bed.caller, { bookingId, idempotencyKey: 'hold-1' }));
    await money.execute(new CapturePaymentCommand(money.bed.caller, { paymentId, amountMinor: 8_000, idempotencyKey: 'cap-1' }));
    await expect(refund(paymentId, { amountMinor: 8_001, idempotencyKey: 'r1' })).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_REFUNDABLE' });
    expect(await refund(paymentId, { idempotencyKey: 'r2' })).toMatchObject({ status: 'REFUNDED', amount: { amountMinor: 8_000 } });
    const booking = await money.bed.booking(bookingId);
    expect({ paid: booking.paid.amountMinor, refunded: booking.refunded.amountMinor, remaining: booking.remaining.amountMinor }).toEqual({
      paid: 8_000,
      refunded: 8_000,
      remaining: 12_500,
    });
  });

  it('refuses to refund a payment that took nothing', async () => {
    await money.bed.seedCard(customerId, 'pm_card_chargeCustomerFail');
    const charge = money.bed.commandBus.execute(new ChargeBookingCommand(money.bed.caller, { bookingId, idempotencyKey: 'charge-1' }));
    const declined = (await charge.catch((error: unknown) => error)) as { code: string; details: { paymentId: string } };
    expect(declined.code).toBe('CARD_DECLINED');
    await expect(refund(declined.details.paymentId, { idempotencyKey: 'r1' })).rejects.toMatchObject({ code: 'INVALID_STATE', details: { status: 'FAILED' } });
    expect(money.bed.processorCalls.refund ?? 0).toBe(0);
    expect(await money.bed.eventTypes(streamName.payment(declined.details.paymentId))).toEqual(['PaymentInitiated', 'ChargeFailed']);
  });

  it('refuses an unknown payment', async () => {
    await expect(refund('no-such-payment', { idempotencyKey: 'r1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers the same key twice, or twenty times at once, with one refund and one processor call', async () => {
    const paymentId = await chargeCard();
    const results = await Promise.all(Array.from({ length: 20 }, () => refund(paymentId, { amountMinor: 3_000, idempotencyKey: 'same' })));
    expect(new Set(results.map((r) => r.refundId)).size).toBe(1);
    expect(await refund(paymentId, { amountMinor: 3_000, idempotencyKey: 'same' })).toEqual(results[0]);
    expect(money.bed.processorCalls.refund).toBe(1);
    expect(await refundedOnBooking()).toBe(3_000);
    await expect(refund(paymentId, { amountMinor: 4_000, idempotencyKey: 'same' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('never refunds more than was taken, whatever the interleaving of concurrent refunds', async () => {
    const paymentId = await chargeCard();
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => refund(paymentId, { amountMinor: 2_000, idempotencyKey: `r${i}` })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(6);
    const codes = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => (o.reason as { code: string }).code);
    expect(new Set(codes)).toEqual(new Set(['AMOUNT_EXCEEDS_REFUNDABLE']));
    expect(money.bed.processorCalls.refund).toBe(6);
    expect(await refundedOnBooking()).toBe(12_000);
  });
});
