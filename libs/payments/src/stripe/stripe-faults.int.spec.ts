// Goal: the Stripe adapter never turns a fault on a payment's creation into a false outcome. A
// payment is found again only through strongly consistent reads (a search index that lags proves
// nothing, and a window too large to read proves nothing either); a 5xx, which Stripe stores under
// the idempotency key and replays for 24 hours, is followed by a read of what happened rather than
// a blind retry; a 409 or silence is "unknown", never "failed"; a hold with no deadline from Stripe
// gets the shortest documented one; every request speaks the pinned API version.
// Method: the real adapter and the real `stripe` SDK against the Stripe test server
// (@ledger/testing, its faults) in front of stripe-mock. The server passes requests through and, as
// each test asks, answers with a stored and replayed 500, a 409 `idempotency_key_in_use`, an
// emptied search, silence, or stripe-mock's own answer reshaped where state is needed (an intent
// that already succeeded). The SDK's errors go through the adapter's mapping; assertions on the
// port's answers and on the requests seen. Captures, releases and refunds: stripe-hold-faults.
import { GatewayUnavailableError } from '../payment-gateway.errors.js';
import type { CreatePaymentInput } from '../payment-gateway.types.js';
import { StripeTestServer, ledgerIntent, listing, reshaped, visaCharge, type JsonObject } from '@ledger/testing';
import { STRIPE_API_VERSION } from './stripe-api-version.js';
import { StripePaymentGateway } from './stripe-payment-gateway.adapter.js';

const host = process.env.STRIPE_MOCK_HOST;
const port = Number(process.env.STRIPE_MOCK_PORT ?? 0);
const describeWithStripeMock = host && port ? describe : describe.skip;

const account = { accountId: 'acct_1Faults' };
const nowS = Math.floor(Date.now() / 1000);
/** A charge the ledger asked for, as Stripe holds it (succeeded unless told otherwise). */
const intent = (id: string, paymentId: string, fields: JsonObject = {}): JsonObject =>
  ledgerIntent(id, paymentId, 'sparkle', { amount: 4200, amount_received: 4200, amount_capturable: 0, status: 'succeeded', created: nowS, ...fields });

describeWithStripeMock('Stripe adapter under faults (fault server in front of stripe-mock)', () => {
  let faults: StripeTestServer;
  let gateway: StripePaymentGateway;
  let seq = 0;

  beforeAll(async () => {
    faults = await StripeTestServer.start({ stripeMock: { host: host ?? '127.0.0.1', port } });
  });
  beforeEach(() => {
    faults.reset();
    gateway = adapter();
  });
  afterAll(() => faults.close());

  function adapter(options: { timeoutMs?: number; lookupMaxPages?: number } = {}): StripePaymentGateway {
    // One SDK retry, as in production, so a replayed 500 is seen replayed.
    return new StripePaymentGateway({ secretKey: 'sk_test_faults', host: '127.0.0.1', port: faults.port, protocol: 'http', maxNetworkRetries: 1, ...options });
  }
  function charge(capture: 'automatic' | 'manual' = 'automatic'): CreatePaymentInput & { paymentId: string } {
    const paymentId = `pay-faults-${++seq}`;
    const source = { kind: 'token', paymentMethodToken: 'pm_card_visa' } as const;
    return {
      paymentId,
      account,
      idempotencyKey: `${paymentId}:charge`,
      amount: { amountMinor: 4200, currency: 'CAD' },
      capture,
      source,
      metadata: { paymentId, tenant: 'sparkle' },
    };
  }
  const lookup = (paymentId: string, extra: { processorCustomerId?: string } = {}, on = gateway) =>
    on.lookupPayment({
      account,
      paymentId,
      tenant: 'sparkle',
      createdSince: new Date((nowS - 300) * 1000).toISOString(),
      idempotencyKey: `${paymentId}:charge`,
      ...extra,
    });

  describe('finding a payment whose answer was lost', () => {
    it('finds it with a consistent list while the search index has not caught up', async () => {
      const { paymentId } = charge();
      faults.inject({ method: 'GET', path: '/v1/payment_intents/search', answer: listing([]) });
      faults.inject({ method: 'GET', path: '/v1/payment_intents', answer: listing([intent('pi_other', 'pay-someone-else'), intent('pi_found', paymentId)]) });
      expect(await lookup(paymentId)).toEqual({
        status: 'succeeded',
        processorPaymentId: 'pi_found',
        amountCaptured: { amountMinor: 4200, currency: 'CAD' },
        card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 },
      });
      expect(faults.seen('GET', '/v1/payment_intents/search')).toEqual([]);
      const [list] = faults.seen('GET', '/v1/payment_intents');
      expect(list).toMatchObject({ account: account.accountId });
      expect(list?.query.get('created[gte]')).toBe(String(nowS - 300 - 600));
    });

    it('prefers the intent that moved money over a later failed one for the same payment', async () => {
      const { paymentId } = charge();
      const failed = intent('pi_failed', paymentId, { status: 'requires_payment_method', amount_received: 0, created: nowS + 5 });
      faults.inject({ method: 'GET', path: '/v1/payment_intents', answer: listing([failed, intent('pi_paid', paymentId)]) });
      expect(await lookup(paymentId)).toMatchObject({ status: 'succeeded', processorPaymentId: 'pi_paid' });
    });

    it('lists only the customer of a saved card when it is known', async () => {
      const { paymentId } = charge();
      faults.inject({ method: 'GET', path: '/v1/payment_intents', answer: listing([]) });
      expect(await lookup(paymentId, { processorCustomerId: 'cus_saved' })).toBeUndefined();
      expect(faults.seen('GET', '/v1/payment_intents')[0]?.query.get('customer')).toBe('cus_saved');
    });

    it('reports a window too large to read in full as unproven, never as absent', async () => {
      const { paymentId } = charge();
      const others = Array.from({ length: 3 }, (_, i) => intent(`pi_other_${i}`, `pay-other-${i}`));
      faults.inject({ method: 'GET', path: '/v1/payment_intents', answer: listing(others, true) });
      await expect(lookup(paymentId, {}, adapter({ lookupMaxPages: 3 }))).rejects.toBeInstanceOf(GatewayUnavailableError);
      const pages = faults.seen('GET', '/v1/payment_intents');
      expect(pages).toHaveLength(3);
      expect(pages[1]?.query.get('starting_after')).toBe('pi_other_2');
    });

    it('reports a list that gets no answer as unproven', async () => {
      faults.inject({ method: 'GET', path: '/v1/payment_intents', answer: { kind: 'hang' } });
      await expect(lookup(charge().paymentId, {}, adapter({ timeoutMs: 300 }))).rejects.toBeInstanceOf(GatewayUnavailableError);
    });
  });

  describe('a create answered with a 5xx, a 409 or nothing', () => {
    it('reads the intent back after a 500 that Stripe replays under the key, instead of retrying blindly', async () => {
      const input = charge();
      faults.inject({ method: 'POST', path: '/v1/payment_intents', times: 1, answer: { kind: 'server-error' } });
      faults.inject({ method: 'GET', path: '/v1/payment_intents', answer: listing([intent('pi_created', input.paymentId)]) });
      expect(await gateway.createPayment(input)).toMatchObject({
        status: 'succeeded',
        processorPaymentId: 'pi_created',
        amountCaptured: { amountMinor: 4200 },
      });
      // The SDK's own retry met the stored answer; the adapter then read instead of retrying again.
      expect(faults.seen('POST', '/v1/payment_intents').map((r) => r.answer)).toEqual(['server-error', 'replayed-server-error']);
      expect(faults.seen('GET', '/v1/payment_intents')).toHaveLength(1);
    });

    it('answers "unknown", never "failed", when the 500 left no intent behind', async () => {
      const input = charge();
      faults.inject({ method: 'POST', path: '/v1/payment_intents', answer: { kind: 'server-error' } });
      faults.inject({ method: 'GET', path: '/v1/payment_intents', answer: listing([]) });
      await expect(gateway.createPayment(input)).rejects.toThrow(/replay/);
      await expect(gateway.createPayment(input)).rejects.toBeInstanceOf(GatewayUnavailableError);
    });

    it('answers a 409 idempotency_key_in_use as unknown, and the same key later gets the answer', async () => {
      const input = charge();
      faults.inject({ method: 'POST', path: '/v1/payment_intents', times: 2, answer: { kind: 'key-in-use' } });
      await expect(gateway.createPayment(input)).rejects.toBeInstanceOf(GatewayUnavailableError);
      // The other request is still running: a retry with the key will tell, so nothing is read.
      expect(faults.seen('GET', '/v1/payment_intents')).toEqual([]);
      await expect(gateway.createPayment(input)).resolves.toHaveProperty('status');
      expect(new Set(faults.seen('POST', '/v1/payment_intents').map((r) => r.idempotencyKey))).toEqual(new Set([input.idempotencyKey]));
    });

    it('answers a Stripe that does not answer as unknown within its timeout', async () => {
      faults.inject({ method: 'POST', path: '/v1/payment_intents', answer: { kind: 'hang' } });
      const started = Date.now();
      await expect(adapter({ timeoutMs: 300 }).createPayment(charge())).rejects.toBeInstanceOf(GatewayUnavailableError);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe('what Stripe leaves out, and the version spoken', () => {
    it('assumes a hold lapses after 4 days 18 hours when the charge gives no capture_before', async () => {
      const input = charge('manual');
      const held = { status: 'requires_capture', amount_capturable: 4200, amount_received: 0, latest_charge: visaCharge(nowS) };
      faults.inject({ method: 'POST', path: '/v1/payment_intents', answer: reshaped({ ...intent('pi_held', input.paymentId), ...held }) });
      const outcome = await gateway.createPayment(input);
      expect(outcome).toMatchObject({ status: 'requires_capture', captureBefore: new Date((nowS + (4 * 24 + 18) * 3600) * 1000).toISOString() });
    });

    it('sends every request in the pinned API version', async () => {
      await gateway.ensureCustomer({ account, customerId: 'c-1', idempotencyKey: 'k-customer' });
      await lookup(charge().paymentId);
      expect(faults.requests.map((r) => r.stripeVersion)).toEqual([STRIPE_API_VERSION, STRIPE_API_VERSION]);
    });
  });
});
