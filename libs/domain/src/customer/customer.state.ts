import { invariant, unreachable } from '../shared/decider.js';
import type { CustomerEvent, SavedCardDetails } from './customer.events.js';

export type CardOnFile = SavedCardDetails & Readonly<{ removed: boolean }>;

export type CardRequestStatus = 'PENDING' | 'FULFILLED' | 'EXPIRED';

export type CardRequest = Readonly<{
  requestId: string;
  expiresAt: string;
  status: CardRequestStatus;
  cardId: string | null;
}>;

export type Customer = Readonly<{
  status: 'REGISTERED';
  customerId: string;
  name: string;
  email: string;
  phone: string | null;
  /** Removed cards stay here, flagged, so their ids are never handed out again. */
  cards: Readonly<Record<string, CardOnFile>>;
  cardRequests: Readonly<Record<string, CardRequest>>;
}>;

export type CustomerState = Readonly<{ status: 'NONE' }> | Customer;

export const initialCustomerState: CustomerState = { status: 'NONE' };

export function activeCards(state: CustomerState): CardOnFile[] {
  return state.status === 'NONE' ? [] : Object.values(state.cards).filter((card) => !card.removed);
}

function withRequest(customer: Customer, requestId: string, change: Partial<CardRequest>): Customer {
  const request = customer.cardRequests[requestId];
  invariant(request !== undefined, `card request ${requestId} was never made`);
  return { ...customer, cardRequests: { ...customer.cardRequests, [requestId]: { ...request, ...change } } };
}

export function evolveCustomer(state: CustomerState, event: CustomerEvent): CustomerState {
  if (event.type === 'CustomerRegistered') {
    invariant(state.status === 'NONE', 'a customer is registered once');
    const { customerId, name, email, phone } = event.data;
    return { status: 'REGISTERED', customerId, name, email, phone, cards: {}, cardRequests: {} };
  }
  invariant(state.status === 'REGISTERED', `${event.type} before CustomerRegistered`);
  switch (event.type) {
    case 'CardSaved': {
      const { customerId: _customerId, ...card } = event.data;
      return { ...state, cards: { ...state.cards, [card.cardId]: { ...card, removed: false } } };
    }
    case 'CardRemoved': {
      const card = state.cards[event.data.cardId];
      invariant(card !== undefined, `card ${event.data.cardId} was never saved`);
      return { ...state, cards: { ...state.cards, [card.cardId]: { ...card, removed: true } } };
    }
    case 'CardRequested': {
      const { requestId, expiresAt } = event.data;
      const request: CardRequest = { requestId, expiresAt, status: 'PENDING', cardId: null };
      return { ...state, cardRequests: { ...state.cardRequests, [requestId]: request } };
    }
    case 'CardRequestFulfilled':
      return withRequest(state, event.data.requestId, { status: 'FULFILLED', cardId: event.data.cardId });
    case 'CardRequestExpired':
      return withRequest(state, event.data.requestId, { status: 'EXPIRED' });
    default: {
      const _exhaustive: never = event;
      return unreachable(_exhaustive, 'customer event');
    }
  }
}
