/**
 * Commands about a business's customers and their cards on file: registering a customer, saving
 * and removing a card, and the add-card link sent to a customer who booked without a card.
 */
import { Command } from '@nestjs/cqrs';
import type { CardRequestStatus } from '@ledger/domain';
import type { SavedCardResult } from '../cards/card-vault.js';
import type { Caller } from '../command-contexts.js';

export class RegisterCustomerCommand extends Command<{ customerId: string }> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly name: string; readonly email: string; readonly phone?: string | null },
  ) {
    super();
  }
}

export class SaveCardCommand extends Command<SavedCardResult> {
  constructor(
    readonly caller: Caller,
    readonly input: {
      readonly customerId: string;
      readonly paymentMethodToken: string;
      /** The same key with the same input answers with the first result and saves the card once. */
      readonly idempotencyKey?: string;
    },
  ) {
    super();
  }
}

export class RemoveCardCommand extends Command<{ cardId: string }> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly customerId: string; readonly cardId: string },
  ) {
    super();
  }
}

export interface CardRequestResult {
  readonly requestId: string;
  /** The secret for the add-card link; it is returned once and never stored. */
  readonly token: string;
  readonly expiresAt: string;
  /** Where the link is to be sent: the given address, else the customer's own. */
  readonly email: string;
}

export class RequestCardCommand extends Command<CardRequestResult> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly customerId: string; readonly email?: string },
  ) {
    super();
  }
}

/**
 * Sent by the add-card page on behalf of the customer, who has no API key: the token says which
 * business and request it is for, and proves the sender received the link.
 */
export class FulfillCardRequestCommand extends Command<SavedCardResult> {
  constructor(readonly input: { readonly token: string; readonly paymentMethodToken: string }) {
    super();
  }
}

/** Sent by a timer once the request's time is up. */
export class ExpireCardRequestCommand extends Command<{ requestId: string; status: CardRequestStatus }> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly customerId: string; readonly requestId: string },
  ) {
    super();
  }
}
