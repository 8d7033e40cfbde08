// Goal: what the schema-aware fuzzer found stays fixed, each as the smallest request that showed it.
// Method: one embedded API over HTTP; every request is sent with an X-Request-Id, and "recorded
// nothing" means no event in the log carries that id as its correlation id.
import { IdempotencyGuard } from '@ledger/application';
import { EventStore } from '@ledger/event-store';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { codesOf, createTenantWithKey, graphql } from '../testing/graphql-client.js';
import type { GraphQLResponse, Json } from '../testing/graphql-client.js';

describe('what the fuzzer found', () => {
  let api: TestApi;
  let key: string;
  let otherCustomer: string;
  let customerId: string;
  let bookingId: string;
  let sequence = 0;

  /** Sends a request and returns its answer with the events it caused. */
  async function send(query: string, variables: Json = {}): Promise<{ answer: GraphQLResponse; recorded: string[] }> {
    const events = api.app.get(EventStore);
    const before = await events.headPosition();
    const requestId = `finding-${++sequence}`;
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-request-id': requestId },
      body: JSON.stringify({ query, variables }),
    });
    const answer = { status: response.status, ...((await response.json()) as object) } as GraphQLResponse;
    const appended = await events.readAll({ raw: true, ...(before ? { after: before } : {}) });
    return { answer, recorded: appended.filter((event) => event.metadata.correlationId === requestId).map((event) => event.type) };
  }

  beforeAll(async () => {
    api = await startTestApi();
    key = await createTenantWithKey(api, 'found');
    await graphql(api, key, 'mutation { connectStripeAccount(input: { returnUrl: "http://localhost/return" }) { state } }');
    const other = await createTenantWithKey(api, 'found-other');
    otherCustomer = (await graphql(api, other, 'mutation { registerCustomer(input: { name: "Theirs", email: "t@example.com" }) { id } }')).data!
      .registerCustomer.id as string;
    customerId = (await graphql(api, key, 'mutation { registerCustomer(input: { name: "Mine", email: "m@example.com" }) { id } }')).data!.registerCustomer
      .id as string;
    const booking = await graphql(
      api,
      key,
      `mutation { createBooking(input: { customerId: "${customerId}", description: "Gutters", amountMinor: 900, currency: "CAD", serviceDate: "2026-11-20", source: PHONE }) { booking { id } } }`,
    );
    bookingId = booking.data!.createBooking.booking.id as string;
  });
  afterAll(async () => {
    await api.close();
  });

  it('an explicit null for an optional argument means it was left out (auditTrail answered 500)', async () => {
    const { answer } = await send('{ auditTrail(afterPosition: null, stream: null, first: 5) { hasMore } }');
    expect(answer.errors).toBeUndefined();
    expect(codesOf((await send('{ auditTrail(stream: "") { hasMore } }')).answer)).toEqual(['VALIDATION_FAILED']);
  });

  it.each([
    ['sendPaymentLink', () => `mutation { sendPaymentLink(input: { customerId: "${customerId}", bookingIds: null, email: null }) { id } }`],
    [
      'chargeCustomer',
      () =>
        `mutation { chargeCustomer(input: { customerId: "${customerId}", bookingIds: null, amountMinor: null, paymentMethodToken: "pm_card_visa", idempotencyKey: "n1" }) { id } }`,
    ],
  ])('an explicit null in an optional input field of %s means it was left out (it answered 500)', async (_name, query) => {
    const { answer } = await send(query());
    expect(codesOf(answer)).not.toContain('INTERNAL_SERVER_ERROR');
    expect(answer.errors).toBeUndefined();
  });

  it('half a surrogate pair in a variable is refused as bad input (class-validator threw on it)', async () => {
    const { answer, recorded } = await send('mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', {
      i: { name: 'Ann', email: 'ann\ud800@example.com' },
    });
    expect({ status: answer.status, codes: codesOf(answer), recorded }).toEqual({ status: 400, codes: ['VALIDATION_FAILED'], recorded: [] });
  });

  it.each([
    [
      'registerCustomer',
      () =>
        'mutation { registerCustomer(input: { name: "Bea", email: "bea@example.com" }) { customerBookings: bookings(after: "xF9EHaF8") { edges { cursor } } } }',
    ],
    ['completeBooking', () => `mutation { completeBooking(bookingId: "${bookingId}") { customer { bookings(first: 500) { edges { cursor } } } } }`],
  ])('a bad page argument in the answer of %s refuses the request before the mutation runs', async (_name, query) => {
    const { answer, recorded } = await send(query());
    expect({ status: answer.status, codes: codesOf(answer), recorded }).toEqual({ status: 400, codes: ['VALIDATION_FAILED'], recorded: [] });
  });

  it.each([
    [
      'saveCard for another business',
      'f1',
      () => `mutation { saveCard(input: { customerId: "${otherCustomer}", paymentMethodToken: "pm_card_visa", idempotencyKey: "f1" }) { id } }`,
      'NOT_FOUND',
    ],
    [
      'sendPaymentLink for another business',
      'f2',
      () => `mutation { sendPaymentLink(input: { customerId: "${otherCustomer}", idempotencyKey: "f2" }) { id } }`,
      'NOT_FOUND',
    ],
    [
      'createBooking with hidden characters',
      'f3',
      () =>
        `mutation { createBooking(input: { customerId: "${customerId}", description: "a\\u202eb", amountMinor: 100, currency: "CAD", serviceDate: "2026-11-20", source: PHONE, idempotencyKey: "f3" }) { booking { id } } }`,
      'VALIDATION_FAILED',
    ],
  ])('%s with an idempotency key is refused and leaves no claim behind', async (_name, idempotencyKey, query, code) => {
    const { answer, recorded } = await send(query());
    const stream = `idempotency-${api.app.get(IdempotencyGuard).commandIdFor('found', idempotencyKey)}`;
    const claims = (await api.app.get(EventStore).readStream(stream)).map((event) => event.type);
    expect({ codes: codesOf(answer), recorded, claims }).toEqual({ codes: [code], recorded: [], claims: [] });
  });
});
