/**
 * Turns the API's card fields into the payment's card choice: a named card on file, a token
 * saved for later (a new card) or used once (a one-time card), or, with neither, the customer's
 * most recently saved card.
 */
import { DomainError, activeCards } from '@ledger/domain';
import type { Customer } from '@ledger/domain';
import type { CardInput } from '../commands/charge.commands.js';
import type { CardChoice } from './card-payments.js';

export function cardChoice(input: CardInput, customer: Customer): CardChoice {
  if (input.cardId !== undefined && input.paymentMethodToken !== undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Give either cardId or paymentMethodToken, not both', { field: 'cardId' });
  }
  if (input.paymentMethodToken !== undefined) {
    return { method: input.saveCard === true ? 'NEW_CARD' : 'ONE_TIME_CARD', paymentMethodToken: input.paymentMethodToken };
  }
  if (input.saveCard === true) {
    throw new DomainError('VALIDATION_FAILED', 'saveCard applies to a new card (paymentMethodToken) only', { field: 'saveCard' });
  }
  const cards = activeCards(customer);
  if (input.cardId !== undefined) {
    if (!cards.some((card) => card.cardId === input.cardId)) throw new DomainError('CARD_NOT_FOUND', `Card ${input.cardId} is not on file for this customer`, { cardId: input.cardId });
    return { method: 'CARD_ON_FILE', cardId: input.cardId };
  }
  const latest = cards[cards.length - 1];
  if (!latest) throw new DomainError('CARD_NOT_FOUND', 'The customer has no card on file; give a paymentMethodToken or send a payment link', {});
  return { method: 'CARD_ON_FILE', cardId: latest.cardId };
}
