// Payment automation on the real write side (SQLite event store, sandbox processor): a booking
// completed while the business charges after service is charged to the card on file; other
// timings, no card or nothing owed charge nothing; the same BookingCompleted handled twice, or
// resumed after a crash mid-charge, charges once; a decline is recorded and not retried.
import { bookingDecider, defaultPaymentSettings, streamName, tenantDecider } from '@ledger/domain';
import type { ChargeTiming } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import { CrashOnceAt } from '../payments/step-probe.js';
import type { StepProbe } from '../payments/step-probe.js';
import { Testbed } from '../testing/testbed.js';
import { withProviders } from '../testing/with-providers.js';
import type { ExtendedTestbed } from '../testing/with-providers.js';
import { PaymentAutomation } from './payment-automation.js';

describe('payment automation', () => {
  let bed: Testbed;
  let app: ExtendedTestbed;
  let automation: PaymentAutomation;
  let customerId: string;
  let bookingId: string;

  async function begin(probe?: StepProbe): Promise<void> {
    bed = await Testbed.start(probe ? { probe } : {});
    app = await withProviders(bed, [PaymentAutomation]);
    automation = app.module.get(PaymentAutomation);
    await bed.seedTenant();
    customerId = await bed.seedCustomer();
    bookingId = await bed.seedBooking(customerId, 12_500);
  }
  afterEach(async () => {
    await app.close();
    await bed.dispose();
  });

  async function chargeTiming(timing: ChargeTiming): Promise<void> {
    const data = { tenantId: bed.tenantId, ...defaultPaymentSettings, chargeTiming: timing };
    await bed.runner.decide(streamName.tenant(bed.tenantId), tenantDecider, { type: 'UpdatePaymentSettings', data, context: bed.context() });
  }

  async function complete(id = bookingId): Promise<RecordedEvent> {
    await bed.runner.decide(streamName.booking(id), bookingDecider, { type: 'CompleteBooking', data: { bookingId: id }, context: bed.context() });
    const events = await bed.store.readStream(streamName.booking(id));
    return events.find((event) => event.type === 'BookingCompleted')!;
  }

  const paymentEvents = async () => (await bed.store.readAll({ filter: { streamCategories: ['payment'] } })).map((e) => e.type);

  it('charges the remaining balance to the card on file when the business charges after service', async () => {
    await begin();
    const cardId = await bed.seedCard(customerId);
    await chargeTiming('AFTER_SERVICE');
    const completed = await complete();
    expect(await automation.handle(completed)).toMatch(/^charged/);
    expect((await bed.booking(bookingId)).remaining.amountMinor).toBe(0);
    const [initiated] = await bed.store.readAll({ filter: { eventTypes: ['PaymentInitiated'] } });
    expect(initiated!.data).toMatchObject({ method: 'CARD_ON_FILE', cardId, amount: { amountMinor: 12_500 } });
    expect(initiated!.metadata).toMatchObject({ actor: 'SYSTEM:payment-automation', tenant: bed.tenantId, correlationId: completed.metadata.correlationId });
  });

  it.each(['MANUAL', 'AT_BOOKING', 'PRE_AUTHORIZE'] as const)('charges nothing when the charge timing is %s', async (timing) => {
    await begin();
    await bed.seedCard(customerId);
    await chargeTiming(timing);
    await automation.handle(await complete());
    expect(await paymentEvents()).toEqual([]);
    expect(bed.processorCalls.createPayment ?? 0).toBe(0);
  });

  it('charges nothing without a card on file', async () => {
    await begin();
    await chargeTiming('AFTER_SERVICE');
    expect(await automation.handle(await complete())).toBe('no card on file');
    expect(await paymentEvents()).toEqual([]);
  });

  it('follows the setting as it was when the booking was completed', async () => {
    await begin();
    await bed.seedCard(customerId);
    await chargeTiming('AFTER_SERVICE');
    const completed = await complete();
    await chargeTiming('MANUAL');
    await automation.handle(completed);
    expect((await bed.booking(bookingId)).remaining.amountMinor).toBe(0);
  });

  it('charges once when the same BookingCompleted is delivered twice', async () => {
    await begin();
    await bed.seedCard(customerId);
    await chargeTiming('AFTER_SERVICE');
    const completed = await complete();
    await automation.handle(completed);
    expect(await automation.handle(completed)).toMatch(/^already handled/);
    expect(bed.processorCalls.createPayment).toBe(1);
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'Charged']);
  });

  it('resumes a charge interrupted by a crash instead of starting another', async () => {
    await begin(new CrashOnceAt('payment.reserved'));
    await bed.seedCard(customerId);
    await chargeTiming('AFTER_SERVICE');
    const completed = await complete();
    await expect(automation.handle(completed)).rejects.toThrow('simulated crash');
    await automation.handle(completed);
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'Charged']);
    expect((await bed.booking(bookingId)).remaining.amountMinor).toBe(0);
    expect(bed.processorCalls.createPayment).toBe(1);
  });

  it('records a decline once and does not retry it', async () => {
    await begin();
    await bed.seedCard(customerId, 'pm_card_chargeCustomerFail');
    await chargeTiming('AFTER_SERVICE');
    const completed = await complete();
    expect(await automation.handle(completed)).toBe('declined: card_declined');
    await automation.handle(completed);
    expect(await paymentEvents()).toEqual(['PaymentInitiated', 'ChargeFailed']);
    expect(bed.processorCalls.createPayment).toBe(1);
    expect((await bed.booking(bookingId)).remaining.amountMinor).toBe(12_500);
  });
});
