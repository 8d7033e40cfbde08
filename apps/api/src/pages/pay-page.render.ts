/**
 * The customer's pay page (summary, card entry, "save this card") and its confirmation. The
 * functions return page content only; headers and status belong to the controller.
 */
import type { BookingLine, PaymentLinkPage } from '@ledger/application';
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import type { CardEntryMode } from './card-entry-mode.js';
import { cardFields, formMessage, noScriptNotice, tokenField } from './card-fields.render.js';
import type { PageAssets } from './page-assets.js';
import type { PageContent } from './page-layout.js';
import { formatCardBrand, formatInstant, formatMoney, formatServiceDate } from './page-format.js';

export interface PayFormState {
  /** A decline or another reason the last attempt failed, shown above the card fields. */
  readonly error?: string;
  /** Keeps the customer's choice when the page is shown again after a decline. */
  readonly saveCard?: boolean;
}

function businessHeader(name: string): SafeHtml {
  return html`<p class="business-name">${name}</p>`;
}

function lineRow(line: BookingLine): SafeHtml {
  return html`<tr>
<td>${line.description}</td>
<td>${formatServiceDate(line.serviceDate)}</td>
<td class="amount">${formatMoney(line.amount)}</td>
</tr>`;
}

export function summaryTable(page: PaymentLinkPage): SafeHtml {
  return html`<table class="lines">
<caption>Bookings</caption>
<thead><tr><th scope="col">Booking</th><th scope="col">Service date</th><th scope="col" class="amount">Amount</th></tr></thead>
<tbody>
${page.lines.map(lineRow)}
</tbody>
<tfoot><tr><th scope="row" colspan="2">Total</th><td class="amount" id="total">${formatMoney(page.amount)}</td></tr></tfoot>
</table>`;
}

function payForm(page: PaymentLinkPage, mode: CardEntryMode, state: PayFormState): SafeHtml {
  const total = formatMoney(page.amount);
  return html`<form method="post" class="card-form" id="card-form" novalidate data-busy-label="Paying…">
${formMessage(state.error)}
${cardFields(mode, page.business, { kind: 'payment', amount: page.amount })}
${tokenField}
<div class="check">
<input type="checkbox" id="save-card" name="saveCard" value="yes" aria-describedby="save-card-hint"${state.saveCard ? html` checked` : ''}>
<label for="save-card">Save this card for future payments</label>
</div>
<p class="hint" id="save-card-hint">${page.business.name} will keep the card on file and may charge it for your future bookings. Leave this unticked to use the card for this payment only.</p>
<button type="submit" class="primary" id="submit-button">Pay ${total}</button>
</form>
${noScriptNotice}`;
}

export function payPage(page: PaymentLinkPage, mode: CardEntryMode, assets: PageAssets, state: PayFormState = {}): PageContent {
  const { business } = page;
  const body = html`${businessHeader(business.name)}
<h1>Complete your payment</h1>
<p class="lead">Hello ${page.customerName}, here is a summary of what you owe ${business.name}.</p>
<section class="summary" aria-labelledby="summary-heading">
<h2 id="summary-heading">Summary</h2>
${summaryTable(page)}
<p class="hint">This link can be used until ${formatInstant(page.expiresAt, business.timeZone)}.</p>
</section>
<section aria-labelledby="card-heading">
<h2 id="card-heading">Pay by card</h2>
${payForm(page, mode, state)}
</section>`;
  const script = mode.kind === 'sandbox' ? 'sandbox-card-entry.js' : 'stripe-card-entry.js';
  return { title: `Pay ${business.name}`, body, scripts: [assets.url(script)], stripe: mode.kind === 'stripe' };
}

export function paidPage(page: PaymentLinkPage): PageContent {
  const receipt = page.receipt ?? { amount: page.amount };
  const paid = formatMoney(receipt.amount);
  const card = receipt.card ? `${formatCardBrand(receipt.card.brand)} ending in ${receipt.card.last4}` : undefined;
  const body = html`${businessHeader(page.business.name)}
<div class="outcome success">
<h1>Payment received</h1>
<p class="lead">Thank you, ${page.customerName}. You paid <strong id="amount-paid">${paid}</strong> to ${page.business.name}.</p>
</div>
<dl class="receipt">
<dt>Amount paid</dt><dd>${paid}</dd>
${card === undefined ? '' : html`<dt>Card</dt><dd>${card}</dd>`}
</dl>
${summaryTable(page)}
<p class="note">A receipt will be sent to ${page.email}. Please keep it for your records; you do not need to do anything else.</p>`;
  return { title: `Payment received: ${page.business.name}`, body };
}

/** Shown while the processor's answer (or its webhook) is awaited; the page checks again by itself. */
export function processingPage(page: PaymentLinkPage): PageContent {
  const body = html`${businessHeader(page.business.name)}
<div class="outcome pending" role="status">
<h1>Confirming your payment</h1>
<p class="lead">Your payment of ${formatMoney(page.amount)} to ${page.business.name} is being confirmed. This page updates by itself; please do not pay again.</p>
</div>`;
  return { title: `Confirming your payment: ${page.business.name}`, body, refreshSeconds: 3 };
}
