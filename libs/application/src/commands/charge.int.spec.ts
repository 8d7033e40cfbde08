// Charging bookings end to end on the real write side (SQLite event store, sandbox processor,
// Nest command bus): card on file, one-time and saved new cards, declines, bad input that
// leaves no trace, exactly-once under repeated and concurrent requests, and never more than the
// balance whatever the interleaving.
import { streamName } from '@ledger/domain';
import { Testbed } from '../testing/testbed.js';
import { ChargeBookingCommand, ChargeCustomerCommand } from './charge.commands.js';

describe('charging', () => {
  let bed: Testbed;
  let customerId: string;
  let bookingId: string;

  beforeEach(async () => {
    bed = await Testbed.start();
    await bed.seedTenant();
    customerId = await bed.seedCustomer();
    bookingId = await bed.seedBooking(customerId, 12_500);
  });
  afterEach(() => bed.dispose());

  const charge = (input: Partial<ChargeBookingCommand['input']> & { idempotencyKey: string }) =>
    bed.commandBus.execute(new ChargeBookingCommand(bed.caller, { bookingId, ...input }));

  it('charges the remaining balance to the card on file and marks the booking paid', async () => {
    const cardId = await bed.seedCard(customerId);
    const result = await charge({ idempotencyKey: 'k1' });
    expect(result).toMatchObject({ status: 'CAPTURED' });
    expect(await bed.eventTypes(streamName.payment(result.paymentId))).toEqual(['PaymentInitiated', 'Charged']);
    expect(await bed.eventTypes(streamName.booking(bookingId))).toEqual(['BookingCreated', 'PaymentReserved', 'PaymentApplied']);
    const booking = await bed.booking(bookingId);
    expect(booking.remaining.amountMinor).toBe(0);
    const [initiated] = await bed.store.readStream(streamName.payment(result.paymentId));
    expect(initiated!.data).toMatchObject({ method: 'CARD_ON_FILE', cardId, amount: { amountMinor: 12_500, currency: 'CAD' } });
  });

  it('charges part of the balance and leaves the rest owing', async () => {
    await bed.seedCard(customerId);
    await charge({ idempotencyKey: 'k1', amountMinor: 5_000 });
    expect((await bed.booking(bookingId)).remaining.amountMinor).toBe(7_500);
    await charge({ idempotencyKey: 'k2' });
    expect((await bed.booking(bookingId)).remaining.amountMinor).toBe(0);
  });

  it('charges a one-time card without saving anything that could charge it again', async () => {
    const result = await charge({ idempotencyKey: 'k1', paymentMethodToken: 'pm_card_mastercard' });
    expect(result.status).toBe('CAPTURED');
    expect(result.savedCardId).toBeUndefined();
    expect(await bed.eventTypes(streamName.customer(customerId))).toEqual(['CustomerRegistered']);
    const [initiated, charged] = await bed.store.readStream(streamName.payment(result.paymentId));
    expect(initiated!.data).toMatchObject({ method: 'ONE_TIME_CARD', saveCard: false });
    expect(JSON.stringify([initiated!.data, charged!.data])).not.toContain('pm_card_mastercard');
    expect(charged!.data).toMatchObject({ card: { brand: 'mastercard', last4: '4444' } });
  });

  it('records a decline with the processor code, releases the reservation and answers CARD_DECLINED', async () => {
    await bed.seedCard(customerId, 'pm_card_chargeCustomerFail');
    await expect(charge({ idempotencyKey: 'k1' })).rejects.toMatchObject({ code: 'CARD_DECLINED', details: { status: 'FAILED' } });
    const payments = await bed.store.readAll({ filter: { streamCategories: ['payment'] } });
    expect(payments.map((e) => e.type)).toEqual(['PaymentInitiated', 'ChargeFailed']);
    expect(payments[1]!.data).toMatchObject({ failureCode: 'card_declined' });
    expect(await bed.eventTypes(streamName.booking(bookingId))).toEqual(['BookingCreated', 'PaymentReserved', 'PaymentReservationReleased']);
    expect((await bed.booking(bookingId)).remaining.amountMinor).toBe(12_500);
  });

  it.each([
    ['a zero amount', { amountMinor: 0 }, 'INVALID_AMOUNT'],
    ['a negative amount', { amountMinor: -100 }, 'INVALID_AMOUNT'],
    ['a fractional amount', { amountMinor: 10.5 }, 'INVALID_AMOUNT'],
    ['more than is owed', { amountMinor: 12_501 }, 'AMOUNT_EXCEEDS_BALANCE'],
    ['an unknown card', { cardId: 'no-such-card' }, 'CARD_NOT_FOUND'],
  ])('refuses %s and records nothing', async (_label, input, code) => {
    await bed.seedCard(customerId);
    await expect(charge({ idempotencyKey: 'k1', ...input })).rejects.toMatchObject({ code });
    // Only the idempotency key remembers the answer, so a retry gets the same one; no money event exists.
    expect((await bed.store.readAll({ filter: { streamCategories: ['payment', 'booking'] } })).map((e) => e.type)).toEqual(['BookingCreated']);
    expect(bed.processorCalls.createPayment ?? 0).toBe(0);
  });

  it('refuses an unknown booking', async () => {
    await expect(bed.commandBus.execute(new ChargeBookingCommand(bed.caller, { bookingId: 'nope', idempotencyKey: 'k1' }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('answers the same key twice, or fifty times at once, with one payment and one processor call', async () => {
    await bed.seedCard(customerId);
    const results = await Promise.all(Array.from({ length: 50 }, () => charge({ idempotencyKey: 'same-key' })));
    expect(new Set(results.map((r) => r.paymentId)).size).toBe(1);
    expect(bed.processorCalls.createPayment).toBe(1);
    expect(await charge({ idempotencyKey: 'same-key' })).toEqual(results[0]);
    expect(await bed.eventTypes(streamName.payment(results[0]!.paymentId))).toEqual(['PaymentInitiated', 'Charged']);
    await expect(charge({ idempotencyKey: 'same-key', amountMinor: 100 })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('never takes more than the balance, whatever the interleaving of concurrent charges', async () => {
    await bed.seedCard(customerId);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => charge({ idempotencyKey: `k${i}`, amountMinor: 3_000 })));
    const succeeded = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(succeeded).toHaveLength(4);
    expect(new Set(refused.map((o) => (o.reason as { code: string }).code))).toEqual(new Set(['AMOUNT_EXCEEDS_BALANCE']));
    const booking = await bed.booking(bookingId);
    expect(booking.remaining.amountMinor).toBe(500);
    expect(bed.processorCalls.createPayment).toBe(4);
  });

  it("charges a customer's outstanding bookings oldest first from the profile", async () => {
    await bed.seedCard(customerId);
    const older = await bed.seedBooking(customerId, 4_000, '2026-10-01');
    const result = await bed.commandBus.execute(new ChargeCustomerCommand(bed.caller, { customerId, amountMinor: 10_000, idempotencyKey: 'k1' }));
    expect(result.status).toBe('CAPTURED');
    expect((await bed.booking(older)).remaining.amountMinor).toBe(0);
    expect((await bed.booking(bookingId)).remaining.amountMinor).toBe(6_500);
    const [initiated] = await bed.store.readStream(streamName.payment(result.paymentId));
    expect((initiated!.data as { allocations: unknown[] }).allocations).toEqual([
      { bookingId: older, amount: { amountMinor: 4_000, currency: 'CAD' } },
      { bookingId, amount: { amountMinor: 6_000, currency: 'CAD' } },
    ]);
  });
});
