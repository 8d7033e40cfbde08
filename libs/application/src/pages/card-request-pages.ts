/**
 * What the customer's add-card page shows for a token: which business asks for a card, and
 * whether the request can still be fulfilled. Like the pay page it reads the event store, so it
 * agrees with what `FulfillCardRequestCommand` will decide; a token that does not match its
 * request in every part is not found, and the answer never says which part was wrong.
 */
import { Injectable } from '@nestjs/common';
import { isDomainError, streamName } from '@ledger/domain';
import type { CardDisplay, CardRequested, Customer } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { cardRequestTokenMatches, readCardRequestToken } from '../cards/card-request-token.js';
import type { CardRequestAddress } from '../cards/card-request-token.js';
import { Clock } from '../clock.port.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { businessOf } from './business-summary.js';
import type { BusinessSummary } from './business-summary.js';

/** OPEN: the form is shown. SAVED: the customer added a card through this link. */
export type CardRequestPageState = 'OPEN' | 'SAVED' | 'EXPIRED';

export interface CardRequestPage {
  readonly state: CardRequestPageState;
  readonly business: BusinessSummary;
  readonly customerName: string;
  readonly expiresAt: string;
  /** The card added through the link, once it was. */
  readonly card?: CardDisplay;
}

@Injectable()
export class CardRequestPages {
  constructor(
    private readonly store: EventStore,
    private readonly reader: LedgerReader,
    private readonly clock: Clock,
  ) {}

  /** The page for a token, or `undefined` when the token opens nothing. */
  async find(token: string): Promise<CardRequestPage | undefined> {
    const address = readCardRequestToken(token);
    if (address === undefined) return undefined;
    const customer = await this.customerIfAny(address);
    if (customer === undefined || !(await this.tokenIsTheRequests(address, token))) return undefined;
    const request = customer.cardRequests[address.requestId];
    if (request === undefined) return undefined;
    const tenant = await this.reader.tenant(address.tenant);
    const page = { business: businessOf(tenant), customerName: customer.name, expiresAt: request.expiresAt };
    if (request.status === 'FULFILLED') {
      const saved = request.cardId === null ? undefined : customer.cards[request.cardId];
      if (saved === undefined) return { ...page, state: 'SAVED' };
      const { brand, last4, expMonth, expYear } = saved;
      return { ...page, state: 'SAVED', card: { brand, last4, expMonth, expYear } };
    }
    const expired = request.status === 'EXPIRED' || this.clock.now().getTime() >= Date.parse(request.expiresAt);
    return { ...page, state: expired ? 'EXPIRED' : 'OPEN' };
  }

  /** Scoped to the tenant the token names: another business's customer reads as absent. */
  private async customerIfAny(address: CardRequestAddress): Promise<Customer | undefined> {
    try {
      return await this.reader.customer(address.tenant, address.customerId);
    } catch (error) {
      if (isDomainError(error) && (error.code === 'NOT_FOUND' || error.code === 'VALIDATION_FAILED')) return undefined;
      throw error;
    }
  }

  private async tokenIsTheRequests(address: CardRequestAddress, token: string): Promise<boolean> {
    const recorded = await this.store.readStream(streamName.customer(address.customerId));
    const requested = recorded.find(
      (event) => event.type === 'CardRequested' && (event.data as CardRequested['data']).requestId === address.requestId,
    );
    return requested !== undefined && cardRequestTokenMatches(token, (requested.data as CardRequested['data']).tokenHash);
  }
}
