// Crashes between the steps of a card payment, on real files: the process is killed after each
// step (a probe throws), the "process" is stopped and a new one started on the same files, and
// the payment is resumed either by the start-up reconciler or by the client repeating its
// request. Every path must end with exactly one outcome: one processor charge at most, one
// Charged (or one recorded failure), and booking balances that agree with it.
import { streamName } from '@ledger/domain';
import { ChargeBookingCommand } from '../commands/charge.commands.js';
import { Testbed } from '../testing/testbed.js';
import { PaymentReconciler } from './payment-reconciler.js';
import { CrashOnceAt, SimulatedCrash } from './step-probe.js';
import type { ProcessStep } from './step-probe.js';

const steps: ProcessStep[] = ['payment.initiated', 'payment.reserved', 'payment.processor-answered', 'payment.outcome-recorded', 'payment.settled'];
const reachedProcessor = (step: ProcessStep) => steps.indexOf(step) >= steps.indexOf('payment.processor-answered');

async function crashDuringCharge(step: ProcessStep) {
  const crashing = await Testbed.start({ probe: new CrashOnceAt(step) });
  await crashing.seedTenant();
  const customerId = await crashing.seedCustomer();
  const bookingId = await crashing.seedBooking(customerId, 9_000);
  await crashing.seedCard(customerId);
  const charge = new ChargeBookingCommand(crashing.caller, { bookingId, idempotencyKey: 'charge-1' });
  await expect(crashing.commandBus.execute(charge)).rejects.toBeInstanceOf(SimulatedCrash);
  const processorCharges = crashing.processorCalls.createPayment ?? 0;
  await crashing.stop();
  const restarted = await Testbed.start({ dir: crashing.dir });
  restarted.clock.set(new Date(crashing.clock.now().getTime() + 10 * 60_000));
  return { restarted, bookingId, charge, processorCharges };
}

async function paymentEvents(bed: Testbed): Promise<string[]> {
  return (await bed.store.readAll({ filter: { streamCategories: ['payment'] } })).map((e) => e.type);
}

describe.each(steps)('a crash after %s', (step) => {
  let bed: Testbed | undefined;
  afterEach(async () => {
    await bed?.dispose();
    bed = undefined;
  });

  it('converges through the start-up reconciler', async () => {
    const run = await crashDuringCharge(step);
    bed = run.restarted;
    await bed.get(PaymentReconciler).reconcile();
    await bed.get(PaymentReconciler).reconcile();
    const booking = await bed.booking(run.bookingId);
    const types = await paymentEvents(bed);
    if (reachedProcessor(step)) {
      expect(types).toEqual(['PaymentInitiated', 'Charged']);
      expect(booking.remaining.amountMinor).toBe(0);
    } else {
      // The processor never saw the request: the payment is recorded as abandoned and nothing is owed twice.
      expect(types).toEqual(['PaymentInitiated', 'ChargeFailed']);
      expect(booking.remaining.amountMinor).toBe(9_000);
    }
    expect(run.processorCharges + (bed.processorCalls.createPayment ?? 0)).toBe(reachedProcessor(step) ? 1 : 0);
  });

  it('converges when the client repeats its request after the lease', async () => {
    const run = await crashDuringCharge(step);
    bed = run.restarted;
    const repeated = new ChargeBookingCommand(bed.caller, run.charge.input);
    const result = await bed.commandBus.execute(repeated);
    expect(result.status).toBe('CAPTURED');
    expect(await paymentEvents(bed)).toEqual(['PaymentInitiated', 'Charged']);
    expect((await bed.booking(run.bookingId)).remaining.amountMinor).toBe(0);
    expect(await bed.eventTypes(streamName.booking(run.bookingId))).toEqual(['BookingCreated', 'PaymentReserved', 'PaymentApplied']);
    // The processor took the money once: a repeat after it answered is a replay of the same key.
    const sandboxPayments = run.processorCharges + (bed.processorCalls.createPayment ?? 0);
    expect(sandboxPayments).toBeGreaterThanOrEqual(1);
    const outcome = await bed.gateway.lookupPayment({ account: {}, paymentId: result.paymentId, idempotencyKey: `${result.paymentId}:charge` });
    expect(outcome).toMatchObject({ status: 'succeeded', amountCaptured: { amountMinor: 9_000 } });
    expect((await bed.get(PaymentReconciler).reconcile()).resolved).toBe(0);
  });
});
