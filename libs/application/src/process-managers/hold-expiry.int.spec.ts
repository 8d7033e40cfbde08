// The hold-expiry monitor on the real write side (SQLite event store, sandbox processor whose
// holds lapse after seven days, ManualClock): a hold captured before it lapses when the business
// auto-captures; a lapsed hold expired and replaced by a charge to the card on file; a hold left
// to expire when the business does not auto-capture; a lapsed hold the processor had already
// captured (a capture whose answer was lost) recorded as that capture, not expired, with no second
// charge; a hold whose fate the processor cannot tell left open until it can; and repeated runs,
// or a restarted monitor, that never take money twice.
import { jest } from '@jest/globals';
import { streamName, tenantDecider } from '@ledger/domain';
import { GatewayUnavailableError, SANDBOX_HOLD_LIFETIME_MS } from '@ledger/payments';
import { AuthorizePaymentCommand } from '../commands/charge.commands.js';
import { MoneyTestbed } from '../commands/money-testbed.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { CrashOnceAt } from '../payments/step-probe.js';

const HOUR_MS = 60 * 60_000;

describe('the hold-expiry monitor', () => {
  let money: MoneyTestbed;
  let customerId: string;
  let bookingId: string;

  beforeEach(async () => {
    money = await MoneyTestbed.start();
    await money.bed.seedTenant();
    customerId = await money.bed.seedCustomer();
    bookingId = await money.bed.seedBooking(customerId, 12_500);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await money.dispose();
  });

  const hold = async (card: { paymentMethodToken?: string } = {}) => {
    const command = new AuthorizePaymentCommand(money.bed.caller, { bookingId, idempotencyKey: 'hold-1', ...card });
    return (await money.bed.commandBus.execute(command)).paymentId;
  };
  const autoCapture = async (autoCaptureBeforeExpiry: boolean) => {
    const { bed } = money;
    await bed.runner.decide(streamName.tenant(bed.tenantId), tenantDecider, {
      type: 'UpdatePaymentSettings',
      data: { tenantId: bed.tenantId, chargeTiming: 'PRE_AUTHORIZE', notifyAdminsOnLinkPayment: true, offlineMethods: ['CASH'], autoCaptureBeforeExpiry },
      context: bed.context(),
    });
  };
  const balances = async () => {
    const { paid, authorized, remaining } = await money.bed.booking(bookingId);
    return { paid: paid.amountMinor, authorized: authorized.amountMinor, remaining: remaining.amountMinor };
  };

  it('leaves holds alone until they come within the margin of their deadline', async () => {
    await money.bed.seedCard(customerId);
    await hold();
    money.bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS - 13 * HOUR_MS);
    expect(await money.monitor.runOnce()).toMatchObject({ examined: 0, captured: [], expired: [] });
    expect(money.bed.processorCalls.capturePayment ?? 0).toBe(0);
  });

  it('captures the whole hold before it lapses when the business auto-captures, once however often it runs', async () => {
    await money.bed.seedCard(customerId);
    const paymentId = await hold();
    money.bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS - 6 * HOUR_MS);
    const [first, second] = await Promise.all([money.monitor.runOnce(), money.monitor.runOnce()]);
    expect(first).toMatchObject({ examined: 1, captured: [paymentId], expired: [], failures: [] });
    expect(second).toBe(first);
    money.bed.clock.advance(HOUR_MS);
    expect(await money.monitor.runOnce()).toMatchObject({ examined: 0, captured: [] });
    expect(money.bed.processorCalls.capturePayment).toBe(1);
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'Charged']);
    const charged = (await money.bed.store.readStream(streamName.payment(paymentId)))[2]!;
    expect(charged.metadata).toMatchObject({ actor: 'SYSTEM:hold-expiry-monitor' });
    expect(await balances()).toEqual({ paid: 12_500, authorized: 0, remaining: 0 });
  });

  it('expires a hold that lapsed and charges what is owed to the card on file instead', async () => {
    const cardId = await money.bed.seedCard(customerId);
    const paymentId = await hold();
    money.bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS + 10 * 60_000);
    const summary = await money.monitor.runOnce();
    expect(summary).toMatchObject({ examined: 1, captured: [], expired: [paymentId], failures: [] });
    expect(summary.fallbackCharges).toEqual([{ paymentId, fallbackPaymentId: expect.any(String), status: 'CAPTURED' }]);
    const { fallbackPaymentId } = summary.fallbackCharges[0]!;
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'AuthorizationExpired']);
    expect(await money.bed.eventTypes(streamName.payment(fallbackPaymentId))).toEqual(['PaymentInitiated', 'Charged']);
    const [initiated] = await money.bed.store.readStream(streamName.payment(fallbackPaymentId));
    expect(initiated!.data).toMatchObject({ method: 'CARD_ON_FILE', cardId, capture: 'AUTOMATIC', amount: { amountMinor: 12_500 } });
    expect(await money.bed.eventTypes(streamName.booking(bookingId))).toEqual([
      'BookingCreated',
      'PaymentReserved',
      'AuthorizationApplied',
      'PaymentReservationReleased',
      'PaymentReserved',
      'PaymentApplied',
    ]);
    expect(await balances()).toEqual({ paid: 12_500, authorized: 0, remaining: 0 });
    // The lapsed hold is never captured at the processor, and later runs charge nothing more.
    expect(money.bed.processorCalls.capturePayment ?? 0).toBe(0);
    expect(await money.monitor.runOnce()).toMatchObject({ examined: 0, fallbackCharges: [] });
    expect(money.bed.processorCalls.createPayment).toBe(2);
  });

  it('charges nothing again when a restarted monitor reads the log from the beginning', async () => {
    await money.bed.seedCard(customerId);
    await hold();
    money.bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS + 10 * 60_000);
    await money.monitor.runOnce();
    await money.stop();
    money = await MoneyTestbed.start({ dir: money.bed.dir });
    money.bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS + 20 * 60_000);
    expect(await money.monitor.runOnce()).toMatchObject({ examined: 0, captured: [], expired: [], fallbackCharges: [] });
    expect(money.bed.processorCalls.createPayment ?? 0).toBe(0);
  });

  it('records a lapsed hold the processor already captured as that capture, never as expired, and charges nothing again', async () => {
    await money.bed.seedCard(customerId);
    const paymentId = await hold();
    // A capture reached the processor in time, but its answer was lost and nobody retried it.
    const { processorPaymentId, processorAccountId } = await money.bed.get(LedgerReader).payment(money.bed.tenantId, paymentId);
    const account = processorAccountId === null ? {} : { accountId: processorAccountId };
    await money.bed.gateway.capturePayment({ account, idempotencyKey: 'lost-capture', processorPaymentId: processorPaymentId! });
    money.bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS + 10 * 60_000);
    expect(await money.monitor.runOnce()).toMatchObject({ examined: 1, captured: [paymentId], expired: [], fallbackCharges: [], failures: [] });
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'Charged']);
    expect(await balances()).toEqual({ paid: 12_500, authorized: 0, remaining: 0 });
    expect(money.bed.processorCalls.createPayment).toBe(1);
    expect(await money.monitor.runOnce()).toMatchObject({ examined: 0, fallbackCharges: [] });
  });

  it('leaves a lapsed hold open while the processor cannot say what became of it, and expires it once it can', async () => {
    await money.bed.seedCard(customerId);
    const paymentId = await hold();
    money.bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS + 10 * 60_000);
    const down = jest.spyOn(money.bed.gateway, 'lookupPayment').mockRejectedValue(new GatewayUnavailableError('the processor is down'));
    const blind = await money.monitor.runOnce();
    expect(blind).toMatchObject({ examined: 1, captured: [], expired: [], fallbackCharges: [], failures: [{ paymentId }] });
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized']);
    expect(await balances()).toEqual({ paid: 0, authorized: 12_500, remaining: 0 });
    expect(money.bed.processorCalls.createPayment).toBe(1);
    down.mockRestore();
    expect(await money.monitor.runOnce()).toMatchObject({ expired: [paymentId], fallbackCharges: [{ paymentId, status: 'CAPTURED' }], failures: [] });
  });

  it('expires a lapsed hold without a fallback when the customer has no card on file', async () => {
    const paymentId = await hold({ paymentMethodToken: 'pm_card_visa' });
    money.bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS);
    expect(await money.monitor.runOnce()).toMatchObject({ expired: [paymentId], fallbackCharges: [] });
    expect(await balances()).toEqual({ paid: 0, authorized: 0, remaining: 12_500 });
  });

  it('lets the hold expire at its deadline, releasing it and charging nothing, when the business does not auto-capture', async () => {
    await money.bed.seedCard(customerId);
    await autoCapture(false);
    const paymentId = await hold();
    money.bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS - 6 * HOUR_MS);
    expect(await money.monitor.runOnce()).toMatchObject({ examined: 1, captured: [], expired: [] });
    expect(await balances()).toEqual({ paid: 0, authorized: 12_500, remaining: 0 });
    money.bed.clock.advance(6 * HOUR_MS);
    expect(await money.monitor.runOnce()).toMatchObject({ captured: [], expired: [paymentId], fallbackCharges: [] });
    expect(await money.bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'PaymentAuthorized', 'AuthorizationExpired']);
    expect(await balances()).toEqual({ paid: 0, authorized: 0, remaining: 12_500 });
    expect(money.bed.processorCalls.capturePayment ?? 0).toBe(0);
    expect(money.bed.processorCalls.createPayment).toBe(1);
  });
});

describe('a fallback charge interrupted by a crash', () => {
  it('is resumed by the next run as it was recorded, charging the card once', async () => {
    const money = await MoneyTestbed.start({ probe: new CrashOnceAt('payment.reserved') });
    try {
      const { bed } = money;
      await bed.seedTenant();
      const customerId = await bed.seedCustomer();
      const bookingId = await bed.seedBooking(customerId, 9_000);
      await bed.seedCard(customerId);
      const { paymentId } = await bed.commandBus.execute(new AuthorizePaymentCommand(bed.caller, { bookingId, idempotencyKey: 'hold-1' }));
      bed.clock.advance(SANDBOX_HOLD_LIFETIME_MS + 60_000);
      const crashed = await money.monitor.runOnce();
      expect(crashed).toMatchObject({ expired: [paymentId], fallbackCharges: [], failures: [{ paymentId }] });
      // The fallback's intent and reservation are recorded; the processor has not been asked.
      expect((await bed.booking(bookingId)).reserved.amountMinor).toBe(9_000);
      bed.clock.advance(60_000);
      const resumed = await money.monitor.runOnce();
      expect(resumed.fallbackCharges).toEqual([{ paymentId, fallbackPaymentId: expect.any(String), status: 'CAPTURED' }]);
      expect((await bed.booking(bookingId)).paid.amountMinor).toBe(9_000);
      expect(bed.processorCalls.createPayment).toBe(2);
    } finally {
      await money.dispose();
    }
  });
});
