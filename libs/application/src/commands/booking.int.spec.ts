// Goal: a booking made with a card is charged, held or only keeps the card, as the business's
// charge timing says; a refused card leaves the booking owed in full; bad input and other
// businesses' callers change nothing; a retried request never charges twice. Method: the
// commands on the real write side (SQLite event store, sandbox processor, Nest command bus);
// assert the booking, payment and customer streams' events and the booking's balances.
import { streamName } from '@ledger/domain';
import type { ChargeTiming } from '@ledger/domain';
import type { Caller } from '../command-contexts.js';
import { CrashOnceAt, SimulatedCrash } from '../payments/step-probe.js';
import type { ProcessStep } from '../payments/step-probe.js';
import { CommandTestbed } from './command-testbed.js';
import {
  CancelBookingCommand,
  ChangeBookingPriceCommand,
  CompleteBookingCommand,
  CreateBookingCommand,
} from './booking.commands.js';
import type { CreateBookingInput } from './booking.commands.js';
import { UpdatePaymentSettingsCommand } from './tenant.commands.js';

describe('bookings', () => {
  let bed: CommandTestbed;
  let caller: Caller;
  let customerId: string;

  beforeEach(async () => {
    bed = await CommandTestbed.start();
    caller = await bed.setUpTenant('sparkle-cleaning');
    customerId = await bed.registerCustomer(caller);
  });
  afterEach(() => bed.dispose());

  const chargeTiming = (timing: ChargeTiming) =>
    bed.execute(new UpdatePaymentSettingsCommand(caller, { chargeTiming: timing, notifyAdminsOnLinkPayment: true, offlineMethods: ['CASH'] }));
  const book = (input: Partial<CreateBookingInput> = {}, as: Caller = caller) =>
    bed.execute(
      new CreateBookingCommand(as, {
        customerId,
        description: 'Deep clean, 3 bedrooms',
        amountMinor: 12_500,
        currency: 'CAD',
        serviceDate: '2026-12-01',
        source: 'ONLINE',
        ...input,
      }),
    );
  const paymentEvents = async () => (await bed.store.readAll({ filter: { streamCategories: ['payment'] } })).map((e) => e.type);
  const customerEvents = () => bed.eventTypes(streamName.customer(customerId));

  it('charges an online booking in full at booking and keeps the card', async () => {
    await chargeTiming('AT_BOOKING');
    const result = await book({ paymentMethodToken: 'pm_card_visa' });
    expect(result.payment).toMatchObject({ status: 'CAPTURED' });
    expect(result.savedCardId).toBe(result.payment!.savedCardId);
    expect(await bed.eventTypes(streamName.booking(result.bookingId))).toEqual(['BookingCreated', 'PaymentReserved', 'PaymentApplied']);
    expect(await bed.eventTypes(streamName.payment(result.payment!.paymentId))).toEqual(['PaymentInitiated', 'Charged']);
    expect(await customerEvents()).toEqual(['CustomerRegistered', 'CardSaved']);
    const booking = await bed.booking(caller, result.bookingId);
    expect([booking.paid.amountMinor, booking.remaining.amountMinor]).toEqual([12_500, 0]);
  });

  it('holds the full amount when the business pre-authorises', async () => {
    await chargeTiming('PRE_AUTHORIZE');
    const result = await book({ paymentMethodToken: 'pm_card_visa' });
    expect(result.payment).toMatchObject({ status: 'AUTHORIZED' });
    expect(await bed.eventTypes(streamName.booking(result.bookingId))).toEqual(['BookingCreated', 'PaymentReserved', 'AuthorizationApplied']);
    expect(await bed.eventTypes(streamName.payment(result.payment!.paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized']);
    expect(await customerEvents()).toEqual(['CustomerRegistered', 'CardSaved']);
    const booking = await bed.booking(caller, result.bookingId);
    expect([booking.paid.amountMinor, booking.authorized.amountMinor, booking.remaining.amountMinor]).toEqual([0, 12_500, 0]);
  });

  it.each(['AFTER_SERVICE', 'MANUAL'] as const)('only keeps the card when the business charges %s', async (timing) => {
    await chargeTiming(timing);
    const result = await book({ paymentMethodToken: 'pm_card_visa', source: 'PHONE' });
    expect(result).toEqual({ bookingId: result.bookingId, savedCardId: expect.any(String) });
    expect(await bed.eventTypes(streamName.booking(result.bookingId))).toEqual(['BookingCreated']);
    expect(await customerEvents()).toEqual(['CustomerRegistered', 'CardSaved']);
    expect(await paymentEvents()).toEqual([]);
    expect(bed.processorCalls.createPayment ?? 0).toBe(0);
    expect((await bed.booking(caller, result.bookingId)).remaining.amountMinor).toBe(12_500);
    await expect(book({ paymentMethodToken: 'pm_card_visa', saveCard: false })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it.each([
    ['a phone booking', { source: 'PHONE' as const }],
    ['an online booking that declined saving', { saveCard: false }],
  ])('charges %s as a one-time card and keeps nothing', async (_label, input) => {
    await chargeTiming('AT_BOOKING');
    const result = await book({ paymentMethodToken: 'pm_card_visa', ...input });
    expect(result.payment).toMatchObject({ status: 'CAPTURED' });
    expect(result.savedCardId).toBeUndefined();
    expect(await customerEvents()).toEqual(['CustomerRegistered']);
    const [initiated] = await bed.store.readStream(streamName.payment(result.payment!.paymentId));
    expect(initiated!.data).toMatchObject({ method: 'ONE_TIME_CARD', saveCard: false });
  });

  it('keeps a booking whose card is declined, owed in full, and reports the decline', async () => {
    await chargeTiming('AT_BOOKING');
    const result = await book({ paymentMethodToken: 'pm_card_chargeDeclined' });
    expect(result.payment).toMatchObject({ status: 'FAILED', failureCode: 'card_declined', declineCode: 'generic_decline' });
    expect(await bed.eventTypes(streamName.booking(result.bookingId))).toEqual(['BookingCreated', 'PaymentReserved', 'PaymentReservationReleased']);
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'ChargeFailed']);
    expect(await customerEvents()).toEqual(['CustomerRegistered']);
    expect((await bed.booking(caller, result.bookingId)).remaining.amountMinor).toBe(12_500);
  });

  it('keeps a booking whose card could not be kept on file, and reports why', async () => {
    await chargeTiming('AFTER_SERVICE');
    const result = await book({ paymentMethodToken: 'pm_card_chargeDeclined' });
    expect(result.cardFailure).toMatchObject({ code: 'CARD_DECLINED', failureCode: 'card_declined' });
    expect(await bed.eventTypes(streamName.booking(result.bookingId))).toEqual(['BookingCreated']);
    expect(await customerEvents()).toEqual(['CustomerRegistered']);
  });

  it('records a booking without a card and nothing else', async () => {
    await chargeTiming('AT_BOOKING');
    const { bookingId, payment } = await book();
    expect(payment).toBeUndefined();
    expect(await bed.eventTypes(streamName.booking(bookingId))).toEqual(['BookingCreated']);
    expect(bed.processorCalls.createPayment ?? 0).toBe(0);
  });

  it.each([
    ['another currency', { currency: 'USD' }, 'CURRENCY_MISMATCH'],
    ['an unknown customer', { customerId: 'nobody' }, 'NOT_FOUND'],
    ['a zero amount', { amountMinor: 0 }, 'INVALID_AMOUNT'],
    ['an impossible service date', { serviceDate: '2026-02-30' }, 'VALIDATION_FAILED'],
    ['saveCard without a card', { saveCard: true, paymentMethodToken: undefined }, 'VALIDATION_FAILED'],
  ])('refuses %s and records nothing', async (_label, input, code) => {
    await chargeTiming('AT_BOOKING');
    await expect(book({ paymentMethodToken: 'pm_card_visa', ...input })).rejects.toMatchObject({ code });
    expect(await bed.store.readAll({ filter: { streamCategories: ['booking', 'payment'] } })).toEqual([]);
    expect(bed.processorCalls.createPayment ?? 0).toBe(0);
  });

  it('refuses a card for a business whose processor account is not connected, recording nothing', async () => {
    const unconnected = await bed.setUpTenant('not-connected', { connect: false, chargeTiming: 'AT_BOOKING' });
    const theirCustomer = await bed.registerCustomer(unconnected);
    await expect(book({ customerId: theirCustomer, paymentMethodToken: 'pm_card_visa' }, unconnected)).rejects.toMatchObject({ code: 'STRIPE_NOT_CONNECTED' });
    expect(await bed.store.readAll({ filter: { streamCategories: ['booking', 'payment'] } })).toEqual([]);
  });

  it('answers a repeated key with the same booking and one charge, and refuses the key for other input', async () => {
    await chargeTiming('AT_BOOKING');
    const results = await Promise.all([1, 2, 3].map(() => book({ paymentMethodToken: 'pm_card_visa', idempotencyKey: 'booking-1' })));
    expect(new Set(results.map((r) => r.bookingId)).size).toBe(1);
    expect(results[1]).toEqual(results[0]);
    expect(bed.processorCalls.createPayment).toBe(1);
    expect(await bed.store.readAll({ filter: { streamCategories: ['booking'] }, maxCount: 100 })).toHaveLength(3);
    await expect(book({ paymentMethodToken: 'pm_card_visa', idempotencyKey: 'booking-1', amountMinor: 1 })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it("gives another business's caller NOT_FOUND for this business's customer and bookings", async () => {
    const other = await bed.setUpTenant('other-business');
    await expect(book({}, other)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { bookingId } = await book();
    for (const command of [
      new ChangeBookingPriceCommand(other, { bookingId, amountMinor: 1_000 }),
      new CompleteBookingCommand(other, { bookingId }),
      new CancelBookingCommand(other, { bookingId, reason: 'not mine' }),
    ]) {
      await expect(bed.execute(command)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await bed.eventTypes(streamName.booking(bookingId))).toEqual(['BookingCreated']);
  });

  it('changes the price, completes, and cancels only what may be cancelled', async () => {
    const { bookingId } = await book();
    expect(await bed.execute(new ChangeBookingPriceCommand(caller, { bookingId, amountMinor: 15_000 }))).toMatchObject({
      total: { amountMinor: 15_000, currency: 'CAD' },
      remaining: { amountMinor: 15_000 },
    });
    expect(await bed.execute(new CompleteBookingCommand(caller, { bookingId }))).toMatchObject({ status: 'COMPLETED' });
    await expect(bed.execute(new CancelBookingCommand(caller, { bookingId, reason: 'changed mind' }))).rejects.toMatchObject({ code: 'INVALID_STATE' });

    await chargeTiming('PRE_AUTHORIZE');
    const held = await book({ paymentMethodToken: 'pm_card_visa' });
    await expect(bed.execute(new CancelBookingCommand(caller, { bookingId: held.bookingId, reason: 'rain' }))).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(bed.execute(new ChangeBookingPriceCommand(caller, { bookingId: held.bookingId, amountMinor: 100 }))).rejects.toMatchObject({
      code: 'AMOUNT_EXCEEDS_BALANCE',
    });
    const plain = await book();
    expect(await bed.execute(new CancelBookingCommand(caller, { bookingId: plain.bookingId, reason: 'rain' }))).toMatchObject({ status: 'CANCELLED' });
    await expect(bed.execute(new CompleteBookingCommand(caller, { bookingId: 'no-such-booking' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('a booking whose charge is interrupted', () => {
  let bed: CommandTestbed;
  afterEach(() => bed.dispose());

  it.each<ProcessStep>(['payment.initiated', 'payment.reserved', 'payment.processor-answered', 'payment.settled'])(
    'after %s is resumed by the repeated request: one booking, one charge',
    async (step) => {
      bed = await CommandTestbed.start(new CrashOnceAt(step));
      const caller = await bed.setUpTenant('sparkle-cleaning', { chargeTiming: 'AT_BOOKING' });
      const customerId = await bed.registerCustomer(caller);
      const input = { customerId, description: 'Move-out clean', amountMinor: 20_000, currency: 'CAD', serviceDate: '2026-12-05', source: 'ONLINE' as const };
      const command = new CreateBookingCommand(caller, { ...input, paymentMethodToken: 'pm_card_visa', idempotencyKey: 'book-1' });
      await expect(bed.execute(command)).rejects.toBeInstanceOf(SimulatedCrash);
      // The first attempt's claim on the key lapses; the repeat takes it over and resumes.
      bed.clock.advance(60_000);
      const result = await bed.execute(command);
      expect(result.payment).toMatchObject({ status: 'CAPTURED' });
      expect(await bed.eventTypes(streamName.booking(result.bookingId))).toEqual(['BookingCreated', 'PaymentReserved', 'PaymentApplied']);
      expect((await bed.store.readAll({ filter: { streamCategories: ['payment'] } })).map((e) => e.type)).toEqual(['PaymentInitiated', 'Charged']);
      expect(await bed.eventTypes(streamName.customer(customerId))).toEqual(['CustomerRegistered', 'CardSaved']);
      expect((await bed.booking(caller, result.bookingId)).remaining.amountMinor).toBe(0);
    },
  );
});
