// The customer pages over real HTTP on the embedded defaults (SQLite, sandbox processor): a
// payment link's page, paying it by form post (saved card, decline then another card), its
// confirmation; the add-card page; and every way a link can be unusable, each with a friendly
// page and its status. Data is made through the command bus; outcomes are read from the read
// models, as the dashboard would see them.
import { jest } from '@jest/globals';
import { CancelPaymentLinkCommand, Clock } from '@ledger/application';
import { streamName } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { CommandBus } from '@nestjs/cqrs';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { readModels, requestCard, seedCustomer, sendPaymentLink } from './testing/customer-pages.fixture.js';
import type { BookingRead, CustomerRead, SeededCustomer } from './testing/customer-pages.fixture.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('customer pages over HTTP', () => {
  let api: TestApi;
  let seeded: SeededCustomer;
  beforeEach(async () => {
    api = await startTestApi();
    seeded = await seedCustomer(api.app);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  const get = (path: string) => fetch(`${api.url}${path}`, { redirect: 'manual' });
  const post = (path: string, fields: Record<string, string>) =>
    fetch(`${api.url}${path}`, { method: 'POST', redirect: 'manual', body: new URLSearchParams(fields) });
  const linkEvents = async (linkId: string) => (await api.app.get(EventStore).readStream(streamName.paymentLink(linkId))).map((event) => event.type);

  it('shows what is owed, escaped, with labelled card fields that are never submitted, under strict headers', async () => {
    const { token } = await sendPaymentLink(api.app, seeded);
    const response = await get(`/pay/${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('stripe.com');
    const page = await response.text();
    expect(page).toContain('Sparkle &amp; Shine &lt;Cleaning&gt;');
    expect(page).toContain('Windows &lt;b&gt;front&lt;/b&gt;');
    expect(page).not.toContain('<b>front</b>');
    expect(page).toContain('Friday, November 20, 2026');
    expect(page).toContain('$125.00');
    expect(page).toContain('$80.00');
    expect(page).toContain('<td class="amount" id="total">$205.00</td>');
    for (const field of ['cc-name', 'cc-number', 'cc-exp', 'cc-csc']) {
      expect(page).toMatch(new RegExp(`<label for="${field}">`));
      expect(page).toMatch(new RegExp(`<input id="${field}" [^>]*autocomplete="${field}"`));
      expect(page).not.toMatch(new RegExp(`<input id="${field}" [^>]*name=`));
    }
    expect(page).toContain('Save this card for future payments');
    expect(page).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(page).not.toContain(token.split('.')[1]);
  });

  it('pays by form post, saving the card, and confirms; the bookings read Charged in Full', async () => {
    const { token } = await sendPaymentLink(api.app, seeded);
    const paid = await post(`/pay/${token}`, { paymentMethodToken: 'pm_card_visa', saveCard: 'yes' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`/pay/${token}/done`);
    const done = await get(`/pay/${token}/done`);
    expect(done.status).toBe(200);
    const confirmation = await done.text();
    expect(confirmation).toContain('Payment received');
    expect(confirmation).toContain('<strong id="amount-paid">$205.00</strong>');
    expect(confirmation).toContain('Visa ending in 4242');
    expect(confirmation).toContain('A receipt will be sent to ada@example.com');
    const reads = await readModels(api.app);
    for (const bookingId of seeded.bookingIds) {
      expect(await reads.get<BookingRead>('bookings_v1', bookingId)).toMatchObject({ paymentStatus: 'CHARGED_IN_FULL', balance: { amountMinor: 0 } });
    }
    expect((await reads.get<CustomerRead>('customers_v1', seeded.customerId))!.cards).toEqual([expect.objectContaining({ brand: 'visa', last4: '4242' })]);
    const again = await get(`/pay/${token}`);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('This link has already been paid');
  });

  it('shows a decline on the page, keeps the choices, and takes another card', async () => {
    const { token, linkId } = await sendPaymentLink(api.app, seeded);
    const declined = await post(`/pay/${token}`, { paymentMethodToken: 'pm_card_chargeDeclinedInsufficientFunds', saveCard: 'yes' });
    expect(declined.status).toBe(402);
    const page = await declined.text();
    expect(page).toMatch(/<div class="form-error" id="form-error" role="alert" tabindex="-1">Your card has insufficient funds\. Please try another card\.<\/div>/);
    expect(page).toMatch(/id="save-card"[^>]* checked>/);
    const paid = await post(`/pay/${token}`, { paymentMethodToken: 'pm_card_mastercard' });
    expect(paid.status).toBe(303);
    expect(await linkEvents(linkId)).toEqual(['PaymentLinkCreated', 'PaymentLinkPaymentStarted', 'PaymentLinkPaymentStarted', 'PaymentLinkPaid']);
    const reads = await readModels(api.app);
    expect((await reads.get<CustomerRead>('customers_v1', seeded.customerId))!.cards).toEqual([]);
  });

  it.each([
    ['a card number field', { cardNumber: '4242 4242 4242 4242', paymentMethodToken: 'pm_card_visa' }],
    ['a card number as the token', { paymentMethodToken: '4242424242424242' }],
    ['a card number under any name', { paymentMethodToken: 'pm_card_visa', note: '5555-5555-5555-4444' }],
  ])('refuses %s before anything is recorded', async (_label, fields) => {
    const { token, linkId } = await sendPaymentLink(api.app, seeded);
    const refused = await post(`/pay/${token}`, fields);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Card numbers cannot be sent to this page');
    expect(await linkEvents(linkId)).toEqual(['PaymentLinkCreated']);
  });

  it('asks for the card again when no token arrives (script off)', async () => {
    const { token, linkId } = await sendPaymentLink(api.app, seeded);
    const response = await post(`/pay/${token}`, { saveCard: 'yes' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Please enter your card details.');
    expect(await linkEvents(linkId)).toEqual(['PaymentLinkCreated']);
  });

  it.each([
    ['garbage', () => 'not-a-token'],
    ['a wrong secret', (token: string) => `${token.split('.')[0]}.${'A'.repeat(43)}`],
    ['an unknown link', () => `${Buffer.from('no-such-link').toString('base64url')}.${'A'.repeat(43)}`],
  ])('answers %s with the friendly not-found page on every route', async (_label, tokenFrom) => {
    const { token } = await sendPaymentLink(api.app, seeded);
    const wrong = tokenFrom(token);
    for (const response of [await get(`/pay/${wrong}`), await get(`/pay/${wrong}/done`), await post(`/pay/${wrong}`, { paymentMethodToken: 'pm_card_visa' })]) {
      expect(response.status).toBe(404);
      const page = await response.text();
      expect(page).toContain('We could not find this link');
      expect(page).not.toMatch(/Error:|stack|\bat [\w.]+ \(/);
    }
  });

  it('shows cancelled and expired links as gone (410), and refuses to pay them', async () => {
    const cancelled = await sendPaymentLink(api.app, seeded);
    await api.app.get(CommandBus).execute(new CancelPaymentLinkCommand(seeded.caller, { linkId: cancelled.linkId }));
    const cancelledPage = await get(`/pay/${cancelled.token}`);
    expect(cancelledPage.status).toBe(410);
    expect(await cancelledPage.text()).toContain('This payment link is no longer active');

    const expiring = await sendPaymentLink(api.app, seeded);
    const clock = api.app.get(Clock);
    const later = new Date(Date.now() + 8 * DAY_MS);
    jest.spyOn(clock, 'now').mockImplementation(() => new Date(later));
    const expired = await get(`/pay/${expiring.token}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This payment link has expired');
    const refused = await post(`/pay/${expiring.token}`, { paymentMethodToken: 'pm_card_visa' });
    expect(refused.status).toBe(410);
    expect(await linkEvents(expiring.linkId)).toEqual(['PaymentLinkCreated']);
  });

  it('sends an unpaid link from the confirmation back to the pay page', async () => {
    const { token } = await sendPaymentLink(api.app, seeded);
    const done = await get(`/pay/${token}/done`);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/pay/${token}`);
  });

  it('saves a card through the add-card page, confirms it, and refuses the used link', async () => {
    const { token } = await requestCard(api.app, seeded);
    const form = await get(`/card/${token}`);
    expect(form.status).toBe(200);
    const page = await form.text();
    expect(page).toContain('Add a card for future payments');
    expect(page).toContain('autocomplete="cc-number"');
    const saved = await post(`/card/${token}`, { paymentMethodToken: 'pm_card_mastercard' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/card/${token}/done`);
    const done = await get(`/card/${token}/done`);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Mastercard ending in 4444');
    const reads = await readModels(api.app);
    expect((await reads.get<CustomerRead>('customers_v1', seeded.customerId))!.cards).toEqual([expect.objectContaining({ brand: 'mastercard', last4: '4444' })]);
    const used = await get(`/card/${token}`);
    expect(used.status).toBe(410);
    expect(await used.text()).toContain('This link was already used');
  });

  it('shows a declined card on the add-card page, and unknown or expired add-card links as friendly pages', async () => {
    const { token } = await requestCard(api.app, seeded);
    const declined = await post(`/card/${token}`, { paymentMethodToken: 'pm_card_chargeDeclined' });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('Your card was declined. Please try another card.');
    const unknown = await get(`/card/${token.slice(0, -4)}AAAA`);
    expect(unknown.status).toBe(404);
    jest.spyOn(api.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + 8 * DAY_MS));
    const expired = await get(`/card/${token}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This add-card link has expired');
  });

  it('serves its own static files only, cacheable by their hash', async () => {
    const page = await (await get(`/pay/${(await sendPaymentLink(api.app, seeded)).token}`)).text();
    const cssUrl = /<link rel="stylesheet" href="([^"]+)">/.exec(page)![1]!;
    const css = await get(cssUrl);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toContain('immutable');
    const script = await get('/assets/pages/sandbox-card-entry.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/pages/..%2Fpages.module.ts')).status).toBe(404);
    expect((await get('/assets/pages/secret.js')).status).toBe(404);
  });
});
