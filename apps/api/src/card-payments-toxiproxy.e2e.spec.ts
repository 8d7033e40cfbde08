// Goal: what a business on its own Stripe account gets when the connection to Stripe fails in
// the middle of a charge: the outcome is unknown, so the payment stays open (never recorded as
// failed) and the API answers PROCESSOR_UNAVAILABLE; the customer is charged once whatever
// happens next, whether the client repeats the request with its idempotency key after the link
// heals or the reconciler settles the payment; and the booking ends paid exactly once.
// Method: the API in production mode (STRIPE_SECRET_KEY, STRIPE_API_HOST/PORT/PROTOCOL) over real
// HTTP, its Stripe traffic through a real Toxiproxy to the Stripe test server keeping Stripe's
// idempotency records and charges (@ledger/testing, `keepState`) in front of stripe-mock.
// Charges are counted in the test server, behind the fault; the ledger is read from its event store
// and over GraphQL. The test server's search index lags by an hour throughout, as Stripe's can during
// incidents, so nothing here can rest on search.
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyGuard, paymentIdFor, PaymentReconciler } from '@ledger/application';
import { EventStore } from '@ledger/event-store';
import { describeWithToxiproxy, FaultyNetwork, StripeTestServer } from '@ledger/testing';
import type { FaultyLink } from '@ledger/testing';
import { readModels, seedCustomer } from './pages/testing/customer-pages.fixture.js';
import type { SeededCustomer } from './pages/testing/customer-pages.fixture.js';
import { codesOf, graphql, keyFor } from './testing/graphql-client.js';
import type { GraphQLResponse, Json } from './testing/graphql-client.js';
import { startTestApi } from './testing/test-api.js';
import type { TestApi } from './testing/test-api.js';

const stripeMockUrl = process.env.STRIPE_MOCK_URL;
/** A repeat takes over an interrupted request once its lease is over: 30 s in production, short here. */
const LEASE_MS = 500;
const TENANT = 'sparkle';

const CHARGE = `mutation Charge($input: ChargeBookingInput!) {
  chargeBooking(input: $input) { id status captured { amountMinor } }
}`;
const BOOKING = 'query Booking($id: ID!) { booking(id: $id) { paymentStatus balance { amountMinor } } }';
const PAYMENT = 'query Payment($id: ID!) { payment(id: $id) { status failureCode } }';

describeWithToxiproxy('card payments when the connection to Stripe fails (production settings, Toxiproxy)', () => {
  let network: FaultyNetwork;
  let stripe: StripeTestServer;
  let link: FaultyLink;
  let api: TestApi;
  let key: string;
  let seeded: SeededCustomer;

  beforeAll(async () => {
    if (!stripeMockUrl) throw new Error('STRIPE_MOCK_URL not set; run `bash scripts/test-services.sh start`');
    network = await FaultyNetwork.connect();
    stripe = await StripeTestServer.start({ stripeMock: stripeMockUrl, keepState: true });
    stripe.searchLagMs = 60 * 60_000;
    link = await network.proxy('stripe_api', stripe.address);
    api = await startTestApi({
      NODE_ENV: 'production',
      STRIPE_SECRET_KEY: 'sk_test_toxiproxy',
      STRIPE_WEBHOOK_SECRET: 'whsec_toxiproxy',
      STRIPE_API_HOST: link.host,
      STRIPE_API_PORT: String(link.port),
      STRIPE_API_PROTOCOL: 'http',
    });
    api.app.get(IdempotencyGuard).configure({ leaseMs: LEASE_MS });
    seeded = await seedCustomer(api.app, TENANT);
    key = await keyFor(api, TENANT, 'ADMIN');
  });
  afterEach(() => link?.heal());
  afterAll(async () => {
    await api?.close();
    await network?.removeAll();
    await stripe?.close();
  });

  const charge = (bookingId: string, idempotencyKey: string) =>
    graphql(api, key, CHARGE, { input: { bookingId, paymentMethodToken: 'pm_card_visa', idempotencyKey } });
  const paymentIdOf = (idempotencyKey: string) => paymentIdFor(api.app.get(IdempotencyGuard).commandIdFor(TENANT, idempotencyKey));
  const chargesFor = (paymentId: string) => stripe.charges.filter((made) => made.metadata.paymentId === paymentId);
  const recorded = async (paymentId: string) => (await api.app.get(EventStore).readStream(`payment-${paymentId}`)).map((event) => event.type);
  async function read(query: string, id: string): Promise<Json> {
    await readModels(api.app);
    const answer: GraphQLResponse = await graphql(api, key, query, { id });
    expect(answer.errors).toBeUndefined();
    return Object.values(answer.data!)[0] as Json;
  }

  /** What must hold while a charge's outcome is unknown: money may have moved, nothing says it failed. */
  async function expectOpen(paymentId: string, bookingId: string): Promise<void> {
    expect(await recorded(paymentId)).toEqual(['PaymentInitiated']);
    expect(await read(PAYMENT, paymentId)).toEqual({ status: 'PENDING', failureCode: null });
    expect((await read(BOOKING, bookingId)).paymentStatus).toBe('UNPAID');
  }

  /** What must hold once it is settled: one charge at Stripe, one recorded, the booking paid once. */
  async function expectChargedOnce(paymentId: string, bookingId: string): Promise<void> {
    expect(chargesFor(paymentId)).toHaveLength(1);
    const events = await recorded(paymentId);
    expect(events.filter((type) => type === 'Charged')).toHaveLength(1);
    expect(events).not.toContain('ChargeFailed');
    expect(await read(PAYMENT, paymentId)).toEqual({ status: 'SUCCEEDED', failureCode: null });
    expect(await read(BOOKING, bookingId)).toEqual({ paymentStatus: 'CHARGED_IN_FULL', balance: { amountMinor: 0 } });
  }

  it('keeps a charge whose answer was reset open, answers PROCESSOR_UNAVAILABLE, and charges once when the client repeats', async () => {
    const bookingId = seeded.bookingIds[0];
    const idempotencyKey = 'toxiproxy-reset-1';
    const paymentId = paymentIdOf(idempotencyKey);
    const reset = await link.resetPeer();
    const first = await charge(bookingId, idempotencyKey);
    expect(codesOf(first)).toEqual(['PROCESSOR_UNAVAILABLE']);
    // Stripe took the money; the ledger could not know, so it must not say "failed".
    expect(chargesFor(paymentId)).toHaveLength(1);
    await expectOpen(paymentId, bookingId);

    await reset.remove();
    await sleep(LEASE_MS + 100);
    const repeated = await charge(bookingId, idempotencyKey);
    expect(repeated.errors).toBeUndefined();
    expect(repeated.data!.chargeBooking).toEqual({ id: paymentId, status: 'SUCCEEDED', captured: { amountMinor: 12_500 } });
    await expectChargedOnce(paymentId, bookingId);
    // A third request with the key is answered from the record, without reaching Stripe.
    const creates = () => stripe.requests.filter((seen) => seen.method === 'POST' && seen.path === '/v1/payment_intents').length;
    const before = creates();
    expect((await charge(bookingId, idempotencyKey)).data!.chargeBooking).toEqual(repeated.data!.chargeBooking);
    expect(creates()).toBe(before);
  });

  it('keeps a charge open while Stripe stops answering, even through a reconciliation, and the reconciler settles it once Stripe is back', async () => {
    const bookingId = seeded.bookingIds[1];
    const idempotencyKey = 'toxiproxy-stall-1';
    const paymentId = paymentIdOf(idempotencyKey);
    // The request reaches Stripe, nothing comes back, and the connection is dropped after a second.
    const stall = await link.stall({ closeAfterMs: 1_000 });
    const first = await charge(bookingId, idempotencyKey);
    expect(codesOf(first)).toEqual(['PROCESSOR_UNAVAILABLE']);
    expect(chargesFor(paymentId)).toHaveLength(1);
    // A reconciliation that cannot reach Stripe has learnt nothing and must change nothing.
    const reconciler = api.app.get(PaymentReconciler);
    await reconciler.reconcile(0);
    await expectOpen(paymentId, bookingId);

    await stall.remove();
    const summary = await reconciler.reconcile(0);
    expect(summary).toMatchObject({ resolved: 1, abandoned: 0 });
    await expectChargedOnce(paymentId, bookingId);
  });
});
