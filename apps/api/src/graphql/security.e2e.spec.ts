// Goal: a key of one business can never read or change another business's data, whatever
// operation it calls; roles limit what a key may do; requests without a valid key, too deep,
// too costly, batched or too large are refused with clear codes.
// Method: two tenants on one embedded API over real HTTP. Tenant A has an ADMIN key, a customer,
// a card, a booking, a hold, a charge and a link; tenant B's ADMIN key calls every query and
// mutation of the schema with A's ids. The test fails if the schema gains an operation it does
// not try. (The roles of the key operations are tried in api-keys.e2e.spec.ts.)
import { CommandBus } from '@nestjs/cqrs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { RevokeApiKeyCommand } from '@ledger/application';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { codesOf, createTenantWithKey, graphql, keyFor } from '../testing/graphql-client.js';
import type { GraphQLResponse, Json } from '../testing/graphql-client.js';

interface TenantA {
  customerId: string;
  cardId: string;
  bookingId: string;
  holdId: string;
  chargeId: string;
  linkId: string;
  adminKeyId: string;
}

async function seedTenantA(api: TestApi, key: string): Promise<TenantA> {
  const run = async (query: string, variables: Json = {}): Promise<Json> => {
    const res = await graphql(api, key, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
  await run('mutation { connectStripeAccount(input: { returnUrl: "http://localhost/s" }) { state } }');
  const customerId = (await run('mutation { registerCustomer(input: { name: "Ada", email: "ada@example.com" }) { id } }')).registerCustomer.id as string;
  const cardId = (await run('mutation($c: ID!) { saveCard(input: { customerId: $c, paymentMethodToken: "pm_card_visa" }) { id } }', { c: customerId })).saveCard
    .id as string;
  const booking = async (amount: number) =>
    (
      await run(
        'mutation($c: ID!, $a: SafeInt!) { createBooking(input: { customerId: $c, description: "Clean", amountMinor: $a, currency: "CAD", serviceDate: "2026-11-20", source: PHONE }) { booking { id } } }',
        { c: customerId, a: amount },
      )
    ).createBooking.booking.id as string;
  const bookingId = await booking(10_000);
  const holdBooking = await booking(5_000);
  const holdId = (
    await run('mutation($b: ID!, $k: ID!) { authorizePayment(input: { bookingId: $b, cardId: $k, idempotencyKey: "h1" }) { id } }', {
      b: holdBooking,
      k: cardId,
    })
  ).authorizePayment.id as string;
  const chargeId = (
    await run('mutation($b: ID!, $k: ID!) { chargeBooking(input: { bookingId: $b, cardId: $k, amountMinor: 2000, idempotencyKey: "c1" }) { id } }', {
      b: bookingId,
      k: cardId,
    })
  ).chargeBooking.id as string;
  const linkId = (await run('mutation($c: ID!) { sendPaymentLink(input: { customerId: $c }) { id } }', { c: customerId })).sendPaymentLink.id as string;
  return { customerId, cardId, bookingId, holdId, chargeId, linkId, adminKeyId: key.split('_')[1]! };
}

/** Every operation, called by tenant B with tenant A's ids, and what B must see. */
function crossTenantCalls(a: TenantA): Record<string, { query: string; expect: (res: GraphQLResponse) => void }> {
  const notFound = (res: GraphQLResponse) => expect(codesOf(res)).toEqual([expect.stringMatching(/^(NOT_FOUND|CARD_NOT_FOUND)$/)]);
  const empty = (path: string) => (res: GraphQLResponse) => {
    expect(res.errors).toBeUndefined();
    expect(res.data![path].edges).toEqual([]);
  };
  return {
    booking: { query: `{ booking(id: "${a.bookingId}") { id } }`, expect: notFound },
    bookings: { query: `{ bookings(filter: { customerId: "${a.customerId}" }) { edges { node { id } } } }`, expect: empty('bookings') },
    customer: { query: `{ customer(id: "${a.customerId}") { id } }`, expect: notFound },
    customers: { query: '{ customers { edges { node { id } } } }', expect: empty('customers') },
    payment: { query: `{ payment(id: "${a.chargeId}") { id } }`, expect: notFound },
    payments: { query: `{ payments(filter: { bookingId: "${a.bookingId}" }) { edges { node { id } } } }`, expect: empty('payments') },
    paymentLink: { query: `{ paymentLink(id: "${a.linkId}") { id } }`, expect: notFound },
    paymentSettings: {
      query: '{ paymentSettings { businessName } }',
      expect: (res) => expect(res.data!.paymentSettings.businessName).toBe('tenant-b services'),
    },
    collectionsReport: {
      query: '{ collectionsReport(from: "2026-01-01", to: "2026-12-31") { rows { count } totals { count } } }',
      expect: (res) => expect(res.data!.collectionsReport).toEqual({ rows: [], totals: { count: 0 } }),
    },
    receivables: { query: '{ receivables(asOf: "2027-01-01") { rows { customerId } } }', expect: (res) => expect(res.data!.receivables.rows).toEqual([]) },
    auditTrail: {
      query: `{ stream: auditTrail(stream: "booking-${a.bookingId}") { events { type } } all: auditTrail { events { stream } } }`,
      expect: (res) => {
        expect(res.data!.stream.events).toEqual([]);
        expect((res.data!.all.events as { stream: string }[]).every((e) => !e.stream.includes(a.bookingId))).toBe(true);
      },
    },
    registerCustomer: {
      query: 'mutation { registerCustomer(input: { name: "B customer", email: "b@example.com" }) { id } }',
      expect: (res) => expect(res.data!.registerCustomer.id).not.toBe(a.customerId),
    },
    createBooking: {
      query: `mutation { createBooking(input: { customerId: "${a.customerId}", description: "x", amountMinor: 100, currency: "CAD", serviceDate: "2026-11-20", source: PHONE }) { booking { id } } }`,
      expect: notFound,
    },
    completeBooking: { query: `mutation { completeBooking(bookingId: "${a.bookingId}") { id } }`, expect: notFound },
    cancelBooking: { query: `mutation { cancelBooking(bookingId: "${a.bookingId}", reason: "x") { id } }`, expect: notFound },
    saveCard: { query: `mutation { saveCard(input: { customerId: "${a.customerId}", paymentMethodToken: "pm_card_visa" }) { id } }`, expect: notFound },
    removeCard: { query: `mutation { removeCard(cardId: "${a.cardId}") { cardId } }`, expect: notFound },
    authorizePayment: {
      query: `mutation { authorizePayment(input: { bookingId: "${a.bookingId}", paymentMethodToken: "pm_card_visa", idempotencyKey: "x1" }) { id } }`,
      expect: notFound,
    },
    capturePayment: { query: `mutation { capturePayment(input: { paymentId: "${a.holdId}", idempotencyKey: "x2" }) { id } }`, expect: notFound },
    releaseAuthorization: { query: `mutation { releaseAuthorization(paymentId: "${a.holdId}") { id } }`, expect: notFound },
    chargeBooking: {
      query: `mutation { chargeBooking(input: { bookingId: "${a.bookingId}", paymentMethodToken: "pm_card_visa", idempotencyKey: "x3" }) { id } }`,
      expect: notFound,
    },
    chargeCustomer: {
      query: `mutation { chargeCustomer(input: { customerId: "${a.customerId}", paymentMethodToken: "pm_card_visa", idempotencyKey: "x4" }) { id } }`,
      expect: notFound,
    },
    recordOfflinePayment: {
      query: `mutation { recordOfflinePayment(input: { bookingId: "${a.bookingId}", method: CASH, idempotencyKey: "x5" }) { id } }`,
      expect: notFound,
    },
    refundPayment: { query: `mutation { refundPayment(input: { paymentId: "${a.chargeId}", idempotencyKey: "x6" }) { id } }`, expect: notFound },
    sendPaymentLink: { query: `mutation { sendPaymentLink(input: { customerId: "${a.customerId}" }) { id } }`, expect: notFound },
    cancelPaymentLink: { query: `mutation { cancelPaymentLink(linkId: "${a.linkId}") { id } }`, expect: notFound },
    requestCard: { query: `mutation { requestCard(input: { customerId: "${a.customerId}" }) { id } }`, expect: notFound },
    updatePaymentSettings: {
      query:
        'mutation { updatePaymentSettings(input: { chargeTiming: PRE_AUTHORIZE, notifyAdminsOnLinkPayment: false, offlineMethods: [CASH] }) { chargeTiming } }',
      expect: (res) => expect(res.data!.updatePaymentSettings.chargeTiming).toBe('PRE_AUTHORIZE'),
    },
    connectStripeAccount: {
      query: 'mutation { connectStripeAccount(input: { returnUrl: "http://localhost/b" }) { state } }',
      expect: (res) => expect(res.errors).toBeUndefined(),
    },
    apiKeys: {
      query: '{ apiKeys(first: 100) { edges { node { id } } } }',
      expect: (res) => {
        const ids = (res.data!.apiKeys.edges as { node: { id: string } }[]).map((edge) => edge.node.id);
        expect(ids.length).toBeGreaterThan(0);
        expect(ids).not.toContain(a.adminKeyId);
      },
    },
    revokeApiKey: { query: `mutation { revokeApiKey(keyId: "${a.adminKeyId}") { id } }`, expect: notFound },
  };
}

describe('GraphQL security', () => {
  let api: TestApi;
  let keyA: string;
  let keyB: string;
  let a: TenantA;

  beforeAll(async () => {
    api = await startTestApi();
    keyA = await createTenantWithKey(api, 'tenant-a');
    keyB = await createTenantWithKey(api, 'tenant-b');
    await graphql(api, keyB, 'mutation { connectStripeAccount(input: { returnUrl: "http://localhost/b" }) { state } }');
    a = await seedTenantA(api, keyA);
  });
  afterAll(async () => {
    await api.close();
  });

  it("keeps every operation of tenant B away from tenant A's data", async () => {
    const calls = crossTenantCalls(a);
    const schema = api.app.get(GraphQLSchemaHost).schema;
    const operations = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    expect(Object.keys(calls).sort()).toEqual(operations.sort());
    for (const [name, call] of Object.entries(calls)) {
      const res = await graphql(api, keyB, call.query);
      try {
        call.expect(res);
      } catch (error) {
        throw new Error(`${name}: ${JSON.stringify(res)}\n${String(error)}`, { cause: error });
      }
    }
    // Tenant A's data is as it was.
    const after = await graphql(
      api,
      keyA,
      `{ booking(id: "${a.bookingId}") { status paid { amountMinor } } customer(id: "${a.customerId}") { cards { id } } paymentSettings { chargeTiming } }`,
    );
    expect(after.data).toEqual({
      booking: { status: 'OPEN', paid: { amountMinor: 2_000 } },
      customer: { cards: [{ id: a.cardId }] },
      paymentSettings: { chargeTiming: 'MANUAL' },
    });
  });

  it('refuses requests without a key, with an unknown key, or with a revoked key', async () => {
    const none = await graphql(api, undefined, '{ paymentSettings { currency } }');
    expect(none.status).toBe(401);
    expect(codesOf(none)).toEqual(['UNAUTHENTICATED']);
    const wrong = await graphql(api, `lk_0123456789abcdef_${'x'.repeat(43)}`, '{ paymentSettings { currency } }');
    expect(codesOf(wrong)).toEqual(['UNAUTHENTICATED']);
    const doomed = await keyFor(api, 'tenant-a', 'STAFF');
    expect((await graphql(api, doomed, '{ paymentSettings { currency } }')).errors).toBeUndefined();
    await api.app.get(CommandBus).execute(new RevokeApiKeyCommand({ tenantId: 'tenant-a', keyId: doomed.split('_')[1]! }));
    expect(codesOf(await graphql(api, doomed, '{ paymentSettings { currency } }'))).toEqual(['UNAUTHENTICATED']);
  });

  it('lets each role do only its part', async () => {
    const reporter = await keyFor(api, 'tenant-a', 'REPORTER');
    const auditor = await keyFor(api, 'tenant-a', 'AUDITOR');
    const staff = await keyFor(api, 'tenant-a', 'STAFF');
    expect(codesOf(await graphql(api, reporter, `{ booking(id: "${a.bookingId}") { id } }`))).toEqual(['FORBIDDEN']);
    expect((await graphql(api, reporter, '{ receivables { totals { outstandingMinor } } }')).errors).toBeUndefined();
    expect((await graphql(api, auditor, `{ auditTrail(stream: "booking-${a.bookingId}") { events { type } } }`)).data!.auditTrail.events[0]).toEqual({
      type: 'BookingCreated',
    });
    expect(codesOf(await graphql(api, auditor, `mutation { completeBooking(bookingId: "${a.bookingId}") { id } }`))).toEqual(['FORBIDDEN']);
    expect(codesOf(await graphql(api, staff, `mutation { refundPayment(input: { paymentId: "${a.chargeId}", idempotencyKey: "r" }) { id } }`))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codesOf(await graphql(api, staff, '{ auditTrail { events { type } } }'))).toEqual(['FORBIDDEN']);
    expect((await graphql(api, staff, '{ paymentSettings { stripeAccountId } }')).data!.paymentSettings.stripeAccountId).toBeNull();
    expect((await graphql(api, keyA, '{ paymentSettings { stripeAccountId } }')).data!.paymentSettings.stripeAccountId).toMatch(/^acct_/);
  });

  it('validates input and names the fields at fault', async () => {
    const res = await graphql(api, keyA, 'mutation { registerCustomer(input: { name: "", email: "not-an-email" }) { id } }');
    expect(codesOf(res)).toEqual(['VALIDATION_FAILED']);
    expect(JSON.stringify(res.errors![0]!.extensions)).toContain('email');
    const card = await graphql(
      api,
      keyA,
      `mutation { chargeBooking(input: { bookingId: "${a.bookingId}", paymentMethodToken: "4242424242424242", idempotencyKey: "v" }) { id } }`,
    );
    expect(codesOf(card)).toEqual(['VALIDATION_FAILED']);
    const tooBig = await graphql(
      api,
      keyA,
      `mutation { recordOfflinePayment(input: { bookingId: "${a.bookingId}", method: CASH, amountMinor: 9007199254740993, idempotencyKey: "v2" }) { id } }`,
    );
    expect(codesOf(tooBig)).toEqual(['VALIDATION_FAILED']);
  });

  it('refuses queries that are too deep or too costly, batches, and oversized bodies', async () => {
    const deep = await graphql(
      api,
      keyA,
      `{ booking(id: "${a.bookingId}") { customer { bookings { edges { node { customer { bookings { edges { node { id } } } } } } } } } }`,
    );
    expect(codesOf(deep)).toEqual(['QUERY_TOO_COMPLEX']);
    const costly = await graphql(api, keyA, '{ customers(first: 100) { edges { node { bookings(first: 100) { edges { node { id } } } } } } }');
    expect(codesOf(costly)).toEqual(['QUERY_TOO_COMPLEX']);
    // The same query text costs what its page-size variables ask for, request by request.
    const paged = 'query($n: Int) { customers(first: $n) { edges { node { bookings(first: 100) { edges { node { id } } } } } } }';
    expect((await graphql(api, keyA, paged, { n: 1 })).errors).toBeUndefined();
    expect(codesOf(await graphql(api, keyA, paged, { n: 100 }))).toEqual(['QUERY_TOO_COMPLEX']);
    expect((await graphql(api, keyA, paged, { n: 2 })).errors).toBeUndefined();
    const batch = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keyA}` },
      body: JSON.stringify([{ query: '{ paymentSettings { currency } }' }, { query: '{ paymentSettings { currency } }' }]),
    });
    expect(batch.status).toBe(400);
    const huge = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keyA}` },
      body: JSON.stringify({ query: `{ paymentSettings { currency } } # ${'x'.repeat(300_000)}` }),
    });
    expect(huge.status).toBe(413);
  });

  it('serves an IDE whose scripts come from this server, not a CDN', async () => {
    const page = await fetch(`${api.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/graphql-ide/graphiql.js');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css', 'start.js']) {
      const res = await fetch(`${api.url}/graphql-ide/${asset}`);
      await res.arrayBuffer();
      expect([asset, res.status]).toEqual([asset, 200]);
    }
    expect((await fetch(`${api.url}/graphql-ide/..%2Fpackage.json`)).status).toBe(404);
  });
});

// Production settings need a real processor; stripe-mock stands in for Stripe here.
const describeWithStripeMock = process.env.STRIPE_MOCK_HOST ? describe : describe.skip;

describeWithStripeMock('GraphQL in production', () => {
  let api: TestApi;
  let key: string;
  beforeAll(async () => {
    api = await startTestApi({
      NODE_ENV: 'production',
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_test',
      STRIPE_API_HOST: process.env.STRIPE_MOCK_HOST,
      STRIPE_API_PORT: process.env.STRIPE_MOCK_PORT,
      STRIPE_API_PROTOCOL: 'http',
    });
    key = await createTenantWithKey(api, 'prod');
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers no introspection, serves no IDE, and leaks no stack trace', async () => {
    const introspection = await graphql(api, key, '{ __schema { types { name } } }');
    expect(codesOf(introspection)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const ide = await fetch(`${api.url}/graphql-ide/graphiql.js`);
    await ide.arrayBuffer();
    expect(ide.status).toBe(404);
    const page = await fetch(`${api.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('graphiql');
    const bad = await graphql(api, key, '{ booking(id: "x") { id } }');
    expect(JSON.stringify(bad)).not.toMatch(/stacktrace|\.ts:\d+|at \w+ \(/);
    expect(codesOf(bad)).toEqual(['NOT_FOUND']);
  });
});
