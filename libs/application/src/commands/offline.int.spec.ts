// "Mark as Collected" end to end on the real write side (SQLite event store, Nest command bus):
// each offline method, methods the business turned off, amounts beyond what is owed, concurrent
// collections that together would exceed it, and a crash between recording the collection and
// applying it to the booking, completed by repeating the request with the same key.
import { streamName, tenantDecider } from '@ledger/domain';
import type { OfflinePaymentMethod } from '@ledger/domain';
import { CrashOnceAt, SimulatedCrash } from '../payments/step-probe.js';
import type { StepProbe } from '../payments/step-probe.js';
import { MoneyTestbed } from './money-testbed.js';
import { RecordOfflinePaymentCommand } from './offline.commands.js';

async function started(probe?: StepProbe) {
  const money = await MoneyTestbed.start(probe ? { probe } : {});
  await money.bed.seedTenant();
  const customerId = await money.bed.seedCustomer();
  const bookingId = await money.bed.seedBooking(customerId, 12_500);
  return { money, bookingId };
}

describe('recording offline payments', () => {
  let money: MoneyTestbed;
  let bookingId: string;

  beforeEach(async () => {
    ({ money, bookingId } = await started());
  });
  afterEach(() => money.dispose());

  const collect = (input: Partial<RecordOfflinePaymentCommand['input']> & { idempotencyKey: string }) =>
    money.execute(new RecordOfflinePaymentCommand(money.bed.caller, { bookingId, method: 'CASH', ...input }));
  const moneyEvents = async () => (await money.bed.store.readAll({ filter: { streamCategories: ['payment', 'booking'] } })).map((e) => e.type);

  it.each<OfflinePaymentMethod>(['CASH', 'CHECK', 'E_TRANSFER', 'OTHER'])('records %s collected for the remaining balance', async (method) => {
    const result = await collect({ method, reference: 'receipt 0042', note: 'paid at the door', idempotencyKey: 'k1' });
    expect(result).toMatchObject({ status: 'COLLECTED', method, amount: { amountMinor: 12_500, currency: 'CAD' } });
    const [collected] = await money.bed.store.readStream(streamName.payment(result.paymentId));
    expect(collected).toMatchObject({ type: 'CashCollected', data: { method, reference: 'receipt 0042', note: 'paid at the door' } });
    expect(await money.bed.eventTypes(streamName.booking(bookingId))).toEqual(['BookingCreated', 'PaymentReserved', 'PaymentApplied']);
    const booking = await money.bed.booking(bookingId);
    expect({ paid: booking.paid.amountMinor, remaining: booking.remaining.amountMinor }).toEqual({ paid: 12_500, remaining: 0 });
  });

  it('records part of the balance and leaves the rest owing', async () => {
    await collect({ amountMinor: 5_000, idempotencyKey: 'k1' });
    expect((await money.bed.booking(bookingId)).remaining.amountMinor).toBe(7_500);
    await collect({ method: 'CHECK', idempotencyKey: 'k2' });
    expect((await money.bed.booking(bookingId)).remaining.amountMinor).toBe(0);
  });

  it('refuses a method the business turned off and records nothing', async () => {
    const { bed } = money;
    await bed.runner.decide(streamName.tenant(bed.tenantId), tenantDecider, {
      type: 'UpdatePaymentSettings',
      data: { tenantId: bed.tenantId, chargeTiming: 'MANUAL', notifyAdminsOnLinkPayment: true, offlineMethods: ['CASH'], autoCaptureBeforeExpiry: true },
      context: bed.context(),
    });
    await expect(collect({ method: 'CHECK', idempotencyKey: 'k1' })).rejects.toMatchObject({ code: 'OFFLINE_METHOD_DISABLED' });
    expect(await moneyEvents()).toEqual(['BookingCreated']);
    await collect({ method: 'CASH', idempotencyKey: 'k2' });
    expect((await money.bed.booking(bookingId)).remaining.amountMinor).toBe(0);
  });

  it.each([
    ['more than is owed', { amountMinor: 12_501 }, 'AMOUNT_EXCEEDS_BALANCE'],
    ['a zero amount', { amountMinor: 0 }, 'INVALID_AMOUNT'],
    ['an unknown method', { method: 'BARTER' as OfflinePaymentMethod }, 'VALIDATION_FAILED'],
  ])('refuses %s and records nothing', async (_label, input, code) => {
    await expect(collect({ idempotencyKey: 'k1', ...input })).rejects.toMatchObject({ code });
    expect(await moneyEvents()).toEqual(['BookingCreated']);
  });

  it('refuses to record anything once nothing is owed', async () => {
    await collect({ idempotencyKey: 'k1' });
    await expect(collect({ idempotencyKey: 'k2' })).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_BALANCE' });
    await expect(collect({ amountMinor: 1, idempotencyKey: 'k3' })).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_BALANCE' });
  });

  it('answers the same key twice with one collection', async () => {
    const first = await collect({ idempotencyKey: 'same' });
    expect(await collect({ idempotencyKey: 'same' })).toEqual(first);
    expect((await moneyEvents()).filter((type) => type === 'CashCollected')).toHaveLength(1);
    await expect(collect({ idempotencyKey: 'same', method: 'CHECK' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('lets only one of several concurrent collections of the whole balance through', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => collect({ idempotencyKey: `k${i}` })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const codes = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => (o.reason as { code: string }).code);
    expect(new Set(codes)).toEqual(new Set(['AMOUNT_EXCEEDS_BALANCE']));
    expect((await moneyEvents()).filter((type) => type === 'CashCollected')).toHaveLength(1);
    expect((await money.bed.booking(bookingId)).paid.amountMinor).toBe(12_500);
  });
});

describe('an offline payment interrupted between recording and applying it', () => {
  it('is completed by repeating the request with the same key', async () => {
    const { money, bookingId } = await started(new CrashOnceAt('payment.outcome-recorded'));
    try {
      const command = new RecordOfflinePaymentCommand(money.bed.caller, { bookingId, method: 'E_TRANSFER', amountMinor: 4_000, idempotencyKey: 'k1' });
      await expect(money.execute(command)).rejects.toBeInstanceOf(SimulatedCrash);
      expect(await money.bed.eventTypes(streamName.booking(bookingId))).toEqual(['BookingCreated', 'PaymentReserved']);
      // The claim on the key is taken over once its lease has run out, as after a real crash.
      money.bed.clock.advance(60_000);
      const result = await money.execute(command);
      expect(result).toMatchObject({ status: 'COLLECTED', amount: { amountMinor: 4_000 } });
      expect(await money.bed.eventTypes(streamName.payment(result.paymentId))).toEqual(['CashCollected']);
      expect(await money.bed.eventTypes(streamName.booking(bookingId))).toEqual(['BookingCreated', 'PaymentReserved', 'PaymentApplied']);
      expect((await money.bed.booking(bookingId)).remaining.amountMinor).toBe(8_500);
    } finally {
      await money.dispose();
    }
  });
});
