import type { Command } from '../shared/decider.js';
import type { SavedCardDetails } from './customer.events.js';

export type RegisterCustomer = Command<
  'RegisterCustomer',
  { customerId: string; name: string; email: string; phone?: string | null }
>;

/** Sent after the processor has attached the payment method to its customer object. */
export type SaveCard = Command<'SaveCard', { customerId: string } & SavedCardDetails>;

export type RemoveCard = Command<'RemoveCard', { customerId: string; cardId: string }>;

/** The application generates the token, e-mails it, and passes only its hash. */
export type RequestCard = Command<
  'RequestCard',
  { customerId: string; requestId: string; tokenHash: string; email: string; expiresAt: string }
>;

/**
 * The customer added a card through the request link. Saving the card and closing the request
 * are one decision, so a crash cannot leave a saved card with a request still open.
 */
export type FulfillCardRequest = Command<
  'FulfillCardRequest',
  { customerId: string; requestId: string; card: SavedCardDetails }
>;

/** Sent by a timer once `expiresAt` has passed. */
export type ExpireCardRequest = Command<'ExpireCardRequest', { customerId: string; requestId: string }>;

export type CustomerCommand =
  RegisterCustomer | SaveCard | RemoveCard | RequestCard | FulfillCardRequest | ExpireCardRequest;
