/**
 * Puts a card on file: the processor customer the card belongs to (one per ledger customer,
 * reused from the customer's earlier cards), the card attached at the processor, then the
 * `CardSaved` fact. Every processor key derives from the ledger card id, so a retried or resumed
 * save reaches the same processor objects and records the card once.
 */
import { Injectable } from '@nestjs/common';
import { DomainError, customerDecider, streamName, stripeChargesEnabled } from '@ledger/domain';
import type { CommandContext, Customer, CustomerCommand, SavedCardDetails, Tenant } from '@ledger/domain';
import { GatewayRequestError, GatewayUnavailableError, IdempotencyConflictError, PaymentGateway } from '@ledger/payments';
import { ApplicationError } from '../application-error.js';
import { DecisionRunner } from '../decision-runner.js';
import { deriveId } from '../ids.js';
import { processorAccountOf } from '../payments/ledger-reader.js';

/** What the API shows of a saved card: never a processor id that could charge it. */
export interface SavedCardResult {
  readonly cardId: string;
  readonly brand: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

export interface AttachCard {
  readonly tenant: Tenant;
  readonly customer: Customer;
  readonly paymentMethodToken: string;
  /** The ledger id the card will have; the processor keys derive from it. */
  readonly cardId: string;
}

/**
 * Cards live in the business's own processor account, so without one able to charge there is
 * nowhere to keep them (and nothing could charge them later).
 */
export function requireCardProcessor(tenant: Tenant): void {
  if (!stripeChargesEnabled(tenant)) {
    throw new DomainError('STRIPE_NOT_CONNECTED', 'The business has no processor account able to take card payments', {
      tenantId: tenant.tenantId,
    });
  }
}

/** Turns the processor's exceptions into rejections with stable codes; anything else stays a failure. */
export function gatewayRejection(error: unknown): never {
  if (error instanceof GatewayRequestError) {
    const details = { processorCode: error.code, ...(error.param ? { param: error.param } : {}) };
    throw new ApplicationError('PROCESSOR_REJECTED', error.message, details);
  }
  if (error instanceof GatewayUnavailableError) {
    throw new ApplicationError('PROCESSOR_UNAVAILABLE', 'The card processor did not answer; try again', {});
  }
  if (error instanceof IdempotencyConflictError) {
    throw new ApplicationError('IDEMPOTENCY_KEY_REUSED', 'The processor already received a different request for this card', {});
  }
  throw error;
}

export function cardResult(card: SavedCardDetails): SavedCardResult {
  const { cardId, brand, last4, expMonth, expYear } = card;
  return { cardId, brand, last4, expMonth, expYear };
}

/**
 * The customer decider, except that saving a card already recorded under the same id and
 * processor payment method is a no-op: that is a resumed save, not a second card.
 */
const resumableCustomerDecider = {
  ...customerDecider,
  decide: (command: CustomerCommand, state: Parameters<typeof customerDecider.decide>[1]) => {
    if (command.type === 'SaveCard' && state.status === 'REGISTERED') {
      const recorded = state.cards[command.data.cardId];
      if (recorded?.processorPaymentMethodId === command.data.processorPaymentMethodId) return [];
    }
    return customerDecider.decide(command, state);
  },
};

@Injectable()
export class CardVault {
  constructor(
    private readonly gateway: PaymentGateway,
    private readonly runner: DecisionRunner,
  ) {}

  /** Attaches the card at the processor; a decline or an unknown token records nothing. */
  async attach({ tenant, customer, paymentMethodToken, cardId }: AttachCard): Promise<SavedCardDetails> {
    requireCardProcessor(tenant);
    if (typeof paymentMethodToken !== 'string' || paymentMethodToken.trim() === '') {
      throw new DomainError('VALIDATION_FAILED', 'paymentMethodToken must be a non-empty string', { field: 'paymentMethodToken' });
    }
    const account = processorAccountOf(tenant);
    const processorCustomerId = await this.processorCustomer(tenant, customer);
    const outcome = await this.gateway
      .saveCard({ account, idempotencyKey: deriveId(cardId, 'save-card'), processorCustomerId, paymentMethodToken })
      .catch(gatewayRejection);
    if (outcome.status === 'failed') {
      const { failureCode, declineCode } = outcome;
      throw new ApplicationError('CARD_DECLINED', outcome.message, { failureCode, ...(declineCode ? { declineCode } : {}) });
    }
    const { processorPaymentMethodId, brand, last4, expMonth, expYear } = outcome.card;
    return { cardId, processorCustomerId, processorPaymentMethodId, brand, last4, expMonth, expYear };
  }

  /** Records a card attached at the processor on the customer's stream. */
  async record(context: CommandContext, customerId: string, card: SavedCardDetails): Promise<void> {
    await this.runner.decide(streamName.customer(customerId), resumableCustomerDecider, {
      type: 'SaveCard',
      data: { customerId, ...card },
      context,
    });
  }

  /** Attaches and records: the whole "save this card" step. */
  async save(context: CommandContext, request: AttachCard): Promise<SavedCardResult> {
    const card = await this.attach(request);
    await this.record(context, request.customer.customerId, card);
    return cardResult(card);
  }

  /**
   * One processor customer per ledger customer: the one the latest card belongs to, or one made
   * with a key derived from the customer, so concurrent first saves still create only one.
   */
  async processorCustomer(tenant: Tenant, customer: Customer): Promise<string> {
    const cards = Object.values(customer.cards);
    const active = cards.filter((card) => !card.removed);
    const known = active[active.length - 1] ?? cards[cards.length - 1];
    if (known !== undefined) return known.processorCustomerId;
    const { processorCustomerId } = await this.gateway
      .ensureCustomer({
        account: processorAccountOf(tenant),
        idempotencyKey: deriveId('processor-customer', tenant.tenantId, customer.customerId),
        customerId: customer.customerId,
        email: customer.email,
        name: customer.name,
      })
      .catch(gatewayRejection);
    return processorCustomerId;
  }
}

export const cardServices = [CardVault];
