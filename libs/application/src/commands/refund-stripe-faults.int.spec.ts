// Goal: a refund whose answer Stripe gave as a 5xx (stored under the key and replayed for 24
// hours, so a retry can learn nothing) is found again by the ledger's refund id among the
// payment's refunds and recorded as what it is; one Stripe never made stays pending, never
// failed; and a refund goes to the account the payment was made on.
// Method: a real write side (Testbed) where the card is charged through the ledger's own command,
// then the refund handler built around the real Stripe adapter whose SDK talks to the Stripe test
// server in front of stripe-mock; the server answers the refund with a 500 and lists the refunds
// Stripe holds (stripe-mock's list, reshaped with the metadata the ledger sent). Assertions on the
// answers, the payment and booking streams and the requests seen.
import { streamName } from '@ledger/domain';
import { GatewayUnavailableError } from '@ledger/payments';
import { Testbed } from '../testing/testbed.js';
import {
  describeWithStripeMock,
  listOf,
  refundsOn,
  startStripeTestServer,
  stripeGateway,
  switchAccount,
  type StripeTestServer,
} from '../payments/stripe-fault-kit.js';
import { ChargeBookingCommand } from './charge.commands.js';
import { RefundPaymentCommand } from './refund.commands.js';

describeWithStripeMock('refunds on Stripe when the answer was a 5xx', () => {
  let faults: StripeTestServer;
  let bed: Testbed;
  let bookingId: string;
  let paymentId: string;

  beforeAll(async () => {
    faults = await startStripeTestServer();
  });
  afterAll(() => faults.close());

  beforeEach(async () => {
    faults.reset();
    bed = await Testbed.start();
    await bed.seedTenant();
    const customerId = await bed.seedCustomer();
    bookingId = await bed.seedBooking(customerId, 10_000);
    await bed.seedCard(customerId);
    ({ paymentId } = await bed.commandBus.execute(new ChargeBookingCommand(bed.caller, { bookingId, idempotencyKey: 'charge-1' })));
  });
  afterEach(() => bed.dispose());

  /** Stripe answers the refund with a 500, and lists a refund carrying `refundId` (the one the ledger sent, by default). */
  const refundAnsweredWith500 = (refundId?: string) => {
    faults.inject({ method: 'POST', path: '/v1/refunds', answer: { kind: 'server-error' } });
    faults.inject({
      method: 'GET',
      path: '/v1/refunds',
      answer: {
        kind: 'reshape',
        reshape: (body) => {
          const sent = refundId ?? faults.seen('POST', '/v1/refunds')[0]?.form.get('metadata[refundId]') ?? '';
          return listOf(body, [{ id: 're_made', amount: 2_500, currency: 'cad', status: 'succeeded', metadata: { refundId: sent } }]);
        },
      },
    });
  };
  const refund = (idempotencyKey: string) =>
    refundsOn(bed, stripeGateway(faults)).execute(new RefundPaymentCommand(bed.caller, { paymentId, amountMinor: 2_500, idempotencyKey }));

  it('records the refund Stripe made although its answer was a 500', async () => {
    refundAnsweredWith500();
    expect(await refund('refund-1')).toMatchObject({ status: 'REFUNDED', amount: { amountMinor: 2_500 } });
    expect(await bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'Charged', 'RefundRequested', 'Refunded']);
    const [, , , refunded] = await bed.store.readStream(streamName.payment(paymentId));
    expect(refunded!.data).toMatchObject({ processorRefundId: 're_made' });
    expect(await bed.eventTypes(streamName.booking(bookingId))).toContain('RefundApplied');
    expect(faults.seen('GET', '/v1/refunds')[0]?.query.get('payment_intent')).toMatch(/^pi_sandbox_/);
  });

  it('leaves a refund Stripe did not make pending, never failed, so its money is not offered again', async () => {
    refundAnsweredWith500('another-refund');
    await expect(refund('refund-2')).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(await bed.eventTypes(streamName.payment(paymentId))).toEqual(['PaymentInitiated', 'Charged', 'RefundRequested']);
  });

  it('refunds on the account the payment was made on, after the tenant connected another', async () => {
    await switchAccount(bed, 'acct_sandbox', 'acct_1Replacement');
    // No fault: stripe-mock answers the refund as made.
    expect(await refund('refund-3')).toMatchObject({ status: 'REFUNDED' });
    expect(faults.requests.map((r) => `${r.method} ${r.path} ${r.account ?? '(platform)'}`)).toEqual(['POST /v1/refunds acct_sandbox']);
  });
});
