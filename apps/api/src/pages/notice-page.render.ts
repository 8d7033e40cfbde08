/**
 * The friendly pages for links that cannot be used (unknown, expired, cancelled, already used)
 * and for requests that cannot be served. Each names what happened and what to do next, with the
 * status a client or crawler should see, and never shows an error's inner workings.
 */
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import type { PageContent } from './page-layout.js';

export interface Notice {
  readonly status: number;
  readonly content: PageContent;
}

function notice(status: number, title: string, message: SafeHtml | string, businessName?: string): Notice {
  const body = html`${businessName === undefined ? '' : html`<p class="business-name">${businessName}</p>`}
<div class="outcome notice-box">
<h1>${title}</h1>
<p class="lead">${message}</p>
</div>`;
  return { status, content: { title, body } };
}

function contact(businessName: string | undefined): string {
  return businessName === undefined ? 'the business that sent it' : businessName;
}

export const notices = {
  unknownLink: (): Notice =>
    notice(404, 'We could not find this link', 'The link may be incomplete or mistyped. Please open it again from your e-mail, or contact the business that sent it.'),
  expired: (businessName: string, what: 'payment' | 'card'): Notice =>
    notice(410, `This ${what === 'payment' ? 'payment' : 'add-card'} link has expired`, `For your security, these links only work for a limited time. Please contact ${businessName} for a new link.`, businessName),
  cancelled: (businessName: string): Notice =>
    notice(410, 'This payment link is no longer active', `${businessName} cancelled this link. If you still need to pay, please contact them for a new one.`, businessName),
  alreadyPaid: (businessName: string, doneUrl: string): Notice =>
    notice(410, 'This link has already been paid', html`Thank you, nothing more is owed through this link. <a href="${doneUrl}">See the payment confirmation</a>.`, businessName),
  cardAlreadySaved: (businessName: string, card: string | undefined): Notice =>
    notice(410, 'This link was already used', `${card === undefined ? 'A card was' : `Your ${card} was`} already saved with ${businessName} through this link. To add another card, please ask ${businessName} for a new link.`, businessName),
  outdated: (businessName: string): Notice =>
    notice(409, 'This payment link is out of date', `What you owe has changed since this link was sent, so it can no longer be used. Please contact ${businessName} for an up-to-date link.`, businessName),
  cardsUnavailable: (businessName?: string): Notice =>
    notice(503, 'Card payments are not available right now', `Online card entry is not available at the moment. Please try again later or contact ${contact(businessName)}.`, businessName),
  cardNumberSent: (): Notice =>
    notice(400, 'Card numbers cannot be sent to this page', 'For your security, this site never accepts card numbers directly. Please go back and enter your card in the card form on the page.'),
  failure: (): Notice =>
    notice(500, 'Something went wrong on our side', 'Please try again in a few minutes. If a payment went through, you will receive a receipt by e-mail, and you will not be charged twice.'),
};
