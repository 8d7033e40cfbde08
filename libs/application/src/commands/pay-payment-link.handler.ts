/**
 * The customer pays on the pay page. The token finds the link (and through it the tenant,
 * since the page has no API key); the payment is an attempt on the link: `PayPaymentLink`
 * records it, the card payment process charges, `RecordPaymentLinkPaid` closes the link.
 *
 * Each attempt runs under an idempotency key derived from the link and the attempt's number,
 * never from the request, so double clicks, two tabs or twenty concurrent submits join one
 * attempt and reach the processor once. A declined attempt ends it; the next submit is a new
 * attempt, which is how a customer tries another card.
 */
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { DomainError, decidePaymentLink, initialPaymentState, paymentDecider, paymentLinkDecider, streamName } from '@ledger/domain';
import type { Allocation, CommandContext, PaymentLink, PaymentState } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { IdempotencyGuard } from '../idempotency.js';
import { CardPayments, paymentIdFor } from '../payments/card-payments.js';
import { CustomerBookings } from '../payments/customer-bookings.port.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { stepContext } from '../payments/step-context.js';
import { outstandingAllocations } from './outstanding.js';
import { linkIdOfToken, linkTokenMatches } from './payment-link-token.js';
import { PayPaymentLinkCommand } from './payment-link.commands.js';
import type { PayPaymentLinkInput, PaymentLinkPayment } from './payment-link.commands.js';

interface Attempt {
  readonly index: number;
  /** The attempt's payment as recorded so far; NONE for an attempt not made yet. */
  readonly payment: PaymentState;
}

@CommandHandler(PayPaymentLinkCommand)
export class PayPaymentLinkHandler implements ICommandHandler<PayPaymentLinkCommand, PaymentLinkPayment> {
  constructor(
    private readonly store: EventStore,
    private readonly runner: DecisionRunner,
    private readonly guard: IdempotencyGuard,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly bookings: CustomerBookings,
    private readonly payments: CardPayments,
  ) {}

  async execute({ input }: PayPaymentLinkCommand): Promise<PaymentLinkPayment> {
    assertCardInput(input);
    const { tenant, link } = await this.findLink(input.token);
    const attempt = await this.currentAttempt(tenant, link);
    const root = this.rootContext(tenant, link, attempt.index);
    // The charge went through but the process stopped before closing the link: close it now.
    if (link.status !== 'PAID' && attempt.payment.status === 'CAPTURED') {
      await this.recordPaid(root, link.linkId, attempt.payment.paymentId);
      return { linkId: link.linkId, paymentId: attempt.payment.paymentId, status: 'CAPTURED' };
    }
    if (link.status === 'PAID') {
      throw new DomainError('LINK_NOT_PAYABLE', 'The payment link is already paid', { linkId: link.linkId, status: link.status });
    }
    // A dry run of the decision that will be recorded: an expired or closed link is refused
    // before anything is recorded, while joining an attempt already under way always passes.
    decidePaymentLink({ type: 'PayPaymentLink', data: { linkId: link.linkId, paymentId: paymentIdFor(root.commandId) }, context: root }, link);
    const request = { tenant, key: attemptKey(link.linkId, attempt.index), commandType: 'PayPaymentLink', input: { linkId: link.linkId, attempt: attempt.index } };
    return this.guard.run(request, () => this.pay(root, link, input));
  }

  private async pay(root: CommandContext, link: PaymentLink, input: PayPaymentLinkInput): Promise<PaymentLinkPayment> {
    const paymentId = paymentIdFor(root.commandId);
    const allocations = await this.allocations(root.tenant, link, paymentId);
    await this.runner.decide(streamName.paymentLink(link.linkId), paymentLinkDecider, {
      type: 'PayPaymentLink',
      data: { linkId: link.linkId, paymentId },
      context: stepContext(root, 'link-attempt'),
    });
    const result = await this.payments.start({
      context: root,
      customerId: link.customerId,
      allocations,
      capture: 'AUTOMATIC',
      card: { method: 'PAYMENT_LINK', paymentMethodToken: input.paymentMethodToken, saveCard: input.saveCard },
    });
    await this.recordPaid(root, link.linkId, paymentId);
    return { ...result, linkId: link.linkId };
  }

  /** A token that names no link, or does not match the link it names, is simply not found. */
  private async findLink(token: string): Promise<{ tenant: string; link: PaymentLink }> {
    const linkId = linkIdOfToken(token);
    if (linkId !== undefined) {
      const stream = streamName.paymentLink(linkId);
      const [first] = await this.store.readStream(stream, { maxCount: 1 });
      const tenant = first?.metadata.tenant;
      if (typeof tenant === 'string') {
        const { state } = await this.runner.load(stream, paymentLinkDecider, tenant);
        if (state.status !== 'NONE' && linkTokenMatches(token, state.tokenHash)) return { tenant, link: state };
      }
    }
    throw new DomainError('NOT_FOUND', 'No payment link matches this token', {});
  }

  /** The attempt a submit belongs to: the last one, unless it was declined and is over. */
  private async currentAttempt(tenant: string, link: PaymentLink): Promise<Attempt> {
    const started = link.attemptPaymentIds.length;
    if (started === 0) return { index: 0, payment: initialPaymentState };
    const { state } = await this.runner.load(streamName.payment(link.attemptPaymentIds[started - 1]!), paymentDecider, tenant);
    return state.status === 'FAILED' ? { index: started, payment: initialPaymentState } : { index: started - 1, payment: state };
  }

  private rootContext(tenant: string, link: PaymentLink, index: number): CommandContext {
    const commandId = this.guard.commandIdFor(tenant, attemptKey(link.linkId, index));
    return this.contexts.create(commandId, tenant, { kind: 'CUSTOMER', id: link.customerId });
  }

  /** A resumed attempt keeps the shares it recorded; a new one splits the link's amount over what its bookings owe now. */
  private async allocations(tenant: string, link: PaymentLink, paymentId: string): Promise<readonly Allocation[]> {
    const { state } = await this.runner.load(streamName.payment(paymentId), paymentDecider, tenant);
    if (state.status !== 'NONE') return state.allocations;
    return outstandingAllocations(this.reader, this.bookings, tenant, link.customerId, {
      bookingIds: link.bookingIds,
      amountMinor: link.amount.amountMinor,
    });
  }

  private async recordPaid(root: CommandContext, linkId: string, paymentId: string): Promise<void> {
    await this.runner.decide(streamName.paymentLink(linkId), paymentLinkDecider, {
      type: 'RecordPaymentLinkPaid',
      data: { linkId, paymentId },
      context: stepContext(root, 'link-paid'),
    });
  }
}

function attemptKey(linkId: string, index: number): string {
  return `payment-link:${linkId}:attempt:${index}`;
}

function assertCardInput(input: PayPaymentLinkInput): void {
  if (typeof input.paymentMethodToken !== 'string' || input.paymentMethodToken.trim() === '') {
    throw new DomainError('VALIDATION_FAILED', 'paymentMethodToken must be a non-empty string', { field: 'paymentMethodToken' });
  }
  if (typeof input.saveCard !== 'boolean') {
    throw new DomainError('VALIDATION_FAILED', 'saveCard must be true or false', { field: 'saveCard' });
  }
}
