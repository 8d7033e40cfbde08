// Goal: a business uses the ledger through GraphQL over HTTP with an API key: customers,
// bookings, charges of every kind, cash, refunds, and the balances, history and reports that
// follow, each mutation answering with the state it produced.
// Method: the embedded API on a temp data dir, real HTTP requests, the sandbox processor.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { codesOf, createTenantWithKey, graphql } from '../testing/graphql-client.js';
import type { Json } from '../testing/graphql-client.js';

const MONEY = 'amountMinor currency';
const BOOKING = `id description serviceDate status paymentStatus total { ${MONEY} } paid { ${MONEY} } authorized { ${MONEY} } refunded { ${MONEY} } balance { ${MONEY} } customer { id name } payments { id method status amount { ${MONEY} } captured { ${MONEY} } }`;
const PAYMENT = `id method status amount { ${MONEY} } captured { ${MONEY} } refunded { ${MONEY} } card { brand last4 } reference failureCode bookings { id paymentStatus balance { ${MONEY} } }`;

describe('GraphQL API: the dashboard flows', () => {
  let api: TestApi;
  let key: string;

  beforeAll(async () => {
    api = await startTestApi();
    key = await createTenantWithKey(api, 'sparkle');
    const connected = await graphql(api, key, 'mutation { connectStripeAccount(input: { returnUrl: "http://localhost/settings" }) { onboardingUrl state } }');
    expect(connected.data!.connectStripeAccount).toMatchObject({
      state: 'ACTIVE',
    });
  });
  afterAll(async () => {
    await api.close();
  });

  async function customer(name = 'Ada Lovelace'): Promise<string> {
    const res = await graphql(api, key, 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id name email cards { id } } }', {
      i: { name, email: 'ada@example.com', phone: '+1 416 555 0100' },
    });
    expect(res.errors).toBeUndefined();
    return res.data!.registerCustomer.id as string;
  }

  async function booking(customerId: string, amountMinor: number, extra: Record<string, unknown> = {}): Promise<Json> {
    const res = await graphql(
      api,
      key,
      `mutation($i: CreateBookingInput!) { createBooking(input: $i) { booking { ${BOOKING} } payment { ${PAYMENT} } savedCardId cardError { code } } }`,
      {
        i: {
          customerId,
          description: 'Deep clean',
          amountMinor,
          currency: 'CAD',
          serviceDate: '2026-11-20',
          source: 'PHONE',
          ...extra,
        },
      },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.createBooking as Json;
  }

  it('creates a customer and a booking, and reads the booking back with its balance', async () => {
    const customerId = await customer();
    const created = await booking(customerId, 12_500);
    expect(created.booking).toMatchObject({
      paymentStatus: 'UNPAID',
      balance: { amountMinor: 12_500, currency: 'CAD' },
      customer: { id: customerId },
    });
    const read = await graphql(api, key, `query($id: ID!) { booking(id: $id) { ${BOOKING} } }`, { id: created.booking.id });
    expect(read.data!.booking).toEqual(created.booking);
  });

  it('charges a new card saved on file, then the card on file, and a one-time card that is not kept', async () => {
    const customerId = await customer();
    const first = await booking(customerId, 10_000);
    const charged = await graphql(api, key, `mutation($i: ChargeBookingInput!) { chargeBooking(input: $i) { ${PAYMENT} } }`, {
      i: {
        bookingId: first.booking.id,
        paymentMethodToken: 'pm_card_visa',
        saveCard: true,
        idempotencyKey: 'charge-new-1',
      },
    });
    expect(charged.errors).toBeUndefined();
    expect(charged.data!.chargeBooking).toMatchObject({
      method: 'NEW_CARD',
      status: 'SUCCEEDED',
      captured: { amountMinor: 10_000 },
      card: { last4: '4242' },
      bookings: [{ paymentStatus: 'CHARGED_IN_FULL', balance: { amountMinor: 0 } }],
    });

    const profile = await graphql(api, key, 'query($id: ID!) { customer(id: $id) { cards { id brand last4 expMonth expYear } balance { amountMinor } } }', {
      id: customerId,
    });
    const [card] = profile.data!.customer.cards as { id: string }[];
    expect(card).toMatchObject({ last4: '4242' });

    const second = await booking(customerId, 4_000);
    const onFile = await graphql(api, key, `mutation($i: ChargeBookingInput!) { chargeBooking(input: $i) { ${PAYMENT} } }`, {
      i: {
        bookingId: second.booking.id,
        cardId: card!.id,
        idempotencyKey: 'charge-file-1',
      },
    });
    expect(onFile.data!.chargeBooking).toMatchObject({
      method: 'CARD_ON_FILE',
      status: 'SUCCEEDED',
    });

    const third = await booking(customerId, 3_000);
    const oneTime = await graphql(api, key, `mutation($i: ChargeBookingInput!) { chargeBooking(input: $i) { ${PAYMENT} } }`, {
      i: {
        bookingId: third.booking.id,
        paymentMethodToken: 'pm_card_mastercard',
        idempotencyKey: 'charge-once-1',
      },
    });
    expect(oneTime.data!.chargeBooking).toMatchObject({
      method: 'ONE_TIME_CARD',
      status: 'SUCCEEDED',
      card: { last4: '4444' },
    });
    const after = await graphql(api, key, 'query($id: ID!) { customer(id: $id) { cards { last4 } balance { amountMinor } } }', { id: customerId });
    expect(after.data!.customer).toEqual({
      cards: [{ last4: '4242' }],
      balance: { amountMinor: 0 },
    });
  });

  it('answers a repeated charge with the first result, and refuses the key with other input', async () => {
    const customerId = await customer();
    const b = await booking(customerId, 5_000);
    const input = {
      bookingId: b.booking.id,
      paymentMethodToken: 'pm_card_visa',
      idempotencyKey: 'same-key',
    };
    const query = `mutation($i: ChargeBookingInput!) { chargeBooking(input: $i) { id status } }`;
    const [one, two] = await Promise.all([graphql(api, key, query, { i: input }), graphql(api, key, query, { i: input })]);
    const ok = [one, two].filter((r) => !r.errors);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    const again = await graphql(api, key, query, { i: input });
    expect(again.data!.chargeBooking.id).toBe(ok[0]!.data!.chargeBooking.id);
    const other = await graphql(api, key, query, {
      i: { ...input, amountMinor: 100 },
    });
    expect(codesOf(other)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    const payments = await graphql(api, key, 'query($b: ID!) { payments(filter: { bookingId: $b }) { edges { node { id status } } } }', { b: b.booking.id });
    expect(payments.data!.payments.edges).toHaveLength(1);
  });

  it('reports a decline with CARD_DECLINED and records the failed attempt in the history', async () => {
    const customerId = await customer();
    const b = await booking(customerId, 2_000);
    const declined = await graphql(
      api,
      key,
      `
        mutation ($i: ChargeBookingInput!) {
          chargeBooking(input: $i) {
            id
          }
        }
      `,
      {
        i: {
          bookingId: b.booking.id,
          paymentMethodToken: 'pm_card_chargeDeclined',
          idempotencyKey: 'decline-1',
        },
      },
    );
    expect(codesOf(declined)).toEqual(['CARD_DECLINED']);
    const history = await graphql(
      api,
      key,
      `
        query ($c: ID!) {
          payments(filter: { customerId: $c }) {
            edges {
              node {
                status
                failureCode
              }
            }
          }
        }
      `,
      { c: customerId },
    );
    expect(history.data!.payments.edges).toEqual([{ node: { status: 'FAILED', failureCode: 'card_declined' } }]);
  });

  it('records cash, refunds part of it, and shows both in the collections report', async () => {
    const customerId = await customer();
    const b = await booking(customerId, 8_000);
    const cash = await graphql(api, key, `mutation($i: RecordOfflinePaymentInput!) { recordOfflinePayment(input: $i) { ${PAYMENT} } }`, {
      i: {
        bookingId: b.booking.id,
        method: 'CASH',
        amountMinor: 8_000,
        reference: 'till 2',
        idempotencyKey: 'cash-1',
      },
    });
    expect(cash.errors).toBeUndefined();
    expect(cash.data!.recordOfflinePayment).toMatchObject({
      method: 'CASH',
      status: 'SUCCEEDED',
      reference: 'till 2',
      bookings: [{ paymentStatus: 'CHARGED_IN_FULL' }],
    });
    const refund = await graphql(
      api,
      key,
      `
        mutation ($i: RefundPaymentInput!) {
          refundPayment(input: $i) {
            status
            refunded {
              amountMinor
            }
          }
        }
      `,
      {
        i: {
          paymentId: cash.data!.recordOfflinePayment.id,
          amountMinor: 1_000,
          idempotencyKey: 'refund-1',
        },
      },
    );
    expect(refund.data!.refundPayment).toEqual({
      status: 'PARTIALLY_REFUNDED',
      refunded: { amountMinor: 1_000 },
    });
    const report = await graphql(
      api,
      key,
      `
        query {
          collectionsReport(from: "2026-01-01", to: "2026-12-31", groupBy: [METHOD]) {
            rows {
              method
              count
              collected {
                amountMinor
              }
              refunded {
                amountMinor
              }
              net {
                amountMinor
              }
            }
            totals {
              count
              net {
                amountMinor
              }
            }
          }
        }
      `,
    );
    expect(report.errors).toBeUndefined();
    const cashRow = (report.data!.collectionsReport.rows as { method: string }[]).find((row) => row.method === 'CASH');
    expect(cashRow).toMatchObject({
      count: 1,
      collected: { amountMinor: 8_000 },
      refunded: { amountMinor: 1_000 },
      net: { amountMinor: 7_000 },
    });
  });

  it('pre-authorises, captures part, and shows the booking partially paid', async () => {
    const customerId = await customer();
    const b = await booking(customerId, 6_000);
    const hold = await graphql(
      api,
      key,
      `
        mutation ($i: AuthorizePaymentInput!) {
          authorizePayment(input: $i) {
            id
            status
            authorized: amount {
              amountMinor
            }
          }
        }
      `,
      {
        i: {
          bookingId: b.booking.id,
          paymentMethodToken: 'pm_card_visa',
          idempotencyKey: 'hold-1',
        },
      },
    );
    expect(hold.data!.authorizePayment).toMatchObject({ status: 'AUTHORIZED' });
    const held = await graphql(
      api,
      key,
      `
        query ($id: ID!) {
          booking(id: $id) {
            authorized {
              amountMinor
            }
            balance {
              amountMinor
            }
          }
        }
      `,
      { id: b.booking.id },
    );
    expect(held.data!.booking).toEqual({
      authorized: { amountMinor: 6_000 },
      balance: { amountMinor: 0 },
    });
    const captured = await graphql(
      api,
      key,
      `
        mutation ($i: CapturePaymentInput!) {
          capturePayment(input: $i) {
            status
            captured {
              amountMinor
            }
            bookings {
              paymentStatus
              balance {
                amountMinor
              }
            }
          }
        }
      `,
      {
        i: {
          paymentId: hold.data!.authorizePayment.id,
          amountMinor: 4_000,
          idempotencyKey: 'cap-1',
        },
      },
    );
    expect(captured.data!.capturePayment).toEqual({
      status: 'SUCCEEDED',
      captured: { amountMinor: 4_000 },
      bookings: [{ paymentStatus: 'PARTIALLY_PAID', balance: { amountMinor: 2_000 } }],
    });
  });

  it('lists bookings and payments a page at a time with stable cursors', async () => {
    const customerId = await customer('Paged');
    for (let i = 0; i < 5; i++) await booking(customerId, 1_000 + i);
    const page1 = await graphql(
      api,
      key,
      'query($c: ID!) { bookings(first: 2, filter: { customerId: $c }) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
      { c: customerId },
    );
    expect(page1.data!.bookings.edges).toHaveLength(2);
    expect(page1.data!.bookings.pageInfo.hasNextPage).toBe(true);
    const page2 = await graphql(
      api,
      key,
      'query($c: ID!, $a: String) { bookings(first: 10, after: $a, filter: { customerId: $c }) { edges { node { id } } pageInfo { hasNextPage } } }',
      { c: customerId, a: page1.data!.bookings.pageInfo.endCursor },
    );
    expect(page2.data!.bookings.edges).toHaveLength(3);
    expect(page2.data!.bookings.pageInfo.hasNextPage).toBe(false);
  });

  it('records the request id as the correlation id of the events a mutation caused', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-request-id': 'req-audit-7' },
      body: JSON.stringify({ query: 'mutation { registerCustomer(input: { name: "Traced", email: "t@example.com" }) { id } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('req-audit-7');
    const { data } = (await response.json()) as { data: { registerCustomer: { id: string } } };
    const trail = await graphql(api, key, `{ auditTrail(stream: "customer-${data.registerCustomer.id}") { events { type metadata } } }`);
    const [event] = trail.data!.auditTrail.events as { type: string; metadata: string }[];
    expect(event!.type).toBe('CustomerRegistered');
    expect(JSON.parse(event!.metadata)).toMatchObject({ correlationId: 'req-audit-7', tenant: 'sparkle' });
  });

  it('ages what is owed in receivables', async () => {
    const customerId = await customer('Owes');
    await booking(customerId, 7_700, { serviceDate: '2026-01-10' });
    const res = await graphql(
      api,
      key,
      'query { receivables(asOf: "2026-03-01") { currency rows { customerId customerName outstanding { amountMinor } buckets { days31to60 } } totals { outstandingMinor } } }',
    );
    expect(res.errors).toBeUndefined();
    const row = (res.data!.receivables.rows as { customerId: string }[]).find((r) => r.customerId === customerId);
    expect(row).toEqual({
      customerId,
      customerName: 'Owes',
      outstanding: { amountMinor: 7_700 },
      buckets: { days31to60: 7_700 },
    });
  });
});

describe('GraphQL API: payment links and card requests by e-mail', () => {
  let api: TestApi;
  let key: string;
  beforeAll(async () => {
    api = await startTestApi();
    key = await createTenantWithKey(api, 'links');
    await graphql(api, key, 'mutation { connectStripeAccount(input: { returnUrl: "http://localhost/s" }) { state } }');
  });
  afterAll(async () => {
    await api.close();
  });

  it('previews the exact e-mail without sending, then sends the link to the outbox', async () => {
    const c = await graphql(api, key, 'mutation { registerCustomer(input: { name: "Grace", email: "grace@example.com" }) { id } }');
    const customerId = c.data!.registerCustomer.id as string;
    await graphql(api, key, `mutation { createBooking(input: { customerId: "${customerId}", description: "Carpet", amountMinor: 9900, currency: "CAD", serviceDate: "2026-11-21", source: PHONE }) { booking { id } } }`);
    const outbox = join(api.dataDir, 'outbox');
    const preview = await graphql(api, key, `mutation { sendPaymentLink(input: { customerId: "${customerId}", previewOnly: true }) { id url status amount { amountMinor } emailPreview { to subject html text } } }`);
    expect(preview.errors).toBeUndefined();
    expect(preview.data!.sendPaymentLink).toMatchObject({ id: null, url: null, status: 'PREVIEW', amount: { amountMinor: 9_900 }, emailPreview: { to: 'grace@example.com' } });
    expect(preview.data!.sendPaymentLink.emailPreview.html).toContain('Complete Payment');
    expect(existsSync(outbox) ? readdirSync(outbox) : []).toEqual([]);

    const sent = await graphql(api, key, `mutation { sendPaymentLink(input: { customerId: "${customerId}" }) { id url status emailPreview { to text } } }`);
    expect(sent.data!.sendPaymentLink).toMatchObject({ status: 'OPEN', url: expect.stringMatching(`^${api.url}/pay/`) });
    const files = readdirSync(outbox);
    expect(files).toHaveLength(1);
    expect(readFileSync(join(outbox, files[0]!), 'utf8')).toContain('grace@example.com');
    expect(sent.data!.sendPaymentLink.emailPreview.text).toContain(sent.data!.sendPaymentLink.url);

    const card = await graphql(api, key, `mutation { requestCard(input: { customerId: "${customerId}" }) { id url status email } }`);
    expect(card.data!.requestCard).toMatchObject({ status: 'PENDING', email: 'grace@example.com', url: expect.stringMatching(`^${api.url}/card/`) });
    expect(readdirSync(outbox)).toHaveLength(2);
  });
});
