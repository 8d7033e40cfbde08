// Goal: show that every request the Stripe adapter makes is one Stripe accepts, and that every
// answer maps onto the port's types; and that the adapter always sends the idempotency key and,
// for a connected tenant, the account, in the pinned API version.
// Method: the shared contract's shape part against stripe-mock, which validates each request
// against Stripe's OpenAPI spec but answers with fixed fixtures; so nothing here asserts what a
// payment did (that is the stateful contract, run against the sandbox, plus the mapping unit
// spec). What goes over the wire is read by a small recording proxy in front of stripe-mock.
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { paymentGatewayContract } from '../contract/payment-gateway.contract.js';
import { GatewayUnavailableError } from '../payment-gateway.errors.js';
import { STRIPE_API_VERSION } from './stripe-api-version.js';
import {
  StripePaymentGateway,
  type StripePaymentGatewayOptions,
  type StripeRequestRecord,
} from './stripe-payment-gateway.adapter.js';

const mockUrl = process.env.STRIPE_MOCK_URL;
const mock: StripePaymentGatewayOptions | undefined = mockUrl
  ? {
      secretKey: 'sk_test_123',
      host: process.env.STRIPE_MOCK_HOST ?? new URL(mockUrl).hostname,
      port: Number(process.env.STRIPE_MOCK_PORT ?? new URL(mockUrl).port),
      protocol: 'http',
      maxNetworkRetries: 0,
    }
  : undefined;

paymentGatewayContract(
  'Stripe (stripe-mock)',
  mock && {
    capabilities: { stateful: false, controllableClock: false },
    open: () => Promise.resolve({ gateway: new StripePaymentGateway(mock) }),
    close: () => Promise.resolve(),
  },
  'STRIPE_MOCK_URL not set (run `bash scripts/test-services.sh start` and eval its `env`)',
);

if (!mock) {
  describe('StripePaymentGateway requests', () => {
    // Skipped on purpose: these need stripe-mock, which this run was not given.
    it.skip('skipped: STRIPE_MOCK_URL not set', () => undefined);
  });
} else {
  describe('StripePaymentGateway requests', () => {
    const connected = { accountId: 'acct_1TenantConnected' };
    let proxy: RecordingProxy;
    let observed: StripeRequestRecord[];
    let gateway: StripePaymentGateway;

    beforeEach(async () => {
      proxy = await recordingProxy(mock.host ?? '127.0.0.1', mock.port ?? 12111);
      observed = [];
      gateway = new StripePaymentGateway({ ...mock, port: proxy.port, onRequest: (request) => observed.push(request) });
    });

    afterEach(() => proxy.close());

    it('sends the idempotency key and the connected account with every request of a connected tenant', async () => {
      const { processorCustomerId } = await gateway.ensureCustomer({
        account: connected,
        customerId: 'c-1',
        idempotencyKey: 'k-customer',
      });
      await gateway.saveCard({
        account: connected,
        processorCustomerId,
        paymentMethodToken: 'pm_card_visa',
        idempotencyKey: 'k-save',
      });
      const outcome = await gateway.createPayment({
        account: connected,
        amount: { amountMinor: 1000, currency: 'CAD' },
        capture: 'manual',
        source: { kind: 'saved', processorCustomerId, processorPaymentMethodId: 'pm_card_visa' },
        idempotencyKey: 'k-pay',
      });
      const processorPaymentId = outcome.processorPaymentId ?? 'pi_missing';
      await gateway.capturePayment({
        account: connected,
        processorPaymentId,
        amountMinor: 500,
        idempotencyKey: 'k-capture',
      });
      await gateway.cancelPayment({ account: connected, processorPaymentId, idempotencyKey: 'k-cancel' });
      await gateway.refund({ account: connected, processorPaymentId, amountMinor: 100, idempotencyKey: 'k-refund' });
      await gateway.removeCard({
        account: connected,
        processorPaymentMethodId: 'pm_card_visa',
        idempotencyKey: 'k-remove',
      });

      const posts = proxy.requests.filter((r) => r.method === 'POST');
      expect(posts.map((r) => r.idempotencyKey)).toEqual([
        'k-customer',
        'k-save',
        'k-pay',
        'k-capture',
        'k-cancel',
        'k-refund',
        'k-remove',
      ]);
      expect(proxy.requests.every((r) => r.account === connected.accountId)).toBe(true);
      expect(observed).toEqual(proxy.requests);
    });

    it('asks for a payment again with a consistent list on the connected account, without an idempotency key', async () => {
      const createdSince = '2026-11-22T10:00:00.000Z';
      const outcome = await gateway.lookupPayment({ account: connected, paymentId: 'pay-7', tenant: 't-1', createdSince, idempotencyKey: 'k-pay' });
      // stripe-mock validates the request against Stripe's spec and lists fixture intents, none of
      // which carries this payment's metadata: the whole window was read, so that is a proof.
      expect(outcome).toBeUndefined();
      expect(proxy.requests).toEqual([{ method: 'GET', path: '/v1/payment_intents', account: connected.accountId }]);
      const sent = new URL(proxy.urls[0] ?? '', 'http://proxy').searchParams;
      // The window starts ten minutes before the intent was recorded, for clock skew.
      expect(sent.get('created[gte]')).toBe(String(Date.parse(createdSince) / 1000 - 600));
      expect(sent.get('limit')).toBe('100');
      expect([sent.get('expand[0]'), sent.get('expand[1]')]).toEqual(['data.latest_charge', 'data.payment_method']);
      expect(observed).toEqual(proxy.requests);
    });

    it('speaks the pinned API version on every request', async () => {
      await gateway.ensureCustomer({ account: {}, customerId: 'c-1', idempotencyKey: 'k-version' });
      expect(proxy.versions).toEqual([STRIPE_API_VERSION]);
    });

    it('makes Connect onboarding requests as the platform, each with its own derived key', async () => {
      await gateway.startConnectOnboarding({
        tenantId: 'tenant-1',
        returnUrl: 'https://ledger.example.com/return',
        refreshUrl: 'https://ledger.example.com/refresh',
        idempotencyKey: 'k-connect',
      });
      expect(proxy.requests).toEqual([
        { method: 'POST', path: '/v1/accounts', idempotencyKey: 'k-connect:account' },
        { method: 'POST', path: '/v1/account_links', idempotencyKey: 'k-connect:account-link' },
      ]);
      expect(observed).toEqual(proxy.requests);
    });

    it('reports an unreachable Stripe as GatewayUnavailableError, which is retryable', async () => {
      const port = await closedPort();
      const unreachable = new StripePaymentGateway({ ...mock, port, maxNetworkRetries: 0 });
      const attempt = unreachable.ensureCustomer({ account: {}, customerId: 'c-1', idempotencyKey: 'k-down' });
      await expect(attempt).rejects.toBeInstanceOf(GatewayUnavailableError);
      await expect(attempt).rejects.toMatchObject({ retryable: true });
    });
  });
}

interface RecordingProxy {
  readonly port: number;
  /** What went over the wire, read from the HTTP headers themselves rather than from the SDK. */
  readonly requests: StripeRequestRecord[];
  /** Each request's path with its query string, in the same order. */
  readonly urls: string[];
  /** Each request's Stripe-Version header, in the same order. */
  readonly versions: string[];
  close(): Promise<void>;
}

/** An HTTP proxy in front of stripe-mock that records each request's method, path and headers. */
function recordingProxy(targetHost: string, targetPort: number): Promise<RecordingProxy> {
  const requests: StripeRequestRecord[] = [];
  const urls: string[] = [];
  const versions: string[] = [];
  const server = createHttpServer((incoming, outgoing) => {
    const header = (name: string): string | undefined => incoming.headers[name] as string | undefined;
    versions.push(header('stripe-version') ?? '');
    const account = header('stripe-account');
    const idempotencyKey = header('idempotency-key');
    urls.push(incoming.url ?? '/');
    requests.push({
      method: incoming.method ?? '',
      path: new URL(incoming.url ?? '/', 'http://proxy').pathname,
      ...(account ? { account } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
    const forward = httpRequest(
      { host: targetHost, port: targetPort, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ port, requests, urls, versions, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

/** A local port with nothing listening on it: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
