/**
 * A card payment from intent to settlement, across the payment stream, the booking streams it
 * pays and the processor. Each step is recorded before the next begins and is idempotent, so the
 * process can be interrupted anywhere and resumed (by a repeated request, the reconciler at
 * start-up, or the processor's webhook) and still end with exactly one outcome:
 *
 *   1. PaymentInitiated on the payment stream: the intent, before any money moves;
 *   2. PaymentReserved on each booking: its share of the balance, checked against what is owed;
 *   3. the processor call, with an idempotency key derived from the payment id;
 *   4. the outcome on the payment stream (Charged, PaymentAuthorized or ChargeFailed);
 *   5. the outcome applied to each booking, and the card saved when the customer asked for it.
 */
import { Injectable } from '@nestjs/common';
import { activeCards, stripeChargesEnabled, sumMoney } from '@ledger/domain';
import type { Allocation, CaptureMode, CommandContext, Customer, Money, PaymentStatus, Tenant } from '@ledger/domain';
import { DomainError } from '@ledger/domain';
import { GatewayRequestError, GatewayUnavailableError, PaymentGateway } from '@ledger/payments';
import type { PaymentOutcome, PaymentSource, ProcessorAccount } from '@ledger/payments';
import { ApplicationError } from '../application-error.js';
import { deriveId } from '../ids.js';
import { CardVault } from '../cards/card-vault.js';
import { LedgerReader, paymentAccountOf, processorAccountOf } from './ledger-reader.js';
import { PaymentSettlement } from './payment-settlement.js';
import { StepProbe } from './step-probe.js';

export type CardChoice =
  | { readonly method: 'CARD_ON_FILE'; readonly cardId: string }
  | { readonly method: 'NEW_CARD' | 'ONE_TIME_CARD'; readonly paymentMethodToken: string }
  | { readonly method: 'PAYMENT_LINK'; readonly paymentMethodToken: string; readonly saveCard: boolean };

export interface CardPaymentRequest {
  /** The root command: every id of the process is derived from its command id. */
  readonly context: CommandContext;
  readonly customerId: string;
  readonly allocations: readonly Allocation[];
  readonly capture: CaptureMode;
  readonly card: CardChoice;
}

export interface CardPaymentResult {
  readonly paymentId: string;
  readonly status: PaymentStatus;
  readonly failureCode?: string;
  readonly declineCode?: string;
  readonly savedCardId?: string;
}

export function paymentIdFor(rootCommandId: string): string {
  return deriveId(rootCommandId, 'payment');
}

@Injectable()
export class CardPayments {
  constructor(
    private readonly reader: LedgerReader,
    private readonly gateway: PaymentGateway,
    private readonly settlement: PaymentSettlement,
    private readonly probe: StepProbe,
    private readonly vault: CardVault,
  ) {}

  async start(request: CardPaymentRequest): Promise<CardPaymentResult> {
    const { context, customerId, allocations, capture, card } = request;
    const tenant = await this.reader.tenant(context.tenant);
    const customer = await this.reader.customer(context.tenant, customerId);
    const saved = card.method === 'CARD_ON_FILE' ? savedCard(customer, card.cardId) : undefined;
    const paymentId = paymentIdFor(context.commandId);
    const amount = sumMoney(allocations.map((allocation) => allocation.amount), tenant.currency);
    await this.settlement.initiate(context, {
      paymentId,
      customerId,
      allocations,
      amount,
      method: card.method,
      capture,
      ...(saved ? { cardId: saved.cardId } : {}),
      saveCard: card.method === 'NEW_CARD' || (card.method === 'PAYMENT_LINK' && card.saveCard),
      idempotencyKey: context.commandId,
      chargesEnabled: stripeChargesEnabled(tenant),
      ...processorAccountIdOf(tenant),
    });
    await this.probe.reached('payment.initiated');
    return this.proceed(context, tenant, customer, card);
  }

  /**
   * Resumes the payment this command already started, if any: a request repeated after a crash
   * continues from the recorded intent (its amounts, its bookings) instead of deciding afresh,
   * because the bookings' balances already count this payment's reservations.
   */
  async resumeIfStarted(context: CommandContext, card: (customer: Customer) => CardChoice): Promise<CardPaymentResult | undefined> {
    const paymentId = paymentIdFor(context.commandId);
    const existing = await this.reader.paymentIfAny(context.tenant, paymentId);
    if (!existing) return undefined;
    const tenant = await this.reader.tenant(context.tenant);
    const customer = await this.reader.customer(context.tenant, existing.customerId);
    const choice = existing.cardId !== null ? ({ method: 'CARD_ON_FILE', cardId: existing.cardId } as const) : card(customer);
    return this.proceed(context, tenant, customer, choice);
  }

  /** Everything after the intent; each step is idempotent, so it serves first runs and resumes alike. */
  private async proceed(context: CommandContext, tenant: Tenant, customer: Customer, card: CardChoice) {
    const paymentId = paymentIdFor(context.commandId);
    // A payment that already has an outcome must never reach the processor again.
    const payment = await this.reader.payment(context.tenant, paymentId);
    if (payment.status !== 'INITIATED') return this.settlement.finish(context, payment);
    await this.settlement.reserve(context, paymentId, payment.allocations);
    await this.probe.reached('payment.reserved');
    const saved = payment.cardId !== null ? savedCard(customer, payment.cardId, true) : undefined;
    const source = saved
      ? ({ kind: 'saved', processorCustomerId: saved.processorCustomerId, processorPaymentMethodId: saved.processorPaymentMethodId } as const)
      : await this.tokenSource(tenant, customer, card);
    const capture = payment.capture ?? 'AUTOMATIC';
    // The description is derived from the recorded intent, so a resumed call sends the very same request.
    const description = `${tenant.name}: ${payment.allocations.length === 1 ? 'booking' : `${payment.allocations.length} bookings`}`;
    // A resumed call goes to the account the intent named, even if the tenant switched since:
    // the same key on another account would be a second, unrelated payment.
    const account = paymentAccountOf(payment, tenant);
    const outcome = await this.charge({ account, tenant, paymentId, amount: payment.amount, capture, source, description });
    await this.probe.reached('payment.processor-answered');
    return this.settlement.settle(context, paymentId, outcome);
  }

  private async tokenSource(tenant: Tenant, customer: Customer, card: CardChoice): Promise<PaymentSource> {
    if (card.method === 'CARD_ON_FILE') throw new Error('unreachable: a card on file has a saved source');
    const save = card.method === 'NEW_CARD' || (card.method === 'PAYMENT_LINK' && card.saveCard);
    if (!save) return { kind: 'token', paymentMethodToken: card.paymentMethodToken };
    // One processor customer per ledger customer: saved cards all belong to it.
    const processorCustomerId = await this.vault.processorCustomer(tenant, customer);
    return { kind: 'token', paymentMethodToken: card.paymentMethodToken, saveFor: processorCustomerId };
  }

  /** Calls the processor; a refused request is a failed outcome, an outage leaves the intent open. */
  private async charge(request: ChargeRequest): Promise<PaymentOutcome> {
    const { account, tenant, paymentId, amount, capture, source, description } = request;
    try {
      return await this.gateway.createPayment({
        account,
        idempotencyKey: processorKey(paymentId),
        amount,
        capture: capture === 'MANUAL' ? 'manual' : 'automatic',
        source,
        description,
        metadata: { paymentId, tenant: tenant.tenantId },
      });
    } catch (error) {
      if (error instanceof GatewayRequestError) {
        return { status: 'failed', failureCode: error.code ?? 'processor_rejected', message: error.message };
      }
      if (error instanceof GatewayUnavailableError) {
        throw new ApplicationError('PROCESSOR_UNAVAILABLE', 'The card processor did not answer; the payment will be resolved', { paymentId });
      }
      throw error;
    }
  }
}

interface ChargeRequest {
  readonly account: ProcessorAccount;
  readonly tenant: Tenant;
  readonly paymentId: string;
  readonly amount: Money;
  readonly capture: CaptureMode;
  readonly source: PaymentSource;
  readonly description: string;
}

/** The connected account a new payment is made on, recorded with its intent. */
function processorAccountIdOf(tenant: Tenant): { processorAccountId?: string } {
  const { accountId } = processorAccountOf(tenant);
  return accountId === undefined ? {} : { processorAccountId: accountId };
}

/** The processor idempotency key of a payment's charge: stable across every retry and resume. */
export function processorKey(paymentId: string): string {
  return `${paymentId}:charge`;
}

/** A card on file; a resumed payment may use a card removed since its intent was recorded. */
function savedCard(customer: Customer, cardId: string, includeRemoved = false) {
  const cards = includeRemoved ? Object.values(customer.cards) : activeCards(customer);
  const card = cards.find((candidate) => candidate.cardId === cardId);
  if (!card) throw new DomainError('CARD_NOT_FOUND', `Card ${cardId} is not on file for this customer`, { cardId });
  return card;
}
