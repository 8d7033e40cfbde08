// Goal: what the README promises a newcomer works end to end, through the public surfaces only:
// the printed demo key, GraphQL over HTTP for the dashboard, the e-mailed payment link paid in a
// real browser, and balances, history and the collections report that follow.
// Method: the embedded API on a temp data dir; GraphQL requests with the demo key; Debian's
// headless Chromium (playwright-core) opens the link from the sendPaymentLink answer and pays
// with Stripe's 4242 test card. The e-mail in the outbox carries the same link.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ensureDemoTenant } from './demo-tenant.js';
import { graphql } from './testing/graphql-client.js';
import type { Json } from './testing/graphql-client.js';
import { startTestApi } from './testing/test-api.js';
import type { TestApi } from './testing/test-api.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const inBrowser = existsSync(CHROMIUM) ? it : it.skip;
const MONEY = 'amountMinor currency';

describe('a newcomer’s first session', () => {
  let api: TestApi;
  let key: string;
  const run = async (query: string, variables: Json = {}): Promise<Json> => {
    const res = await graphql(api, key, query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };
  const book = async (customerId: string, description: string, amountMinor: number): Promise<string> =>
    (
      await run('mutation($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } } }', {
        i: { customerId, description, amountMinor, currency: 'CAD', serviceDate: '2026-11-20', source: 'PHONE' },
      })
    ).createBooking.booking.id as string;

  beforeAll(async () => {
    api = await startTestApi();
    key = (await ensureDemoTenant(api.app, api.config))!;
  });
  afterAll(async () => {
    await api.close();
  });

  inBrowser(`charges every way, records cash, pays a link in ${CHROMIUM}, and sees it all in balances, history and the report`, async () => {
    const customerId = (await run('mutation { registerCustomer(input: { name: "Ada Lovelace", email: "ada@example.com", phone: "+1 416 555 0100" }) { id } }')).registerCustomer
      .id as string;

    // A new card, saved; the card on file; a one-time card; cash.
    const b1 = await book(customerId, 'Deep clean', 12_000);
    const newCard = await run('mutation($b: ID!) { chargeBooking(input: { bookingId: $b, paymentMethodToken: "pm_card_visa", saveCard: true, idempotencyKey: "n1" }) { method status } }', { b: b1 });
    expect(newCard.chargeBooking).toEqual({ method: 'NEW_CARD', status: 'SUCCEEDED' });
    const cardId = (await run('query($c: ID!) { customer(id: $c) { cards { id last4 } } }', { c: customerId })).customer.cards[0].id as string;
    const b2 = await book(customerId, 'Windows', 8_000);
    expect((await run('mutation($b: ID!, $k: ID!) { chargeBooking(input: { bookingId: $b, cardId: $k, idempotencyKey: "n2" }) { method } }', { b: b2, k: cardId })).chargeBooking.method).toBe(
      'CARD_ON_FILE',
    );
    const b3 = await book(customerId, 'Oven', 5_000);
    expect(
      (await run('mutation($b: ID!) { chargeBooking(input: { bookingId: $b, paymentMethodToken: "pm_card_mastercard", idempotencyKey: "n3" }) { method } }', { b: b3 })).chargeBooking
        .method,
    ).toBe('ONE_TIME_CARD');
    const b4 = await book(customerId, 'Fridge', 3_000);
    expect((await run('mutation($b: ID!) { recordOfflinePayment(input: { bookingId: $b, method: CASH, idempotencyKey: "n4" }) { method } }', { b: b4 })).recordOfflinePayment.method).toBe('CASH');

    // A payment link for what is still owed, paid by the customer in the browser.
    const b5 = await book(customerId, 'Carpets', 20_500);
    const link = (await run('mutation($c: ID!) { sendPaymentLink(input: { customerId: $c }) { url status amount { amountMinor } bookingIds } }', { c: customerId })).sendPaymentLink;
    expect(link).toMatchObject({ status: 'OPEN', amount: { amountMinor: 20_500 }, bookingIds: [b5] });
    const outbox = join(api.dataDir, 'outbox');
    const email = readdirSync(outbox).map((file) => readFileSync(join(outbox, file), 'utf8')).find((text) => text.includes('/pay/'));
    expect(email?.replace(/=\r?\n/g, '')).toContain(String(link.url).split('/pay/')[1]!.slice(0, 20));

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(String(link.url));
      await page.getByLabel('Name on card').fill('Ada Lovelace');
      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await page.getByLabel('Expiry date (MM / YY)').fill(`12 / ${String((new Date().getFullYear() + 2) % 100).padStart(2, '0')}`);
      await page.getByLabel('Security code (CVC)').fill('123');
      await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), page.getByRole('button', { name: /^Pay \$205\.00$/ }).click()]);
      await page.waitForLoadState('load');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Payment received');
    } finally {
      await browser.close();
    }

    // Everything shows through the API.
    const after = await run(
      `query($c: ID!, $b: ID!) {
        customer(id: $c) { balance { ${MONEY} } }
        booking(id: $b) { paymentStatus balance { amountMinor } payments { method status } }
        payments(filter: { customerId: $c }, first: 20) { edges { node { method status captured { amountMinor } } } }
        collectionsReport(from: "2026-01-01", to: "2027-12-31", groupBy: [METHOD]) { rows { method count net { amountMinor } } totals { count net { amountMinor } } }
      }`,
      { c: customerId, b: b5 },
    );
    expect(after.customer.balance).toEqual({ amountMinor: 0, currency: 'CAD' });
    expect(after.booking).toEqual({ paymentStatus: 'CHARGED_IN_FULL', balance: { amountMinor: 0 }, payments: [{ method: 'PAYMENT_LINK', status: 'SUCCEEDED' }] });
    const methods = (after.payments.edges as { node: { method: string } }[]).map((edge) => edge.node.method).sort();
    expect(methods).toEqual(['CARD_ON_FILE', 'CASH', 'NEW_CARD', 'ONE_TIME_CARD', 'PAYMENT_LINK']);
    expect(after.collectionsReport.totals).toEqual({ count: 5, net: { amountMinor: 48_500 } });
  });
});
