/**
 * The customer profile: contact details, the cards on file and the add-card requests sent.
 * Processor references and token hashes stay out: the dashboard never needs them, and a read
 * store is copied to more places than the log. Type aliases so documents stay assignable to `Doc`.
 */
import type { CardRequestStatus } from '@ledger/domain';

export type CustomerCard = { cardId: string; brand: string; last4: string; expMonth: number; expYear: number };

export type CustomerCardRequest = {
  requestId: string;
  status: CardRequestStatus;
  email: string;
  expiresAt: string;
  /** The card the customer added through the request, once fulfilled. */
  cardId: string | null;
};

/**
 * The customer's balance is deliberately absent: it is the sum of the `bookings` documents'
 * balances for this customer, computed at query time, so it can never disagree with them.
 */
export type CustomerProfileDocument = {
  tenant: string;
  customerId: string;
  name: string;
  email: string;
  phone: string | null;
  /** Active cards only: a removed card is dropped from the list. */
  cards: CustomerCard[];
  cardRequests: CustomerCardRequest[];
  createdAt: string;
  updatedAt: string;
  position: string;
};
