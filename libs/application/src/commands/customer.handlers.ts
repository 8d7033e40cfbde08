/**
 * Handlers for customers and their cards on file. A card is attached at the processor before it
 * is recorded, with keys derived from the ledger card id, so a declined or unknown card leaves no
 * trace in the ledger and a retried save finds the same card. Removing detaches the card at the
 * processor first, so a recorded removal always means the card can no longer be charged.
 */
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { DomainError, customerDecider, streamName } from '@ledger/domain';
import type { CardOnFile, Tenant } from '@ledger/domain';
import { GatewayRequestError, PaymentGateway } from '@ledger/payments';
import { CardVault, gatewayRejection } from '../cards/card-vault.js';
import type { SavedCardResult } from '../cards/card-vault.js';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { IdempotencyGuard } from '../idempotency.js';
import { deriveId } from '../ids.js';
import { LedgerReader, processorAccountOf } from '../payments/ledger-reader.js';
import { ExpireCardRequestHandler, FulfillCardRequestHandler, RequestCardHandler } from './card-request.handlers.js';
import { RegisterCustomerCommand, RemoveCardCommand, SaveCardCommand } from './customer.commands.js';
import { runWithOptionalKey } from './optional-key.js';

@CommandHandler(RegisterCustomerCommand)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomerCommand, { customerId: string }> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
  ) {}

  async execute({ caller, input }: RegisterCustomerCommand): Promise<{ customerId: string }> {
    await this.reader.tenant(caller.tenant);
    const customerId = randomUUID();
    const context = this.contexts.create(randomUUID(), caller.tenant, caller.actor);
    // The decider checks the e-mail's shape and answers VALIDATION_FAILED with field "email".
    const data = { customerId, name: input.name, email: input.email, phone: input.phone ?? null };
    await this.runner.decide(streamName.customer(customerId), customerDecider, { type: 'RegisterCustomer', data, context });
    return { customerId };
  }
}

@CommandHandler(SaveCardCommand)
export class SaveCardHandler implements ICommandHandler<SaveCardCommand, SavedCardResult> {
  constructor(
    private readonly guard: IdempotencyGuard,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly vault: CardVault,
  ) {}

  execute({ caller, input }: SaveCardCommand): Promise<SavedCardResult> {
    const request = { tenant: caller.tenant, key: input.idempotencyKey, commandType: 'SaveCard', input };
    const check = () => this.reader.customer(caller.tenant, input.customerId);
    return runWithOptionalKey(
      this.guard,
      request,
      async (commandId) => {
        const tenant = await this.reader.tenant(caller.tenant);
        const customer = await this.reader.customer(caller.tenant, input.customerId);
        const context = this.contexts.create(commandId, caller.tenant, caller.actor);
        const { paymentMethodToken } = input;
        return this.vault.save(context, { tenant, customer, paymentMethodToken, cardId: deriveId(commandId, 'card') });
      },
      check,
    );
  }
}

/** Processor answers that mean the card is already detached, which is what removal wants. */
const ALREADY_DETACHED = new Set(['resource_missing', 'payment_method_unexpected_state']);

@CommandHandler(RemoveCardCommand)
export class RemoveCardHandler implements ICommandHandler<RemoveCardCommand, { cardId: string }> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly gateway: PaymentGateway,
  ) {}

  async execute({ caller, input }: RemoveCardCommand): Promise<{ cardId: string }> {
    const tenant = await this.reader.tenant(caller.tenant);
    const customer = await this.reader.customer(caller.tenant, input.customerId);
    const card = customer.cards[input.cardId];
    if (card === undefined) {
      throw new DomainError('CARD_NOT_FOUND', `Card ${input.cardId} is not on file for this customer`, { cardId: input.cardId });
    }
    if (!card.removed) await this.detach(tenant, card);
    const context = this.contexts.create(randomUUID(), caller.tenant, caller.actor);
    const data = { customerId: customer.customerId, cardId: card.cardId };
    await this.runner.decide(streamName.customer(customer.customerId), customerDecider, { type: 'RemoveCard', data, context });
    return { cardId: card.cardId };
  }

  private async detach(tenant: Tenant, card: CardOnFile): Promise<void> {
    try {
      await this.gateway.removeCard({
        account: processorAccountOf(tenant),
        idempotencyKey: deriveId('remove-card', card.cardId),
        processorPaymentMethodId: card.processorPaymentMethodId,
      });
    } catch (error) {
      if (error instanceof GatewayRequestError && ALREADY_DETACHED.has(error.code)) return;
      gatewayRejection(error);
    }
  }
}

export const customerHandlers = [
  RegisterCustomerHandler,
  SaveCardHandler,
  RemoveCardHandler,
  RequestCardHandler,
  FulfillCardRequestHandler,
  ExpireCardRequestHandler,
];
