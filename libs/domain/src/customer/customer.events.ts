import type { Event } from '../shared/decider.js';

/**
 * A card on file is a processor reference plus what a person needs to recognise it. The card
 * number never reaches the ledger, so neither events nor commands have a field for it.
 */
export type SavedCardDetails = Readonly<{
  cardId: string;
  processorCustomerId: string;
  processorPaymentMethodId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}>;

export type CustomerRegistered = Event<
  'CustomerRegistered',
  { customerId: string; name: string; email: string; phone: string | null }
>;

export type CardSaved = Event<'CardSaved', { customerId: string } & SavedCardDetails>;

export type CardRemoved = Event<'CardRemoved', { customerId: string; cardId: string }>;

/** Only the hash of the secret link token is kept, so a leaked log cannot be used to add a card. */
export type CardRequested = Event<
  'CardRequested',
  { customerId: string; requestId: string; tokenHash: string; email: string; expiresAt: string }
>;

export type CardRequestFulfilled = Event<
  'CardRequestFulfilled',
  { customerId: string; requestId: string; cardId: string }
>;

export type CardRequestExpired = Event<'CardRequestExpired', { customerId: string; requestId: string }>;

export type CustomerEvent =
  CustomerRegistered | CardSaved | CardRemoved | CardRequested | CardRequestFulfilled | CardRequestExpired;
