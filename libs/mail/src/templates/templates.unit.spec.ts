// Goal: every e-mail says what the customer or administrator needs (names, bookings, amounts
// formatted from minor units, the link, its expiry) in both HTML and text, and nothing a
// customer typed can inject markup or a header.
// Method: render each template with plain data and assert on the output strings.
import { escapeHtml, formatMoney, formatServiceDate, formatInstant } from './format.js';
import { renderCardRequestEmail } from './card-request.template.js';
import { renderLinkPaidAdminEmail } from './link-paid-admin.template.js';
import { renderPaymentLinkEmail } from './payment-link.template.js';
import { renderReceiptEmail } from './receipt.template.js';

const view = { timeZone: 'America/Toronto' };
const bookings = [
  { description: 'Deep clean, 3 bedrooms', serviceDate: '2026-11-20', amount: { amountMinor: 12_500, currency: 'CAD' } },
  { description: 'Windows <inside & out>', serviceDate: '2026-11-27T15:00:00.000Z', amount: { amountMinor: 4_050, currency: 'CAD' } },
];
const total = { amountMinor: 16_550, currency: 'CAD' };

describe('formatting', () => {
  it.each([
    [{ amountMinor: 12_550, currency: 'CAD' }, 'CA$125.50'],
    [{ amountMinor: 5, currency: 'USD' }, '$0.05'],
    [{ amountMinor: -12_550, currency: 'EUR' }, '-€125.50'],
    [{ amountMinor: 1_500, currency: 'JPY' }, '¥1,500'],
    [{ amountMinor: 1_234, currency: 'KWD' }, 'KWD 1.234'],
    [{ amountMinor: 9_007_199_254_740_991, currency: 'USD' }, '$90,071,992,547,409.91'],
  ])('formats %j as %s from minor units, exactly', (money, expected) => {
    expect(formatMoney(money).replace(/\u00a0/g, ' ')).toBe(expected);
  });

  it('keeps a calendar service date on its day and shows instants in the business time zone', () => {
    expect(formatServiceDate('2026-11-20', 'Pacific/Kiritimati')).toBe('November 20, 2026');
    expect(formatInstant('2026-11-27T15:00:00.000Z', 'America/Toronto')).toMatch(/November 27, 2026.*10:00\sAM EST/);
  });

  it('escapes everything that means something in HTML', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('payment link e-mail', () => {
  const email = renderPaymentLinkEmail({
    ...view,
    businessName: 'Sparkle Cleaning',
    customerName: 'Ada <script>alert(1)</script>',
    url: 'https://pay.example.com/pay/abc.def',
    bookings,
    total,
    expiresAt: '2026-11-29T10:00:00.000Z',
  });

  it('asks for the total with a Complete Payment link to the pay page', () => {
    expect(email.subject).toBe('Payment request from Sparkle Cleaning: CA$165.50');
    expect(email.html).toMatch(/<a href="https:\/\/pay\.example\.com\/pay\/abc\.def"[^>]*>Complete Payment<\/a>/);
    expect(email.text).toContain('Complete Payment: https://pay.example.com/pay/abc.def');
  });

  it('lists each booking with its description, service date and amount, and the total', () => {
    for (const part of [email.html, email.text]) {
      expect(part).toContain('Deep clean, 3 bedrooms');
      expect(part).toContain('November 20, 2026');
      expect(part).toContain('CA$125.00');
      expect(part).toContain('CA$40.50');
      expect(part).toContain('CA$165.50');
      expect(part).toMatch(/until November 29, 2026/);
    }
    expect(email.text).toContain('Windows <inside & out>');
  });

  it('escapes what customers and staff typed', () => {
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Ada &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('Windows &lt;inside &amp; out&gt;');
  });

  it('is an accessible document: language, title, one heading, a captioned table with header cells', () => {
    expect(email.html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(email.html).toContain('<title>Payment request from Sparkle Cleaning: CA$165.50</title>');
    expect(email.html.match(/<h1/g)).toHaveLength(1);
    expect(email.html).toContain('<caption');
    expect(email.html).toContain('<th scope="col"');
  });

  it('keeps the subject on one line whatever the business name holds', () => {
    const rendered = renderPaymentLinkEmail({ ...view, businessName: 'Evil\r\nBcc: x@example.com', customerName: 'A', url: 'u', bookings, total, expiresAt: '2026-11-29T10:00:00.000Z' });
    expect(rendered.subject).toBe('Payment request from Evil Bcc: x@example.com: CA$165.50');
  });
});

describe('card request e-mail', () => {
  const email = renderCardRequestEmail({
    ...view,
    businessName: 'Sparkle Cleaning',
    customerName: 'Ada Lovelace',
    url: 'https://pay.example.com/card/tok',
    expiresAt: '2026-11-29T10:00:00.000Z',
  });

  it('links to the add-card page and says that adding a card charges nothing', () => {
    expect(email.subject).toBe('Sparkle Cleaning asks you to add a payment card');
    expect(email.html).toMatch(/<a href="https:\/\/pay\.example\.com\/card\/tok"[^>]*>Add Your Card<\/a>/);
    expect(email.text).toContain('Add Your Card: https://pay.example.com/card/tok');
    expect(email.text).toContain('adding the card charges nothing');
  });
});

describe('admin notification e-mail', () => {
  const email = renderLinkPaidAdminEmail({
    ...view,
    businessName: 'Sparkle Cleaning',
    customerName: 'Ada Lovelace',
    customerEmail: 'ada@example.com',
    amount: total,
    bookings,
    paidAt: '2026-11-22T15:30:00.000Z',
    paymentId: 'payment-1',
  });

  it('says who paid how much for which bookings, and how to turn the notice off', () => {
    expect(email.subject).toBe('Ada Lovelace paid CA$165.50 through a payment link');
    expect(email.text).toContain('Ada Lovelace (ada@example.com) paid CA$165.50');
    expect(email.text).toContain('Payment reference: payment-1');
    expect(email.html).toContain('Deep clean, 3 bedrooms');
    expect(email.text).toMatch(/turned off in the payment settings/);
  });
});

describe('receipt e-mail', () => {
  const email = renderReceiptEmail({
    ...view,
    businessName: 'Sparkle Cleaning',
    customerName: 'Ada Lovelace',
    amount: total,
    bookings,
    paidAt: '2026-11-22T15:30:00.000Z',
    card: { brand: 'visa', last4: '4242' },
    paymentId: 'payment-1',
  });

  it('confirms the amount, the card by brand and last four digits, and the bookings', () => {
    expect(email.subject).toBe('Your receipt from Sparkle Cleaning: CA$165.50');
    expect(email.text).toContain('received your payment of CA$165.50 with your Visa card ending in 4242');
    expect(email.html).toContain('CA$125.00');
    expect(email.text).toContain('Payment reference: payment-1');
  });
});
