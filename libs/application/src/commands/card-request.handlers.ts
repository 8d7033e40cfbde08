/**
 * Add-card links for customers who booked without a card (by phone, say). Requesting one records
 * only the hash of a fresh secret token; the customer's page later presents the token, which is
 * checked against the hash in constant time and against the request's expiry before the card
 * reaches the processor. A wrong or unknown token is simply NOT_FOUND, so it reveals nothing.
 */
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { DomainError, customerDecider, isDomainError, streamName } from '@ledger/domain';
import type { CardRequest, CardRequestStatus, CardRequested, Customer } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { CardVault, cardResult, requireCardProcessor } from '../cards/card-vault.js';
import type { SavedCardResult } from '../cards/card-vault.js';
import { cardRequestTokenMatches, issueCardRequestToken, readCardRequestToken } from '../cards/card-request-token.js';
import type { CardRequestAddress } from '../cards/card-request-token.js';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { deriveId } from '../ids.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { ExpireCardRequestCommand, FulfillCardRequestCommand, RequestCardCommand } from './customer.commands.js';
import type { CardRequestResult } from './customer.commands.js';

/** How long an add-card link stays usable. */
export const CARD_REQUEST_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

@CommandHandler(RequestCardCommand)
export class RequestCardHandler implements ICommandHandler<RequestCardCommand, CardRequestResult> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
  ) {}

  async execute({ caller, input }: RequestCardCommand): Promise<CardRequestResult> {
    const tenant = await this.reader.tenant(caller.tenant);
    // A link whose card could not be kept anywhere is not worth sending.
    requireCardProcessor(tenant);
    const customer = await this.reader.customer(caller.tenant, input.customerId);
    const requestId = randomUUID();
    const { token, tokenHash } = issueCardRequestToken({ tenant: tenant.tenantId, customerId: customer.customerId, requestId });
    const context = this.contexts.create(randomUUID(), caller.tenant, caller.actor);
    const expiresAt = new Date(Date.parse(context.now) + CARD_REQUEST_LIFETIME_MS).toISOString();
    const email = input.email ?? customer.email;
    const data = { customerId: customer.customerId, requestId, tokenHash, email, expiresAt };
    await this.runner.decide(streamName.customer(customer.customerId), customerDecider, { type: 'RequestCard', data, context });
    return { requestId, token, expiresAt, email };
  }
}

@CommandHandler(FulfillCardRequestCommand)
export class FulfillCardRequestHandler implements ICommandHandler<FulfillCardRequestCommand, SavedCardResult> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly store: EventStore,
    private readonly vault: CardVault,
  ) {}

  async execute({ input }: FulfillCardRequestCommand): Promise<SavedCardResult> {
    const address = readCardRequestToken(input.token);
    if (address === undefined) throw unknownLink();
    const { customer, request } = await this.verify(address, input.token);
    const { tenant: tenantId, customerId, requestId } = address;
    // Derived from the request and the card, so a double-submitted form saves one card.
    const cardId = deriveId(requestId, 'card', input.paymentMethodToken);
    const context = this.contexts.create(deriveId(cardId, 'fulfil'), tenantId, { kind: 'CUSTOMER', id: customerId });
    if (request.status === 'FULFILLED') {
      // The same card again is the form submitted twice; another card needs a new link.
      const saved = customer.cards[cardId];
      if (request.cardId === cardId && saved !== undefined) return cardResult(saved);
      throw new DomainError('INVALID_STATE', 'This add-card link was already used', { requestId });
    }
    // Checked before the processor is called, so an expired link never attaches a card there.
    if (request.status === 'EXPIRED' || Date.parse(context.now) >= Date.parse(request.expiresAt)) {
      throw new DomainError('LINK_EXPIRED', 'This add-card link has expired', { requestId, expiresAt: request.expiresAt });
    }
    const tenant = await this.reader.tenant(tenantId);
    const card = await this.vault.attach({ tenant, customer, paymentMethodToken: input.paymentMethodToken, cardId });
    await this.runner.decide(streamName.customer(customerId), customerDecider, {
      type: 'FulfillCardRequest',
      data: { customerId, requestId, card },
      context,
    });
    return cardResult(card);
  }

  /** Finds the request the token names and proves the token is its own. */
  private async verify(address: CardRequestAddress, token: string): Promise<{ customer: Customer; request: CardRequest }> {
    let customer: Customer;
    try {
      // Scoped to the tenant the token names: another business's customer reads as absent.
      customer = await this.reader.customer(address.tenant, address.customerId);
    } catch (error) {
      if (isDomainError(error) && error.code === 'NOT_FOUND') throw unknownLink();
      throw error;
    }
    const recorded = await this.store.readStream(streamName.customer(address.customerId));
    const requested = recorded.find(
      (event) => event.type === 'CardRequested' && (event.data as CardRequested['data']).requestId === address.requestId,
    );
    const request = customer.cardRequests[address.requestId];
    if (requested === undefined || request === undefined) throw unknownLink();
    if (!cardRequestTokenMatches(token, (requested.data as CardRequested['data']).tokenHash)) throw unknownLink();
    return { customer, request };
  }
}

function unknownLink(): DomainError {
  return new DomainError('NOT_FOUND', 'This add-card link is not valid', {});
}

@CommandHandler(ExpireCardRequestCommand)
export class ExpireCardRequestHandler
  implements ICommandHandler<ExpireCardRequestCommand, { requestId: string; status: CardRequestStatus }>
{
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
  ) {}

  async execute({ caller, input }: ExpireCardRequestCommand): Promise<{ requestId: string; status: CardRequestStatus }> {
    const { customerId, requestId } = input;
    // A timer that fires twice sends the same command twice; the second decides nothing.
    const context = this.contexts.create(deriveId('expire-card-request', requestId), caller.tenant, caller.actor);
    const { state } = await this.runner.decide(streamName.customer(customerId), customerDecider, {
      type: 'ExpireCardRequest',
      data: { customerId, requestId },
      context,
    });
    const status = state.status === 'REGISTERED' ? state.cardRequests[requestId]?.status : undefined;
    if (status === undefined) throw new Error('unreachable: the decider found the request');
    return { requestId, status };
  }
}
