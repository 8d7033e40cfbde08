// Goal: what a hostile-input probe found stays fixed. Documents that explode, cycle, nest, widen
// or bloat are refused with a 400 and a code before any resolver runs, the server stays
// responsive meanwhile, and malformed variables answer 400 BAD_USER_INPUT naming the variable,
// every time the same query text is sent (no cache decides the answer).
// Method: one embedded API over real HTTP, a REPORTER key (the weakest that may query), the
// shared list of hostile requests; the event log's head is compared before and after.
import { EventStore } from '@ledger/event-store';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { codesOf, createTenantWithKey, graphql, keyFor } from '../testing/graphql-client.js';
import type { GraphQLResponse } from '../testing/graphql-client.js';
import { HOSTILE_REQUESTS, explodingFragments } from '../testing/hostile-documents.js';

async function post(api: TestApi, key: string, body: unknown): Promise<GraphQLResponse> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

describe('hostile GraphQL requests', () => {
  let api: TestApi;
  let admin: string;
  let reporter: string;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await createTenantWithKey(api, 'hostile');
    reporter = await keyFor(api, 'hostile', 'REPORTER');
  });
  afterAll(async () => {
    await api.close();
  });

  it.each(HOSTILE_REQUESTS.map((request) => [request.name, request] as const))('refuses %s with a 400 and a code', async (_name, request) => {
    const before = await api.app.get(EventStore).headPosition();
    const answer = await post(api, reporter, request.body);
    expect({ status: answer.status, code: codesOf(answer)[0] }).toEqual({ status: 400, code: request.code });
    expect(JSON.stringify(answer)).not.toContain('INTERNAL_SERVER_ERROR');
    expect(await api.app.get(EventStore).headPosition()).toBe(before);
  });

  it('stays responsive while an exploding document is refused', async () => {
    const attacks = Array.from({ length: 8 }, () => post(api, reporter, { query: explodingFragments(30) }));
    const live = await fetch(`${api.url}/health/live`);
    expect(live.status).toBe(200);
    for (const answer of await Promise.all(attacks)) expect(codesOf(answer)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  describe('malformed variables answer 400 BAD_USER_INPUT naming the variable, every time', () => {
    const booking = 'query($id: ID!) { booking(id: $id) { id } }';
    const cases: [string, string, Record<string, unknown> | undefined, RegExp][] = [
      ['no variables at all', booking, undefined, /\$id/],
      ['a required variable that is null', booking, { id: null }, /\$id/],
      ['an Int given "abc"', 'query($n: Int) { bookings(first: $n) { edges { cursor } } }', { n: 'abc' }, /\$n/],
      [
        'an input without its required bookingId',
        'mutation($i: RecordOfflinePaymentInput!) { recordOfflinePayment(input: $i) { id } }',
        { i: { method: 'CASH', idempotencyKey: 'k1' } },
        /bookingId/,
      ],
      [
        'a SafeInt given a fraction',
        'mutation($a: SafeInt!) { createBooking(input: { customerId: "c", description: "x", amountMinor: $a, currency: "CAD", serviceDate: "2026-01-01", source: PHONE }) { booking { id } } }',
        { a: 1.5 },
        /\$a/,
      ],
    ];

    it.each(cases)('%s', async (_name, query, variables, named) => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = await post(api, admin, variables === undefined ? { query } : { query, variables });
        expect({ status: answer.status, codes: codesOf(answer) }).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
        expect(answer.errors![0]!.message).toMatch(named);
      }
    });

    it('the same text with good variables still answers, before and after', async () => {
      const good = await graphql(api, admin, 'query($n: Int) { bookings(first: $n) { edges { cursor } } }', { n: 5 });
      expect(good.errors).toBeUndefined();
      const bad = await graphql(api, admin, 'query($n: Int) { bookings(first: $n) { edges { cursor } } }', { n: 'abc' });
      expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
    });
  });

  it('answers bad audit positions and reserved stream names as bad input', async () => {
    for (const args of ['afterPosition: "zz"', 'stream: "$all"', 'stream: "$et-ApiKeyCreated"']) {
      const answer = await graphql(api, admin, `{ auditTrail(${args}) { hasMore } }`);
      expect([args, codesOf(answer)]).toEqual([args, ['VALIDATION_FAILED']]);
    }
  });

  describe('text that hides or disguises itself is refused and records nothing', () => {
    it.each([
      ['a NUL in a name', 'mutation { registerCustomer(input: { name: "Ada\\u0000", email: "ada@example.com" }) { id } }'],
      ['a right-to-left override in a name', 'mutation { registerCustomer(input: { name: "Ada \\u202e", email: "ada@example.com" }) { id } }'],
      ['a line break in a name', 'mutation { registerCustomer(input: { name: "Ada\\nLovelace", email: "ada@example.com" }) { id } }'],
    ])('%s', async (_what, query) => {
      const before = await api.app.get(EventStore).headPosition();
      const answer = await graphql(api, admin, query);
      expect(codesOf(answer)).toEqual(['VALIDATION_FAILED']);
      expect(answer.errors![0]!.message).toMatch(/name/);
      expect(await api.app.get(EventStore).headPosition()).toBe(before);
    });

    it('a right-to-left override in a booking description', async () => {
      const customer = await graphql(api, admin, 'mutation { registerCustomer(input: { name: "Bo", email: "bo@example.com" }) { id } }');
      const id = customer.data!.registerCustomer.id as string;
      const answer = await graphql(
        api,
        admin,
        `mutation { createBooking(input: { customerId: "${id}", description: "Clean \\u202eabc", amountMinor: 100, currency: "CAD", serviceDate: "2026-11-20", source: PHONE }) { booking { id } } }`,
      );
      expect(codesOf(answer)).toEqual(['VALIDATION_FAILED']);
    });
  });

  it('refuses a report day that does not exist', async () => {
    for (const query of ['{ receivables(asOf: "2026-02-30") { asOf } }', '{ collectionsReport(from: "2026-02-29", to: "2026-03-01") { totals { count } } }']) {
      expect([query, codesOf(await graphql(api, reporter, query))]).toEqual([query, ['VALIDATION_FAILED']]);
    }
  });

  it('money mutations refused before they begin leave nothing in the log', async () => {
    const run = async (query: string) => (await graphql(api, admin, query)).data!;
    await run('mutation { connectStripeAccount(input: { returnUrl: "http://localhost/s" }) { state } }');
    const customerId = (await run('mutation { registerCustomer(input: { name: "Cy", email: "cy@example.com" }) { id } }')).registerCustomer.id as string;
    const booking = await run(
      `mutation { createBooking(input: { customerId: "${customerId}", description: "Windows", amountMinor: 5000, currency: "CAD", serviceDate: "2026-11-20", source: PHONE }) { booking { id } } }`,
    );
    const bookingId = booking.createBooking.booking.id as string;
    const cash = await run(`mutation { recordOfflinePayment(input: { bookingId: "${bookingId}", amountMinor: 1000, method: CASH, idempotencyKey: "cash-1" }) { id } }`);
    const cashId = cash.recordOfflinePayment.id as string;
    const refused = [
      ['an unknown booking', `mutation { chargeBooking(input: { bookingId: "no-such-booking", paymentMethodToken: "pm_card_visa", idempotencyKey: "r1" }) { id } }`, 'NOT_FOUND'],
      ['more than is owed', `mutation { chargeBooking(input: { bookingId: "${bookingId}", amountMinor: 999999, paymentMethodToken: "pm_card_visa", idempotencyKey: "r2" }) { id } }`, 'AMOUNT_EXCEEDS_BALANCE'],
      ['a card not on file', `mutation { chargeBooking(input: { bookingId: "${bookingId}", cardId: "no-such-card", idempotencyKey: "r3" }) { id } }`, 'CARD_NOT_FOUND'],
      ['cash beyond the balance', `mutation { recordOfflinePayment(input: { bookingId: "${bookingId}", amountMinor: 999999, method: CASH, idempotencyKey: "r4" }) { id } }`, 'AMOUNT_EXCEEDS_BALANCE'],
      ['a capture of cash', `mutation { capturePayment(input: { paymentId: "${cashId}", idempotencyKey: "r5" }) { id } }`, 'INVALID_STATE'],
      ['a refund beyond what was paid', `mutation { refundPayment(input: { paymentId: "${cashId}", amountMinor: 5000, idempotencyKey: "r6" }) { id } }`, 'AMOUNT_EXCEEDS_REFUNDABLE'],
      ['a customer charge with nothing named', `mutation { chargeCustomer(input: { customerId: "no-such-customer", paymentMethodToken: "pm_card_visa", idempotencyKey: "r7" }) { id } }`, 'NOT_FOUND'],
    ] as const;
    for (const [what, query, code] of refused) {
      const before = await api.app.get(EventStore).headPosition();
      expect([what, codesOf(await graphql(api, admin, query))]).toEqual([what, [code]]);
      expect([what, await api.app.get(EventStore).headPosition()]).toEqual([what, before]);
    }
  });
});
