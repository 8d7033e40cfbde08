// The customer pages' HTML without a server: escaping by default, money and dates as customers
// read them, the sandbox and Stripe variants of card entry with their policies, the friendly
// pages' statuses, the refusal of anything shaped like a card number, and logs without tokens.
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { CardRequestPage, PaymentLinkPage } from '@ledger/application';
import { loadConfiguration } from '@ledger/config';
import { addCardPage, cardSavedPage } from './card-page.render.js';
import { cardEntryModeFor } from './card-entry-mode.js';
import type { CardEntryMode } from './card-entry-mode.js';
import { containsCardNumber, readCardForm } from './card-form.js';
import { escapeHtml, html } from './html.js';
import { notices } from './notice-page.render.js';
import { PageAssets } from './page-assets.js';
import { formatMoney, formatServiceDate } from './page-format.js';
import { pageHeaders, renderPage } from './page-layout.js';
import { PageResponder, PageSettings, scrub } from './page-responder.js';
import { paidPage, payPage } from './pay-page.render.js';

const assets = new PageAssets();
const sandbox: CardEntryMode = { kind: 'sandbox' };
const stripe: CardEntryMode = { kind: 'stripe', publishableKey: 'pk_test_abc123' };

const business = { name: 'Tom & Jerry\'s "Best" <Cleaning>', currency: 'CAD', timeZone: 'America/Toronto', acceptsCards: true, processorAccountId: 'acct_123' };
const link: PaymentLinkPage = {
  state: 'PAYABLE',
  business,
  customerName: '<script>alert(1)</script>',
  email: 'ada@example.com',
  amount: { amountMinor: 20_550, currency: 'CAD' },
  lines: [
    { bookingId: 'b1', description: 'Deep clean <img src=x onerror=alert(1)>', serviceDate: '2026-11-20', amount: { amountMinor: 12_550, currency: 'CAD' } },
    { bookingId: 'b2', description: 'Windows', serviceDate: '2026-11-21', amount: { amountMinor: 8_000, currency: 'CAD' } },
  ],
  expiresAt: '2026-11-29T10:00:00.000Z',
};
const cardRequest: CardRequestPage = { state: 'OPEN', business, customerName: 'Ada', expiresAt: '2026-11-29T10:00:00.000Z' };

const rendered = (content: Parameters<typeof renderPage>[0]) => renderPage(content, assets);

describe('html', () => {
  it('escapes every interpolated value unless it is html already', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${['<', html`<br>`]}${undefined}${null}${false}${0}</p>`.value).toBe('<p><b>&lt;i&gt;</b>&lt;<br>0</p>');
  });
});

describe('formatting', () => {
  it('formats integer minor units exactly, in the currency', () => {
    expect(formatMoney({ amountMinor: 12_550, currency: 'CAD' })).toBe('$125.50');
    expect(formatMoney({ amountMinor: 5, currency: 'CAD' })).toBe('$0.05');
    expect(formatMoney({ amountMinor: 9_007_199_254_740_991, currency: 'CAD' })).toBe('$90,071,992,547,409.91');
    expect(formatMoney({ amountMinor: 1_500, currency: 'JPY' })).toBe('JP¥1,500');
    expect(formatMoney({ amountMinor: 1_000, currency: 'USD' })).toBe('US$10.00');
  });

  it('shows the service day as booked, whatever the time zone', () => {
    expect(formatServiceDate('2026-11-20')).toBe('Friday, November 20, 2026');
    expect(formatServiceDate('soon')).toBe('soon');
  });
});

describe('the pay page', () => {
  it('shows the summary with every name escaped', () => {
    const page = rendered(payPage(link, sandbox, assets));
    expect(page).toContain('Tom &amp; Jerry&#39;s &quot;Best&quot; &lt;Cleaning&gt;');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('Deep clean &lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toMatch(/<script>alert|<img src=x/);
    expect(page).toContain('$125.50');
    expect(page).toContain('<td class="amount" id="total">$205.50</td>');
    expect(page).toContain('Pay $205.50');
  });

  it('has no inline script or style, so the policy can forbid both', () => {
    const page = rendered(payPage(link, sandbox, assets, { error: 'Your card was declined.' }));
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toMatch(/<style|<[^>]*\s(on[a-z]+|style)=/);
  });

  it('in the sandbox: labelled card inputs with autocomplete names and no name attribute, and the test script', () => {
    const page = rendered(payPage(link, sandbox, assets));
    for (const field of ['cc-name', 'cc-number', 'cc-exp', 'cc-csc']) {
      expect(page).toContain(`<label for="${field}">`);
      expect(page).toMatch(new RegExp(`<input id="${field}" [^>]*autocomplete="${field}"[^>]*>`));
      expect(page).not.toMatch(new RegExp(`<input id="${field}" [^>]*name=`));
    }
    expect(page).toContain(assets.url('sandbox-card-entry.js'));
    expect(page).not.toContain('js.stripe.com');
    expect(page).toContain('Test mode: no real card is charged.');
  });

  it('with Stripe: the Payment Element slot with what Stripe.js needs, and Stripe allowed by the policy', () => {
    const content = payPage(link, stripe, assets);
    const page = rendered(content);
    expect(page).toContain('<script src="https://js.stripe.com/v3/" defer></script>');
    expect(page).toContain(assets.url('stripe-card-entry.js'));
    expect(page).toContain('data-publishable-key="pk_test_abc123"');
    expect(page).toContain('data-stripe-account="acct_123"');
    expect(page).toContain('data-amount="20550"');
    expect(page).toContain('data-currency="cad"');
    expect(page).not.toContain('autocomplete="cc-number"');
    const policy = pageHeaders(content.stripe)['Content-Security-Policy'];
    expect(policy).toContain("script-src 'self' https://js.stripe.com");
    expect(policy).toContain('frame-src https://js.stripe.com');
    expect(policy).toContain('connect-src \'self\' https://api.stripe.com');
    expect(pageHeaders(false)['Content-Security-Policy']).not.toContain('stripe');
  });

  it('shows a decline in an alert and keeps the save-card choice', () => {
    const page = rendered(payPage(link, sandbox, assets, { error: 'Your card was declined. <b>', saveCard: true }));
    expect(page).toContain('role="alert" tabindex="-1">Your card was declined. &lt;b&gt;</div>');
    expect(page).toMatch(/id="save-card"[^>]* checked>/);
  });

  it('confirms a payment with the amount, the card and a receipt note', () => {
    const page = rendered(paidPage({ ...link, state: 'PAID', receipt: { amount: link.amount, card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 } } }));
    expect(page).toContain('Payment received');
    expect(page).toContain('<strong id="amount-paid">$205.50</strong>');
    expect(page).toContain('Visa ending in 4242');
    expect(page).toContain('A receipt will be sent to ada@example.com');
  });
});

describe('the add-card page', () => {
  it('shows the card form and, once used, the saved card', () => {
    expect(rendered(addCardPage(cardRequest, sandbox, assets))).toContain('autocomplete="cc-csc"');
    expect(rendered(addCardPage(cardRequest, stripe, assets))).toContain('data-mode="setup"');
    const saved = rendered(cardSavedPage({ ...cardRequest, state: 'SAVED', card: { brand: 'mastercard', last4: '4444', expMonth: 12, expYear: 2034 } }));
    expect(saved).toContain('Mastercard ending in 4444 (expires 12/2034)');
  });
});

describe('friendly pages', () => {
  it('answer unusable links with 404, 409 or 410 and words a customer can act on', () => {
    expect(notices.unknownLink().status).toBe(404);
    expect(notices.expired('Sparkle', 'payment').status).toBe(410);
    expect(notices.cancelled('Sparkle').status).toBe(410);
    expect(notices.alreadyPaid('Sparkle', '/pay/x/done').status).toBe(410);
    expect(notices.outdated('Sparkle').status).toBe(409);
    expect(rendered(notices.expired('<Sparkle>', 'card').content)).toContain('Please contact &lt;Sparkle&gt; for a new link.');
  });
});

describe('card forms', () => {
  it('accept a payment-method token and the save choice only', () => {
    expect(readCardForm({ paymentMethodToken: 'pm_card_visa', saveCard: 'yes' })).toEqual({ ok: true, paymentMethodToken: 'pm_card_visa', saveCard: true });
    expect(readCardForm({ paymentMethodToken: 'pm_1NdYq2LkdIwHu7ix' })).toEqual({ ok: true, paymentMethodToken: 'pm_1NdYq2LkdIwHu7ix', saveCard: false });
    expect(readCardForm({ paymentMethodToken: 'tok_visa' })).toEqual({ ok: false, reason: 'NO_CARD' });
    expect(readCardForm({})).toEqual({ ok: false, reason: 'NO_CARD' });
    expect(readCardForm(undefined)).toEqual({ ok: false, reason: 'NO_CARD' });
  });

  it.each([
    [{ number: '4242424242424242' }],
    [{ number: '4242 4242 4242 4242' }],
    [{ number: '4242-4242-4242-4242' }],
    [{ paymentMethodToken: 'pm_card_visa', nested: { deeper: ['378282246310005'] } }],
    [{ 4242424242424242: 'key' }],
    [{ amount: 4_242_424_242_424_242 }],
  ])('refuse anything shaped like a card number: %j', (body) => {
    expect(containsCardNumber(body)).toBe(true);
    expect(readCardForm(body)).toEqual({ ok: false, reason: 'CARD_NUMBER_SENT' });
  });

  it('let short numbers through', () => {
    expect(containsCardNumber({ saveCard: 'yes', cvc: '123', zip: 'K1A 0B1', phone: '613 555 0100' })).toBe(false);
  });
});

describe('card entry mode', () => {
  it('is the sandbox without a Stripe key, and checks the publishable key with one', () => {
    expect(cardEntryModeFor(loadConfiguration({}))).toEqual({ kind: 'sandbox' });
    const stripe = { STRIPE_SECRET_KEY: 'sk_test_123' };
    expect(cardEntryModeFor(loadConfiguration({ ...stripe, STRIPE_PUBLISHABLE_KEY: 'pk_test_456' }))).toEqual({ kind: 'stripe', publishableKey: 'pk_test_456' });
    expect(cardEntryModeFor(loadConfiguration(stripe))).toEqual({ kind: 'stripe' });
    expect(() => loadConfiguration({ ...stripe, STRIPE_PUBLISHABLE_KEY: 'sk_test_oops' })).toThrow('STRIPE_PUBLISHABLE_KEY');
  });
});

describe('logs', () => {
  it('never carry the token, even when an error message does', async () => {
    const token = 'bGluay0x.c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA';
    expect(scrub(`failed for /pay/${token}/done`, token)).toBe('failed for /pay/[token]/done');
    const logged: unknown[] = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((...args: unknown[]) => void logged.push(...args));
    const sent: { status?: number; body?: string } = {};
    const res = {
      headersSent: false,
      status(code: number) { sent.status = code; return this; },
      set() { return this; },
      send(body: string) { sent.body = body; return this; },
    } as unknown as Response;
    const responder = new PageResponder(new PageSettings(sandbox, assets));
    await responder.guard(res, 'GET /pay/:token', token, () => Promise.reject(new Error(`lookup of ${token} failed`)));
    expect(sent.status).toBe(500);
    expect(sent.body).toContain('Something went wrong on our side');
    expect(JSON.stringify(logged)).not.toContain(token.split('.')[1]);
    expect(JSON.stringify(logged)).toContain('[token]');
    jest.restoreAllMocks();
  });
});
