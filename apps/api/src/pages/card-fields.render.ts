/**
 * The card entry part of the pay and add-card forms. In the sandbox: labelled inputs with the
 * standard `autocomplete` names, so browsers, password managers and assistive tools recognise
 * them; they have no `name`, so the browser never submits them, and the sandbox script puts only
 * the test token into the hidden field. With Stripe: a slot for the Payment Element and the data
 * Stripe.js needs, carried in `data-` attributes because the policy allows no inline script.
 */
import type { Money } from '@ledger/domain';
import type { BusinessSummary } from '@ledger/application';
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import type { CardEntryMode } from './card-entry-mode.js';

/** What the card will be used for: a payment of an amount now, or saving it for later. */
export type CardPurpose = { readonly kind: 'payment'; readonly amount: Money } | { readonly kind: 'setup' };

function fieldError(id: string): SafeHtml {
  return html`<p class="field-error" id="${id}" hidden></p>`;
}

export function sandboxCardFields(): SafeHtml {
  return html`<fieldset class="card-fields">
<legend>Card details</legend>
<p class="test-note" id="test-card-note">Test mode: no real card is charged. Use a Stripe test card such as 4242 4242 4242 4242, any future expiry date and any three-digit security code.</p>
<div class="field">
<label for="cc-name">Name on card</label>
<input id="cc-name" type="text" autocomplete="cc-name" autocapitalize="words" spellcheck="false" aria-describedby="cc-name-error">
${fieldError('cc-name-error')}
</div>
<div class="field">
<label for="cc-number">Card number</label>
<input id="cc-number" type="text" inputmode="numeric" autocomplete="cc-number" spellcheck="false" maxlength="23" aria-describedby="test-card-note cc-number-error">
${fieldError('cc-number-error')}
</div>
<div class="field-row">
<div class="field">
<label for="cc-exp">Expiry date (MM / YY)</label>
<input id="cc-exp" type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" maxlength="7" aria-describedby="cc-exp-error">
${fieldError('cc-exp-error')}
</div>
<div class="field">
<label for="cc-csc">Security code (CVC)</label>
<input id="cc-csc" type="text" inputmode="numeric" autocomplete="cc-csc" maxlength="4" aria-describedby="cc-csc-error">
${fieldError('cc-csc-error')}
</div>
</div>
</fieldset>`;
}

export function stripeCardFields(publishableKey: string, business: BusinessSummary, purpose: CardPurpose): SafeHtml {
  const amount = purpose.kind === 'payment' ? purpose.amount : undefined;
  return html`<div class="field">
<p class="label" id="payment-element-label">Card details</p>
<div id="payment-element" class="payment-element" role="group" aria-labelledby="payment-element-label"
 data-publishable-key="${publishableKey}"
 data-stripe-account="${business.processorAccountId ?? ''}"
 data-mode="${purpose.kind}"
 data-amount="${amount?.amountMinor ?? ''}"
 data-currency="${(amount?.currency ?? business.currency).toLowerCase()}"></div>
${fieldError('payment-element-error')}
</div>`;
}

export function cardFields(mode: CardEntryMode, business: BusinessSummary, purpose: CardPurpose): SafeHtml {
  if (mode.kind === 'sandbox') return sandboxCardFields();
  return stripeCardFields(mode.publishableKey ?? '', business, purpose);
}

/** The token field the scripts fill in, and the form-level message (a decline, say). */
export function formMessage(error: string | undefined): SafeHtml {
  return html`<div class="form-error" id="form-error" role="alert" tabindex="-1"${error === undefined ? html` hidden` : ''}>${error ?? ''}</div>`;
}

export const tokenField = html`<input type="hidden" name="paymentMethodToken" id="payment-method-token" value="">`;

export const noScriptNotice = html`<noscript><p class="notice">This page needs JavaScript to read your card securely. Please turn it on and reload the page.</p></noscript>`;
