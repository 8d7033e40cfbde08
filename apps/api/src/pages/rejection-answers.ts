/**
 * What a customer sees when the ledger refuses a card form: the form again with a message they
 * can act on (another card, try again), a friendly page for a link that cannot be used, or a
 * fresh look at the link when it changed under the request (paid in another tab, say).
 */
import type { Rejection } from '@ledger/application';
import type { Notice } from './notice-page.render.js';
import { notices } from './notice-page.render.js';

export type RejectionAnswer =
  | { readonly kind: 'retry'; readonly status: number; readonly message: string }
  | { readonly kind: 'notice'; readonly notice: (businessName: string) => Notice }
  | { readonly kind: 'recheck' };

/** The processor's decline messages are written for cardholders ("Your card has insufficient funds."); anything odd is replaced. */
function declineMessage(message: string): string {
  const plain = /^[\p{L}\p{N} .,'’()-]{1,200}$/u.test(message) ? message : 'Your card was declined.';
  return `${plain} Please try another card.`;
}

export function rejectionAnswer(error: Rejection, what: 'payment' | 'card' = 'payment'): RejectionAnswer {
  switch (error.code) {
    case 'CARD_DECLINED':
      return { kind: 'retry', status: 402, message: declineMessage(error.message) };
    case 'PROCESSOR_REJECTED':
      return { kind: 'retry', status: 400, message: 'We could not use this card. Please check the details or try another card.' };
    case 'PROCESSOR_UNAVAILABLE':
      return { kind: 'retry', status: 503, message: 'We could not reach the card processor, and no money was taken. Please try again in a moment.' };
    case 'VALIDATION_FAILED':
      return { kind: 'retry', status: 400, message: 'Please check your card details and try again.' };
    case 'LINK_EXPIRED':
      return { kind: 'notice', notice: (name) => notices.expired(name, what) };
    case 'STRIPE_NOT_CONNECTED':
      return { kind: 'notice', notice: (name) => notices.cardsUnavailable(name) };
    case 'AMOUNT_EXCEEDS_BALANCE':
      return { kind: 'notice', notice: (name) => notices.outdated(name) };
    case 'NOT_FOUND':
      return { kind: 'notice', notice: () => notices.unknownLink() };
    default:
      return { kind: 'recheck' };
  }
}
