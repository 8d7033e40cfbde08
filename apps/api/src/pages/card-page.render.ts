/** The customer's add-card page and its confirmation; headers and status belong to the controller. */
import type { CardRequestPage } from '@ledger/application';
import type { CardDisplay } from '@ledger/domain';
import { html } from './html.js';
import type { CardEntryMode } from './card-entry-mode.js';
import { cardFields, formMessage, noScriptNotice, tokenField } from './card-fields.render.js';
import type { PageAssets } from './page-assets.js';
import type { PageContent } from './page-layout.js';
import { formatCardBrand, formatInstant } from './page-format.js';

export function describeCard(card: CardDisplay): string {
  return `${formatCardBrand(card.brand)} ending in ${card.last4} (expires ${String(card.expMonth).padStart(2, '0')}/${card.expYear})`;
}

export function addCardPage(page: CardRequestPage, mode: CardEntryMode, assets: PageAssets, error?: string): PageContent {
  const { business } = page;
  const body = html`<p class="business-name">${business.name}</p>
<h1>Add a card for future payments</h1>
<p class="lead">Hello ${page.customerName}, ${business.name} asked you to add a card to your account, so your bookings can be paid without a call.</p>
<form method="post" class="card-form" id="card-form" novalidate data-busy-label="Saving…">
${formMessage(error)}
${cardFields(mode, business, { kind: 'setup' })}
${tokenField}
<p class="hint">By saving this card you allow ${business.name} to charge it for your bookings. This link can be used until ${formatInstant(page.expiresAt, business.timeZone)}.</p>
<button type="submit" class="primary" id="submit-button">Save card</button>
</form>
${noScriptNotice}`;
  const script = mode.kind === 'sandbox' ? 'sandbox-card-entry.js' : 'stripe-card-entry.js';
  return { title: `Add a card: ${business.name}`, body, scripts: [assets.url(script)], stripe: mode.kind === 'stripe' };
}

export function cardSavedPage(page: CardRequestPage): PageContent {
  const body = html`<p class="business-name">${page.business.name}</p>
<div class="outcome success">
<h1>Card saved</h1>
<p class="lead">Thank you, ${page.customerName}. ${page.business.name} now has your card on file.</p>
</div>
${page.card === undefined ? '' : html`<dl class="receipt"><dt>Card</dt><dd id="saved-card">${describeCard(page.card)}</dd></dl>`}
<p class="note">You do not need to do anything else. You can close this page.</p>`;
  return { title: `Card saved: ${page.business.name}`, body };
}
