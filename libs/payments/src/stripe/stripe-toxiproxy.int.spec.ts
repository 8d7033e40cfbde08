// Goal: the Stripe adapter tells "the processor said no" from "nobody knows what happened" when
// the connection to Stripe fails for real: a reset after the request arrived, a processor that
// stops answering, a slow or sliced link. An unknown outcome must surface as
// GatewayUnavailableError (never a failed outcome, never "not found"), every attempt must carry
// the same idempotency key, and repeating the call after the link heals must return the first
// charge instead of making a second one.
// Method: the real adapter -> Toxiproxy -> the Stripe test server keeping Stripe's idempotency
// records and charges (@ledger/testing, `keepState`) -> stripe-mock, which validates every request.
// Charges are counted where the money would move: in the test server, behind the fault.
import { describeWithToxiproxy, FaultyNetwork, StripeTestServer } from '@ledger/testing';
import type { FaultyLink } from '@ledger/testing';
import { GatewayUnavailableError } from '../payment-gateway.errors.js';
import type { CreatePaymentInput } from '../payment-gateway.types.js';
import { StripePaymentGateway } from './stripe-payment-gateway.adapter.js';

const stripeMockUrl = process.env.STRIPE_MOCK_URL;
const TIMEOUT_MS = 1_500;

describeWithToxiproxy('Stripe adapter behind Toxiproxy (stripe-mock)', () => {
  let network: FaultyNetwork;
  let stripe: StripeTestServer;
  let link: FaultyLink;
  let gateway: StripePaymentGateway;
  let seq = 0;

  beforeAll(async () => {
    if (!stripeMockUrl) throw new Error('STRIPE_MOCK_URL not set; run `bash scripts/test-services.sh start`');
    network = await FaultyNetwork.connect();
    stripe = await StripeTestServer.start({ stripeMock: stripeMockUrl, keepState: true });
  });
  beforeEach(async () => {
    link = await network.proxy('stripe', stripe.address);
    // One SDK retry, as in production; a short timeout so a silent processor costs seconds here.
    gateway = new StripePaymentGateway({ secretKey: 'sk_test_toxiproxy', host: link.host, port: link.port, protocol: 'http', maxNetworkRetries: 1, timeoutMs: TIMEOUT_MS });
  });
  afterEach(() => network.removeAll());
  afterAll(() => stripe?.close());

  function charge(): CreatePaymentInput & { paymentId: string } {
    const paymentId = `pay-${process.pid}-${++seq}`;
    return {
      paymentId,
      account: { accountId: 'acct_1Toxiproxy' },
      idempotencyKey: `${paymentId}:charge`,
      amount: { amountMinor: 12_500, currency: 'CAD' },
      capture: 'automatic',
      source: { kind: 'token', paymentMethodToken: 'pm_card_visa' },
      metadata: { paymentId, tenant: 'sparkle' },
    };
  }
  const chargesFor = (paymentId: string) => stripe.charges.filter((made) => made.metadata.paymentId === paymentId);
  const attemptsWith = (key: string) => stripe.requests.filter((seen) => seen.path === '/v1/payment_intents' && seen.idempotencyKey === key);

  it('answers through added latency, with one charge', async () => {
    await link.latency(400, { jitterMs: 50 });
    const input = charge();
    const started = Date.now();
    const outcome = await gateway.createPayment(input);
    expect(outcome).toMatchObject({ status: 'succeeded', amountCaptured: { amountMinor: 12_500, currency: 'CAD' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(chargesFor(input.paymentId)).toHaveLength(1);
  });

  it('reports a reset after the request arrived as unavailable, and the repeat returns the first charge', async () => {
    const input = charge();
    const reset = await link.resetPeer();
    const lost = await gateway.createPayment(input).catch((error: unknown) => error);
    // The money moved, but the answer was lost: only "unknown" is true, never "failed".
    expect(lost).toBeInstanceOf(GatewayUnavailableError);
    expect(chargesFor(input.paymentId)).toHaveLength(1);
    // The SDK's own retry reused our key, so it could not charge twice.
    expect(attemptsWith(input.idempotencyKey).length).toBeGreaterThanOrEqual(2);
    await reset.remove();
    const repeated = await gateway.createPayment(input);
    expect(repeated).toMatchObject({ status: 'succeeded', processorPaymentId: chargesFor(input.paymentId)[0]!.id });
    expect(chargesFor(input.paymentId)).toHaveLength(1);
  });

  it('gives up on a processor that stops answering within its timeout, as unavailable, and the repeat returns the first charge', async () => {
    const input = charge();
    const stall = await link.stall();
    const started = Date.now();
    const lost = await gateway.createPayment(input).catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(GatewayUnavailableError);
    // Two attempts of TIMEOUT_MS each plus the SDK's back-off: bounded, not a hang.
    expect(Date.now() - started).toBeLessThan(2 * TIMEOUT_MS + 3_000);
    expect(chargesFor(input.paymentId)).toHaveLength(1);
    await stall.remove();
    const repeated = await gateway.createPayment(input);
    expect(repeated).toMatchObject({ status: 'succeeded', processorPaymentId: chargesFor(input.paymentId)[0]!.id });
    expect(chargesFor(input.paymentId)).toHaveLength(1);
  });

  it('never reads a lookup that got no answer as "Stripe never saw this payment"', async () => {
    const input = charge();
    const lookup = { account: input.account, paymentId: input.paymentId, idempotencyKey: input.idempotencyKey, createdSince: new Date().toISOString(), tenant: 'sparkle' };
    await gateway.createPayment(input);
    await link.stall();
    await expect(gateway.lookupPayment(lookup)).rejects.toBeInstanceOf(GatewayUnavailableError);
    await link.heal();
    await expect(gateway.lookupPayment(lookup)).resolves.toMatchObject({
      status: 'succeeded',
      processorPaymentId: chargesFor(input.paymentId)[0]!.id,
    });
  });

  it('takes an answer cut into small pieces intact, and one trickling through a collapsed link whole and once', async () => {
    await link.slicer({ averageBytes: 64, variationBytes: 32, delayUs: 100 });
    const sliced = charge();
    await expect(gateway.createPayment(sliced)).resolves.toMatchObject({ status: 'succeeded', amountCaptured: { amountMinor: 12_500 } });
    await link.heal();
    const starved = charge();
    // 1 KB/s: the answer (a few KB) trickles in over seconds. The SDK's timeout is an idle
    // timeout, so a link that keeps moving is waited for; what matters is that the answer, late,
    // is read whole and right, and that the SDK did not give up and retry meanwhile.
    await link.bandwidth(1);
    await expect(gateway.createPayment(starved)).resolves.toMatchObject({ status: 'succeeded', amountCaptured: { amountMinor: 12_500 } });
    expect(chargesFor(starved.paymentId)).toHaveLength(1);
    expect(attemptsWith(starved.idempotencyKey)).toHaveLength(1);
  });
});
