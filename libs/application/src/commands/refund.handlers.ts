/**
 * Refunds a payment, in full or in part, as many times as there is money left to return. The
 * refund id is derived from the command, so a repeat names the same refund everywhere:
 *
 * - a card payment records the intent (RefundRequested, which already counts against what is
 *   refundable, so concurrent refunds cannot together exceed what was taken), asks the processor
 *   with a key derived from the refund id, and records its answer (Refunded or RefundFailed);
 * - money collected offline was handed back by the business, so the refund is recorded directly;
 * - a refund that went through is then applied to the bookings the payment paid.
 */
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { DomainError, isOfflinePaymentMethod, money, paymentDecider, refundableAmount, streamName } from '@ledger/domain';
import type { CommandContext, Money, Payment, PaymentCommand } from '@ledger/domain';
import { GatewayRequestError, PaymentGateway } from '@ledger/payments';
import { ApplicationError } from '../application-error.js';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { IdempotencyGuard } from '../idempotency.js';
import { deriveId } from '../ids.js';
import { LedgerReader, paymentAccountOf } from '../payments/ledger-reader.js';
import { stepContext } from '../payments/step-context.js';
import { applyRefundToBookings } from './refund-bookings.js';
import { RefundPaymentCommand } from './refund.commands.js';
import type { RefundResult, RefundStatus } from './refund.commands.js';

interface Answer {
  readonly status: RefundStatus;
  readonly failureCode?: string;
  readonly message?: string;
}

/** The processor key of a refund: one per refund, whichever attempt sends it. */
export function refundKey(refundId: string): string {
  return `${refundId}:refund`;
}

@CommandHandler(RefundPaymentCommand)
export class RefundPaymentHandler implements ICommandHandler<RefundPaymentCommand, RefundResult> {
  constructor(
    private readonly guard: IdempotencyGuard,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly runner: DecisionRunner,
    private readonly gateway: PaymentGateway,
  ) {}

  execute({ caller, input }: RefundPaymentCommand): Promise<RefundResult> {
    const request = { tenant: caller.tenant, key: input.idempotencyKey, commandType: 'RefundPayment', input };
    const check = async () => void refundAmount(await this.reader.payment(caller.tenant, input.paymentId), input.amountMinor);
    return this.guard.run(request, async (commandId) => {
      const root = this.contexts.create(commandId, caller.tenant, caller.actor);
      const refundId = deriveId(commandId, 'refund');
      const payment = await this.reader.payment(caller.tenant, input.paymentId);
      const earlier = payment.refunds[refundId];
      const amount = earlier ? money(earlier.amountMinor, payment.amount.currency) : refundAmount(payment, input.amountMinor);
      const answer = isOfflinePaymentMethod(payment.method)
        ? await this.recordHandedBack(root, payment, refundId, amount)
        : await this.refundCard(root, payment, refundId, amount, input.reason);
      const result: RefundResult = { paymentId: payment.paymentId, refundId, status: answer.status, amount };
      if (answer.status === 'FAILED') {
        throw new ApplicationError('PROCESSOR_REJECTED', answer.message ?? 'The processor refused the refund', { ...result, failureCode: answer.failureCode });
      }
      if (answer.status === 'REFUNDED') await applyRefundToBookings(this.runner, this.reader, root, payment, { refundId, amount });
      return result;
    }, check);
  }

  private async recordHandedBack(root: CommandContext, payment: Payment, refundId: string, amount: Money): Promise<Answer> {
    const data = { paymentId: payment.paymentId, refundId, amount };
    await this.decide({ type: 'RecordRefund', data, context: stepContext(root, 'outcome') });
    return { status: 'REFUNDED' };
  }

  private async refundCard(root: CommandContext, payment: Payment, refundId: string, amount: Money, reason: string | undefined): Promise<Answer> {
    const { paymentId } = payment;
    const requested = { paymentId, refundId, amount, ...(reason !== undefined ? { reason } : {}) };
    const recorded = await this.decide({ type: 'RequestRefund', data: requested, context: stepContext(root, 'request') });
    const refund = recorded.refunds[refundId];
    if (refund?.status === 'REFUNDED') return { status: 'REFUNDED' };
    if (refund?.status === 'FAILED') return { status: 'FAILED', failureCode: 'refund_failed' };
    const answer = await this.askProcessor(root, payment, refundId, amount);
    const context = stepContext(root, 'outcome');
    if (answer.status === 'REFUNDED') {
      const data = { paymentId, refundId, processorRefundId: answer.processorRefundId, amount };
      await this.decide({ type: 'RecordRefund', data, context });
    } else if (answer.status === 'FAILED') {
      const data = { paymentId, refundId, failureCode: answer.failureCode };
      await this.decide({ type: 'RecordRefundFailure', data, context });
    }
    return answer;
  }

  /**
   * A refused request (nothing happened at the processor) is a failed refund. An outage is
   * rethrown as it is, not as an answer: the intent stays open and the same key resumes it.
   */
  private async askProcessor(root: CommandContext, payment: Payment, refundId: string, amount: Money) {
    const tenant = await this.reader.tenant(root.tenant);
    try {
      const result = await this.gateway.refund({
        // The account the payment was made on, and the refund's own id for finding it again if
        // the answer is lost (a 5xx is replayed under the key, so only a read can tell).
        account: paymentAccountOf(payment, tenant),
        idempotencyKey: refundKey(refundId),
        processorPaymentId: payment.processorPaymentId ?? '',
        amountMinor: amount.amountMinor,
        metadata: { refundId, paymentId: payment.paymentId, tenant: root.tenant },
      });
      if (result.status === 'succeeded') return { status: 'REFUNDED' as const, processorRefundId: result.processorRefundId };
      if (result.status === 'pending') return { status: 'PENDING' as const };
      return { status: 'FAILED' as const, failureCode: result.failureCode ?? 'refund_failed' };
    } catch (error) {
      if (!(error instanceof GatewayRequestError)) throw error;
      return { status: 'FAILED' as const, failureCode: error.code, message: error.message };
    }
  }

  private async decide(command: PaymentCommand): Promise<Payment> {
    const { state } = await this.runner.decide(streamName.payment(command.data.paymentId), paymentDecider, command);
    if (state.status === 'NONE') throw new Error('unreachable: a decided payment has state');
    return state;
  }
}

/** What this refund returns: the amount asked for, or all that is left, never more than that. */
function refundAmount(payment: Payment, amountMinor: number | undefined): Money {
  if (payment.status !== 'CAPTURED' && payment.status !== 'COLLECTED') {
    throw new DomainError('INVALID_STATE', `Cannot refund a payment that is ${payment.status}; no money was taken`, {
      paymentId: payment.paymentId,
      status: payment.status,
    });
  }
  const refundableMinor = refundableAmount(payment).amountMinor;
  const wanted = amountMinor ?? refundableMinor;
  if (amountMinor !== undefined && (!Number.isSafeInteger(wanted) || wanted <= 0)) {
    throw new DomainError('INVALID_AMOUNT', 'amountMinor must be a positive integer number of minor units', { amountMinor });
  }
  if (wanted > refundableMinor || wanted <= 0) {
    throw new DomainError('AMOUNT_EXCEEDS_REFUNDABLE', 'The amount is more than is left to refund on this payment', {
      paymentId: payment.paymentId,
      amountMinor: wanted,
      refundableMinor,
    });
  }
  return money(wanted, payment.amount.currency);
}

export const refundHandlers = [RefundPaymentHandler];
