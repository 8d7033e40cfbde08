// The customer pages in a real headless Chromium (Debian's, driven by playwright-core), as a
// customer uses them: open the link, type a Stripe test card into the labelled fields, tick
// "save this card", pay, see the confirmation; a declined card and then another one; the
// add-card page; unusable links. The server must never receive a card number, the page must
// break no rule of its Content-Security-Policy, and the outcome must show in the read models.
import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Clock } from '@ledger/application';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { readModels, requestCard, seedCustomer, sendPaymentLink } from './testing/customer-pages.fixture.js';
import type { BookingRead, CustomerRead, SeededCustomer } from './testing/customer-pages.fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const describeInBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
const label = existsSync(CHROMIUM) ? 'customer pages in Chromium' : `customer pages in Chromium (skipped: ${CHROMIUM} is not installed; apt-get install chromium)`;

/** An expiry date a year or two ahead, as a customer types it. */
const futureExpiry = `12 / ${String((new Date().getFullYear() + 2) % 100).padStart(2, '0')}`;

describeInBrowser(label, () => {
  let browser: Browser;
  let context: BrowserContext;
  let api: TestApi;
  let seeded: SeededCustomer;
  let page: Page;
  let posted: string[];
  let policyViolations: string[];

  // Playwright gives each launch its own temporary profile and removes it on close.
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    api = await startTestApi();
    seeded = await seedCustomer(api.app);
    context = await browser.newContext();
    page = await context.newPage();
    posted = [];
    policyViolations = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posted.push(request.postData() ?? '');
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) policyViolations.push(message.text());
    });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await context?.close();
    await api?.close();
  });

  async function enterCard(number: string, expiry = futureExpiry, cvc = '123'): Promise<void> {
    await page.getByLabel('Name on card').fill('Ada Lovelace');
    await page.getByLabel('Card number').fill(number);
    await page.getByLabel('Expiry date (MM / YY)').fill(expiry);
    await page.getByLabel('Security code (CVC)').fill(cvc);
  }

  /** Clicks the button and waits for the page the form post leads to. */
  async function submit(button: RegExp): Promise<void> {
    await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), page.getByRole('button', { name: button }).click()]);
    await page.waitForLoadState('load');
  }

  it('pays with 4242 4242 4242 4242, saving the card: confirmation, Charged in Full, card on file', async () => {
    const { token } = await sendPaymentLink(api.app, seeded);
    await page.goto(`${api.url}/pay/${token}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Complete your payment');
    expect(await page.locator('#total').textContent()).toBe('$205.00');
    expect(await page.getByRole('cell', { name: 'Windows <b>front</b>' }).count()).toBe(1);
    await enterCard('4242 4242 4242 4242');
    await page.getByLabel('Save this card for future payments').check();
    await submit(/^Pay \$205\.00$/);

    expect(new URL(page.url()).pathname).toBe(`/pay/${token}/done`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Payment received');
    expect(await page.locator('#amount-paid').textContent()).toBe('$205.00');
    expect(await page.getByText('Visa ending in 4242').count()).toBe(1);
    expect(posted).toEqual(['paymentMethodToken=pm_card_visa&saveCard=yes']);
    expect(policyViolations).toEqual([]);

    const reads = await readModels(api.app);
    for (const bookingId of seeded.bookingIds) {
      expect(await reads.get<BookingRead>('bookings_v1', bookingId)).toMatchObject({ paymentStatus: 'CHARGED_IN_FULL', balance: { amountMinor: 0 } });
    }
    expect((await reads.get<CustomerRead>('customers_v1', seeded.customerId))!.cards).toEqual([expect.objectContaining({ brand: 'visa', last4: '4242' })]);
  });

  it('checks the card in the browser, shows a decline, and takes a second card', async () => {
    const { token } = await sendPaymentLink(api.app, seeded);
    await page.goto(`${api.url}/pay/${token}`);
    // Not a Stripe test card, and an expired date: refused on the page, nothing is posted.
    await enterCard('4111 1111 1111 1111', '01 / 20');
    await page.getByRole('button', { name: /^Pay / }).click();
    expect(await page.locator('#cc-number-error').textContent()).toContain('use one of Stripe');
    expect(await page.locator('#cc-exp-error').textContent()).toContain('expired');
    expect(await page.getByLabel('Card number').getAttribute('aria-invalid')).toBe('true');
    expect(posted).toEqual([]);

    await enterCard('4000 0000 0000 0002');
    await submit(/^Pay /);
    expect(await page.getByRole('alert').textContent()).toBe('Your card was declined. Please try another card.');
    // The alert takes the focus, so a screen reader announces the decline at once.
    expect(await page.locator('#form-error').evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);

    await enterCard('5555 5555 5555 4444');
    await submit(/^Pay /);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Payment received');
    expect(await page.getByText('Mastercard ending in 4444').count()).toBe(1);
    expect(posted).toEqual(['paymentMethodToken=pm_card_chargeDeclined', 'paymentMethodToken=pm_card_mastercard']);
    expect(posted.join('\n')).not.toMatch(/\d{12}/);
    expect(policyViolations).toEqual([]);
    const reads = await readModels(api.app);
    expect(await reads.get<BookingRead>('bookings_v1', seeded.bookingIds[0])).toMatchObject({ paymentStatus: 'CHARGED_IN_FULL' });
    expect((await reads.get<CustomerRead>('customers_v1', seeded.customerId))!.cards).toEqual([]);
  });

  it('saves a card through the add-card page', async () => {
    const { token } = await requestCard(api.app, seeded);
    await page.goto(`${api.url}/card/${token}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Add a card for future payments');
    await enterCard('5555 5555 5555 4444');
    await submit(/^Save card$/);
    expect(new URL(page.url()).pathname).toBe(`/card/${token}/done`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Card saved');
    expect(await page.locator('#saved-card').textContent()).toContain('Mastercard ending in 4444');
    expect(posted).toEqual(['paymentMethodToken=pm_card_mastercard']);
    expect(policyViolations).toEqual([]);
    const reads = await readModels(api.app);
    expect((await reads.get<CustomerRead>('customers_v1', seeded.customerId))!.cards).toEqual([expect.objectContaining({ brand: 'mastercard', last4: '4444' })]);
  });

  it('shows friendly pages for an unknown and an expired link', async () => {
    const unknown = await page.goto(`${api.url}/pay/${Buffer.from('no-such-link').toString('base64url')}.${'A'.repeat(43)}`);
    expect(unknown!.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('We could not find this link');

    const { token } = await sendPaymentLink(api.app, seeded);
    const later = Date.now() + 8 * 24 * 60 * 60 * 1000;
    jest.spyOn(api.app.get(Clock), 'now').mockImplementation(() => new Date(later));
    const expired = await page.goto(`${api.url}/pay/${token}`);
    expect(expired!.status()).toBe(410);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This payment link has expired');
    expect(await page.getByText('Sparkle & Shine <Cleaning>').first().isVisible()).toBe(true);
    expect(policyViolations).toEqual([]);
  });
});
