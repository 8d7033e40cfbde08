import { DomainError } from '../shared/domain-error.js';
import { type Decider, unreachable } from '../shared/decider.js';
import { requireCardDisplay } from '../shared/payment-method.js';
import { requireEmail, requireInstant, requireText, requireWrittenText } from '../shared/validation.js';
import type {
  CustomerCommand,
  ExpireCardRequest,
  FulfillCardRequest,
  RegisterCustomer,
  RemoveCard,
  RequestCard,
  SaveCard,
} from './customer.commands.js';
import type { CustomerEvent, SavedCardDetails } from './customer.events.js';
import {
  type CardRequest,
  type Customer,
  type CustomerState,
  evolveCustomer,
  initialCustomerState,
} from './customer.state.js';

/** A stream holding another id means the caller loaded the wrong stream: to it, ours is unknown. */
function requireCustomer(state: CustomerState, customerId: string): Customer {
  if (state.status === 'NONE' || state.customerId !== customerId) {
    throw new DomainError('NOT_FOUND', 'unknown customer', { customerId });
  }
  return state;
}

function requireCardRequest(customer: Customer, requestId: string): CardRequest {
  const request = customer.cardRequests[requestId];
  if (request === undefined) throw new DomainError('NOT_FOUND', 'unknown card request', { requestId });
  return request;
}

function registerCustomer(command: RegisterCustomer, state: CustomerState): CustomerEvent[] {
  const { customerId, name, email } = command.data;
  if (state.status !== 'NONE') throw new DomainError('ALREADY_EXISTS', 'customer already registered', { customerId });
  requireText(customerId, 'customerId', 128);
  requireWrittenText(name, 'name', 200);
  requireEmail(email);
  const phone = command.data.phone == null ? null : requireWrittenText(command.data.phone, 'phone', 32);
  return [{ type: 'CustomerRegistered', data: { customerId, name, email, phone } }];
}

/** Shared by a direct save and a fulfilled card request, so both obey the same rules. */
function cardSaved(customer: Customer, card: SavedCardDetails): CustomerEvent {
  requireText(card.cardId, 'cardId', 128);
  requireText(card.processorCustomerId, 'processorCustomerId', 255);
  requireText(card.processorPaymentMethodId, 'processorPaymentMethodId', 255);
  requireCardDisplay(card);
  if (customer.cards[card.cardId] !== undefined) {
    throw new DomainError('ALREADY_EXISTS', 'card id already used', { cardId: card.cardId });
  }
  const duplicate = Object.values(customer.cards).find(
    (saved) => !saved.removed && saved.processorPaymentMethodId === card.processorPaymentMethodId,
  );
  if (duplicate !== undefined) {
    throw new DomainError('ALREADY_EXISTS', 'this payment method is already on file', { cardId: duplicate.cardId });
  }
  const { cardId, processorCustomerId, processorPaymentMethodId, brand, last4, expMonth, expYear } = card;
  return {
    type: 'CardSaved',
    data: {
      customerId: customer.customerId,
      cardId,
      processorCustomerId,
      processorPaymentMethodId,
      brand,
      last4,
      expMonth,
      expYear,
    },
  };
}

function saveCard(command: SaveCard, state: CustomerState): CustomerEvent[] {
  return [cardSaved(requireCustomer(state, command.data.customerId), command.data)];
}

function removeCard(command: RemoveCard, state: CustomerState): CustomerEvent[] {
  const customer = requireCustomer(state, command.data.customerId);
  const card = customer.cards[command.data.cardId];
  if (card === undefined) throw new DomainError('CARD_NOT_FOUND', 'unknown card', { cardId: command.data.cardId });
  if (card.removed) return [];
  return [{ type: 'CardRemoved', data: { customerId: customer.customerId, cardId: card.cardId } }];
}

function requestCard(command: RequestCard, state: CustomerState): CustomerEvent[] {
  const customer = requireCustomer(state, command.data.customerId);
  const { requestId, tokenHash, email, expiresAt } = command.data;
  requireText(requestId, 'requestId', 128);
  if (customer.cardRequests[requestId] !== undefined) {
    throw new DomainError('ALREADY_EXISTS', 'card request already made', { requestId });
  }
  requireText(tokenHash, 'tokenHash', 256);
  requireEmail(email);
  if (requireInstant(expiresAt, 'expiresAt') <= requireInstant(command.context.now, 'now')) {
    throw new DomainError('VALIDATION_FAILED', 'expiresAt must be in the future', { field: 'expiresAt', expiresAt });
  }
  return [{ type: 'CardRequested', data: { customerId: customer.customerId, requestId, tokenHash, email, expiresAt } }];
}

function fulfillCardRequest(command: FulfillCardRequest, state: CustomerState): CustomerEvent[] {
  const customer = requireCustomer(state, command.data.customerId);
  const { requestId, card } = command.data;
  const request = requireCardRequest(customer, requestId);
  if (request.status === 'FULFILLED') {
    if (request.cardId === card.cardId) return [];
    throw new DomainError('INVALID_STATE', 'card request already fulfilled', { requestId, cardId: request.cardId });
  }
  const expired = requireInstant(command.context.now, 'now') >= requireInstant(request.expiresAt, 'expiresAt');
  if (request.status === 'EXPIRED' || expired) {
    throw new DomainError('LINK_EXPIRED', 'card request link has expired', { requestId, expiresAt: request.expiresAt });
  }
  return [
    cardSaved(customer, card),
    { type: 'CardRequestFulfilled', data: { customerId: customer.customerId, requestId, cardId: card.cardId } },
  ];
}

function expireCardRequest(command: ExpireCardRequest, state: CustomerState): CustomerEvent[] {
  const customer = requireCustomer(state, command.data.customerId);
  const request = requireCardRequest(customer, command.data.requestId);
  // A timer that fires after the customer already acted has nothing left to do.
  if (request.status !== 'PENDING') return [];
  if (requireInstant(command.context.now, 'now') < requireInstant(request.expiresAt, 'expiresAt')) {
    throw new DomainError('INVALID_STATE', 'card request has not expired yet', { expiresAt: request.expiresAt });
  }
  return [{ type: 'CardRequestExpired', data: { customerId: customer.customerId, requestId: request.requestId } }];
}

export function decideCustomer(command: CustomerCommand, state: CustomerState): CustomerEvent[] {
  switch (command.type) {
    case 'RegisterCustomer':
      return registerCustomer(command, state);
    case 'SaveCard':
      return saveCard(command, state);
    case 'RemoveCard':
      return removeCard(command, state);
    case 'RequestCard':
      return requestCard(command, state);
    case 'FulfillCardRequest':
      return fulfillCardRequest(command, state);
    case 'ExpireCardRequest':
      return expireCardRequest(command, state);
    default: {
      const _exhaustive: never = command;
      return unreachable(_exhaustive, 'customer command');
    }
  }
}

export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = {
  initialState: initialCustomerState,
  decide: decideCustomer,
  evolve: evolveCustomer,
};
