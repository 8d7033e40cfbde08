// Captures and releases of holds end to end on the real write side (SQLite event store, sandbox
// processor with its seven-day holds, Nest command bus): the whole hold or part of it, with the
// booking's balances after each; refusals that reach neither the processor nor the log; a hold
// that lapsed; and exactly one processor call however often the same capture is sent.
import { streamName } from '@ledger/domain';
import { SANDBOX_HOLD_LIFETIME_MS } from '@ledger/payments';
import { AuthorizePaymentCommand } from './charge.commands.js';
import { CapturePaymentCommand, ReleaseAuthorizationCommand } from './hold.commands.js';
import { CrashOnceAt, SimulatedCrash } from '../payments/step-probe.js';
import { MoneyTestbed } from './money-testbed.js';

describe('captures and releases of holds', () => {
  let money: MoneyTestbed;
  let bookingId: string;
  let paymentId: string;

  beforeEach(async () => {
    money = await MoneyTestbed.start();
    const { bed } = money;
    await bed.seedTenant();
    const customerId = await bed.seedCustomer();
    bookingId = await bed.seedBooking(customerId, 12_500);
    await bed.seedCard(customerId);
    ({ paymentId } = await bed.commandBus.execute(new AuthorizePaymentCommand(bed.caller, { bookingId, idempotencyKey: 'hold-1' })));
  });
  afterEach(() => money.dispose());

  const capture = (input: { amountMinor?: number; idempotencyKey: string }) =>
    money.execute(new CapturePaymentCommand(money.bed.caller, { paymentId, ...input }));
  const release = () => money.execute(new ReleaseAuthorizationCommand(money.bed.caller, { paymentId }));
  const balances = async () => {
    const { paid, authorized, remaining } = await money.bed.booking(bookingId);
    return { paid: paid.amountMinor, authorized: authorized.amountMinor, remaining: remaining.amountMinor };
  };

  it('holds the amount on the booking as authorised, not paid', async () => {
    expect(await balances()).toEqual({ paid: 0, authorized: 12_500, remaining: 0 });
  });

  it('captures the whole hold and marks the booking paid', async () => {
    const result = await capture({ idempotencyKey: 'cap-1' });
    expect(result).toMatchObject({ paymentId, status: 'CAPTURED', captured: { amountMinor: 12_500, currency: 'CAD' } });
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'Charged']);
    expect(await money.bed.eventTypes(streamName.booking(bookingId))).toEqual(['BookingCreated', 'PaymentReserved', 'AuthorizationApplied', 'PaymentApplied']);
    expect(await balances()).toEqual({ paid: 12_500, authorized: 0, remaining: 0 });
  });

  it('captures part of the hold, lets the rest go and leaves it owing', async () => {
    const result = await capture({ idempotencyKey: 'cap-1', amountMinor: 8_000 });
    expect(result).toMatchObject({ status: 'CAPTURED', authorized: { amountMinor: 12_500 }, captured: { amountMinor: 8_000 } });
    expect(await balances()).toEqual({ paid: 8_000, authorized: 0, remaining: 4_500 });
    const [, , charged] = await money.bed.store.readStream(streamName.payment(paymentId));
    expect(charged!.data).toMatchObject({ amount: { amountMinor: 8_000, currency: 'CAD' } });
  });

  it.each([
    ['more than the hold', { amountMinor: 12_501 }, 'AMOUNT_EXCEEDS_AUTHORIZED'],
    ['a zero amount', { amountMinor: 0 }, 'INVALID_AMOUNT'],
    ['a fractional amount', { amountMinor: 10.5 }, 'INVALID_AMOUNT'],
  ])('refuses to capture %s before asking the processor', async (_label, input, code) => {
    await expect(capture({ idempotencyKey: 'cap-1', ...input })).rejects.toMatchObject({ code });
    expect(money.bed.processorCalls.capturePayment ?? 0).toBe(0);
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized']);
    expect(await balances()).toEqual({ paid: 0, authorized: 12_500, remaining: 0 });
  });

  it('releases the hold: the processor lets it go and the booking owes it again', async () => {
    expect(await release()).toMatchObject({ paymentId, status: 'RELEASED' });
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'AuthorizationReleased']);
    expect(await balances()).toEqual({ paid: 0, authorized: 0, remaining: 12_500 });
    // Releasing a hold that is already gone is the same release again: nothing new anywhere.
    expect(await release()).toMatchObject({ status: 'RELEASED' });
    expect(money.bed.processorCalls.cancelPayment).toBe(1);
    expect(await money.bed.eventTypes(streamName.booking(bookingId))).toEqual([
      'BookingCreated',
      'PaymentReserved',
      'AuthorizationApplied',
      'PaymentReservationReleased',
    ]);
  });

  it('refuses to capture a released hold with INVALID_STATE', async () => {
    await release();
    await expect(capture({ idempotencyKey: 'cap-1' })).rejects.toMatchObject({ code: 'INVALID_STATE', details: { status: 'RELEASED' } });
    expect(money.bed.processorCalls.capturePayment ?? 0).toBe(0);
  });

  it('refuses to release a captured payment, and a second capture under another key', async () => {
    await capture({ idempotencyKey: 'cap-1', amountMinor: 5_000 });
    await expect(release()).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(capture({ idempotencyKey: 'cap-2' })).rejects.toMatchObject({ code: 'INVALID_STATE', details: { status: 'CAPTURED' } });
    expect(money.bed.processorCalls.capturePayment).toBe(1);
    expect(await balances()).toEqual({ paid: 5_000, authorized: 0, remaining: 7_500 });
  });

  it('answers a capture after the hold lapsed with the processor code and records the expiry', async () => {
    money.bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS + 60_000);
    await expect(capture({ idempotencyKey: 'cap-1' })).rejects.toMatchObject({
      code: 'PROCESSOR_REJECTED',
      details: { paymentId, status: 'EXPIRED', failureCode: 'charge_expired_for_capture' },
    });
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'AuthorizationExpired']);
    expect(await balances()).toEqual({ paid: 0, authorized: 0, remaining: 12_500 });
  });

  it('answers the same key twice, or twenty times at once, with one capture and one processor call', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => capture({ idempotencyKey: 'same-key', amountMinor: 6_000 })));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await capture({ idempotencyKey: 'same-key', amountMinor: 6_000 })).toEqual(results[0]);
    expect(money.bed.processorCalls.capturePayment).toBe(1);
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'Charged']);
    expect(await balances()).toEqual({ paid: 6_000, authorized: 0, remaining: 6_500 });
    await expect(capture({ idempotencyKey: 'same-key', amountMinor: 7_000 })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('a capture interrupted after its outcome was recorded', () => {
  it('is completed by repeating it with the same key, without asking the processor again', async () => {
    const money = await MoneyTestbed.start({ probe: new CrashOnceAt('payment.outcome-recorded') });
    try {
      const { bed } = money;
      await bed.seedTenant();
      const customerId = await bed.seedCustomer();
      const bookingId = await bed.seedBooking(customerId, 10_000);
      await bed.seedCard(customerId);
      const { paymentId } = await bed.commandBus.execute(new AuthorizePaymentCommand(bed.caller, { bookingId, idempotencyKey: 'hold-1' }));
      const command = new CapturePaymentCommand(bed.caller, { paymentId, amountMinor: 7_000, idempotencyKey: 'cap-1' });
      await expect(money.execute(command)).rejects.toBeInstanceOf(SimulatedCrash);
      // Charged is recorded but the booking still counts the hold.
      expect((await bed.booking(bookingId)).authorized.amountMinor).toBe(10_000);
      bed.clock.advance(60_000);
      expect(await money.execute(command)).toMatchObject({ status: 'CAPTURED', captured: { amountMinor: 7_000 } });
      const booking = await bed.booking(bookingId);
      expect({ paid: booking.paid.amountMinor, authorized: booking.authorized.amountMinor, remaining: booking.remaining.amountMinor }).toEqual({
        paid: 7_000,
        authorized: 0,
        remaining: 3_000,
      });
      expect(bed.processorCalls.capturePayment).toBe(1);
    } finally {
      await money.dispose();
    }
  });
});
