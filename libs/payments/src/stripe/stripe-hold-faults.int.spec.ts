// Goal: a capture, release or refund whose first answer was lost (retried under a new key, or
// answered with a 5xx that Stripe stores under the key and replays for 24 hours) reports what
// Stripe really did: a hold already captured as the capture that happened, a hold already let go
// as canceled, a refund made as the refund, and "unknown" where nothing can be read; never a
// refusal while money moved.
// Method: the real adapter and the real `stripe` SDK against the Stripe test server
// (@ledger/testing, its faults) in front of stripe-mock: it answers the capture or cancel with
// `payment_intent_unexpected_state` or a 500, the refund with a 500, and the reads that follow with
// stripe-mock's own objects reshaped into the state Stripe holds. The SDK's errors go through the
// adapter's mapping; assertions on the port's answers and on the requests seen.
import { GatewayUnavailableError } from '../payment-gateway.errors.js';
import { StripeTestServer, listing, reshaped } from '@ledger/testing';
import { StripePaymentGateway } from './stripe-payment-gateway.adapter.js';

const host = process.env.STRIPE_MOCK_HOST;
const port = Number(process.env.STRIPE_MOCK_PORT ?? 0);
const describeWithStripeMock = host && port ? describe : describe.skip;

const account = { accountId: 'acct_1Faults' };

describeWithStripeMock('Stripe adapter: holds and refunds whose answer was lost (fault server in front of stripe-mock)', () => {
  let faults: StripeTestServer;
  let gateway: StripePaymentGateway;

  beforeAll(async () => {
    faults = await StripeTestServer.start({ stripeMock: { host: host ?? '127.0.0.1', port } });
  });
  beforeEach(() => {
    faults.reset();
    // One SDK retry, as in production, so a 500 is seen replayed.
    gateway = new StripePaymentGateway({ secretKey: 'sk_test_faults', host: '127.0.0.1', port: faults.port, protocol: 'http', maxNetworkRetries: 1 });
  });
  afterAll(() => faults.close());

  describe('a capture or release retried after its answer was lost', () => {
    const hold = { account, processorPaymentId: 'pi_hold', idempotencyKey: 'k-retry' };

    it('reports a capture that meets the hold already captured as the capture that happened', async () => {
      faults.inject({ method: 'POST', path: '/v1/payment_intents/pi_hold/capture', answer: { kind: 'unexpected-state', status: 'succeeded' } });
      faults.inject({ method: 'GET', path: '/v1/payment_intents/pi_hold', answer: reshaped({ status: 'succeeded', amount_received: 800 }) });
      expect(await gateway.capturePayment({ ...hold, amountMinor: 1000 })).toEqual({
        status: 'succeeded',
        processorPaymentId: 'pi_hold',
        amountCaptured: { amountMinor: 800, currency: 'CAD' },
      });
    });

    it('reports a capture that meets the hold let go as canceled', async () => {
      faults.inject({ method: 'POST', path: '/v1/payment_intents/pi_hold/capture', answer: { kind: 'unexpected-state', status: 'canceled' } });
      faults.inject({ method: 'GET', path: '/v1/payment_intents/pi_hold', answer: reshaped({ status: 'canceled' }) });
      expect(await gateway.capturePayment(hold)).toEqual({ status: 'canceled', processorPaymentId: 'pi_hold' });
    });

    it('reports a release that meets the hold already captured as the money taken', async () => {
      faults.inject({ method: 'POST', path: '/v1/payment_intents/pi_hold/cancel', answer: { kind: 'unexpected-state', status: 'succeeded' } });
      faults.inject({ method: 'GET', path: '/v1/payment_intents/pi_hold', answer: reshaped({ status: 'succeeded', amount_received: 1000 }) });
      expect(await gateway.cancelPayment(hold)).toEqual({
        status: 'succeeded',
        processorPaymentId: 'pi_hold',
        amountCaptured: { amountMinor: 1000, currency: 'CAD' },
      });
    });

    it('reads the hold back after a 500 on a capture: captured is reported, still live stays unknown', async () => {
      faults.inject({ method: 'POST', path: '/v1/payment_intents/pi_hold/capture', answer: { kind: 'server-error' } });
      faults.inject({ method: 'GET', path: '/v1/payment_intents/pi_hold', times: 1, answer: reshaped({ status: 'succeeded', amount_received: 600 }) });
      faults.inject({ method: 'GET', path: '/v1/payment_intents/pi_hold', answer: reshaped({ status: 'requires_capture', amount_capturable: 1000 }) });
      expect(await gateway.capturePayment(hold)).toMatchObject({ status: 'succeeded', amountCaptured: { amountMinor: 600 } });
      await expect(gateway.capturePayment({ ...hold, idempotencyKey: 'k-other' })).rejects.toBeInstanceOf(GatewayUnavailableError);
    });

    it('still reports a refusal when the hold is neither captured nor let go', async () => {
      faults.inject({ method: 'POST', path: '/v1/payment_intents/pi_hold/capture', answer: { kind: 'unexpected-state', status: 'requires_payment_method' } });
      faults.inject({ method: 'GET', path: '/v1/payment_intents/pi_hold', answer: reshaped({ status: 'requires_payment_method' }) });
      expect(await gateway.capturePayment(hold)).toMatchObject({ status: 'failed', failureCode: 'payment_intent_unexpected_state' });
    });
  });

  describe('a refund answered 500', () => {
    const refund = {
      account,
      processorPaymentId: 'pi_paid',
      amountMinor: 1500,
      idempotencyKey: 'refund-1:refund',
      metadata: { refundId: 'refund-1', paymentId: 'pay-1' },
    };
    const refundListed = (refundId: string) =>
      listing([{ id: 're_found', amount: 1500, currency: 'cad', status: 'succeeded', payment_intent: 'pi_paid', metadata: { refundId } }]);

    it("finds the refund by its ledger id among the payment's refunds", async () => {
      faults.inject({ method: 'POST', path: '/v1/refunds', answer: { kind: 'server-error' } });
      faults.inject({ method: 'GET', path: '/v1/refunds', answer: refundListed('refund-1') });
      expect(await gateway.refund(refund)).toEqual({ processorRefundId: 're_found', status: 'succeeded', amount: { amountMinor: 1500, currency: 'CAD' } });
      expect(faults.seen('POST', '/v1/refunds')[0]?.form.get('metadata[refundId]')).toBe('refund-1');
      expect(faults.seen('GET', '/v1/refunds')[0]?.query.get('payment_intent')).toBe('pi_paid');
    });

    it('answers "unknown" when no refund carries its id', async () => {
      faults.inject({ method: 'POST', path: '/v1/refunds', answer: { kind: 'server-error' } });
      faults.inject({ method: 'GET', path: '/v1/refunds', answer: refundListed('another-refund') });
      await expect(gateway.refund(refund)).rejects.toBeInstanceOf(GatewayUnavailableError);
    });
  });
});
