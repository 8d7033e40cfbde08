/**
 * What a processor report does to a payment the ledger already knows, through the same steps
 * the card payment process and the reconciler use (PaymentSettlement), so a report that arrives
 * before, after or instead of the ledger's own record ends in the same single outcome:
 *
 * - a success or hold on an open intent reserves the bookings' shares, records the outcome and
 *   applies it to the bookings; on a payment that already has it, the decider finds nothing new;
 * - a failure or cancellation closes the intent and releases what the bookings reserved;
 * - refunds and disputes are recorded on the payment stream, refunds also on the bookings.
 */
import { Injectable } from '@nestjs/common';
import { paymentDecider, streamName } from '@ledger/domain';
import type { CommandContext, Payment, PaymentCommand } from '@ledger/domain';
import { isRejection } from '../application-error.js';
import { DecisionRunner } from '../decision-runner.js';
import { deriveId } from '../ids.js';
import { applyRefundToBookings } from '../commands/refund-bookings.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { PaymentSettlement } from '../payments/payment-settlement.js';
import { stepContext } from '../payments/step-context.js';
import type { WebhookAction } from './stripe-event-translation.js';

export type PaymentAction = Exclude<WebhookAction, { kind: 'account-updated' | 'card-setup-confirmed' | 'ignored' | 'other-api-version' }>;

/** The ledger id of a refund made at the processor without a ledger request (e.g. its dashboard). */
export function processorRefundLedgerId(processorRefundId: string): string {
  return deriveId('processor-refund', processorRefundId);
}

@Injectable()
export class PaymentWebhookActions {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly reader: LedgerReader,
    private readonly settlement: PaymentSettlement,
  ) {}

  /** Applies the action to the payment and says what changed, for the event's record and the log. */
  async apply(root: CommandContext, payment: Payment, action: PaymentAction): Promise<string> {
    switch (action.kind) {
      case 'charge-succeeded':
        return this.settleOutcome(root, payment, 'RecordCharge', {
          paymentId: payment.paymentId,
          processorPaymentId: action.payment.processorPaymentId,
          amount: action.amount,
        });
      case 'authorized':
        return this.settleOutcome(root, payment, 'RecordAuthorization', {
          paymentId: payment.paymentId,
          processorPaymentId: action.payment.processorPaymentId,
          amount: action.amount,
          captureBefore: action.captureBefore,
        });
      case 'charge-failed': {
        const decline = action.declineCode ? { declineCode: action.declineCode } : {};
        const data = { paymentId: payment.paymentId, failureCode: action.failureCode, ...decline, message: action.message };
        return this.closeOutcome(root, payment, { type: 'RecordChargeFailure', data, context: stepContext(root, 'outcome') });
      }
      case 'canceled':
        return this.canceled(root, payment, action.reason);
      case 'refunded':
        return this.refunded(root, payment, action.refunds);
      case 'dispute-opened':
      case 'dispute-closed':
        return this.dispute(root, payment, action);
    }
  }

  /** A success or a hold: the intent's reservations first (as the reconciler does), then the outcome. */
  private async settleOutcome<T extends 'RecordCharge' | 'RecordAuthorization'>(
    root: CommandContext,
    payment: Payment,
    type: T,
    data: Extract<PaymentCommand, { type: T }>['data'],
  ): Promise<string> {
    if (payment.status === 'INITIATED') {
      await this.settlement.reserve(root, payment.paymentId, payment.allocations).catch(ignoreRejection);
    }
    const command = { type, data, context: stepContext(root, 'outcome') } as PaymentCommand;
    return this.closeOutcome(root, payment, command);
  }

  /** Records an outcome, then brings every booking the payment pays in line with it. */
  private async closeOutcome(root: CommandContext, payment: Payment, command: PaymentCommand): Promise<string> {
    const decided = await this.decide(payment, command);
    await this.settlement.applyToBookings(root, decided.payment);
    return decided.recorded.length > 0 ? `recorded ${decided.recorded.join(', ')}` : `already recorded (payment is ${payment.status})`;
  }

  /** A cancelled hold is released; a cancelled intent that never held money has failed. */
  private canceled(root: CommandContext, payment: Payment, reason: string): Promise<string> {
    const context = stepContext(root, 'outcome');
    const { paymentId } = payment;
    if (payment.status === 'INITIATED') {
      const data = { paymentId, failureCode: 'payment_canceled', message: `The processor cancelled the payment (${reason}).` };
      return this.closeOutcome(root, payment, { type: 'RecordChargeFailure', data, context });
    }
    return this.closeOutcome(root, payment, { type: 'RecordAuthorizationRelease', data: { paymentId }, context });
  }

  /**
   * Records refunds the ledger has not recorded yet. While a refund the ledger asked for is still
   * in flight, an unknown processor refund may be that one, so the ledger's own refund process
   * records it instead; counting it here too could return the same money twice in the books.
   */
  private async refunded(root: CommandContext, payment: Payment, refunds: readonly { processorRefundId: string; amount: Payment['amount'] }[]) {
    const known = new Set(Object.values(payment.refunds).map((refund) => refund.processorRefundId));
    const inFlight = Object.values(payment.refunds).some((refund) => refund.status === 'REQUESTED');
    const outcomes: string[] = [];
    let current = payment;
    for (const { processorRefundId, amount } of refunds) {
      if (known.has(processorRefundId)) {
        outcomes.push(`${processorRefundId} already recorded`);
        continue;
      }
      if (inFlight) {
        outcomes.push(`${processorRefundId} left to the refund in flight`);
        continue;
      }
      const refundId = processorRefundLedgerId(processorRefundId);
      const data = { paymentId: payment.paymentId, refundId, processorRefundId, amount };
      const decided = await this.decide(current, { type: 'RecordRefund', data, context: stepContext(root, `refund:${refundId}`) });
      current = decided.payment;
      await applyRefundToBookings(this.runner, this.reader, stepContext(root, `refund:${refundId}`), current, { refundId, amount });
      outcomes.push(`${processorRefundId} recorded as refund ${refundId}`);
    }
    return outcomes.join('; ');
  }

  private async dispute(root: CommandContext, payment: Payment, action: Extract<PaymentAction, { kind: 'dispute-opened' | 'dispute-closed' }>) {
    const { disputeId, amount, reason, evidenceDueBy } = action.dispute;
    const context = stepContext(root, `dispute:${disputeId}`);
    const { paymentId } = payment;
    const command: PaymentCommand =
      action.kind === 'dispute-opened'
        ? { type: 'RecordDisputeOpened', data: { paymentId, disputeId, amount, reason, ...(evidenceDueBy ? { evidenceDueBy } : {}) }, context }
        : { type: 'RecordDisputeClosed', data: { paymentId, disputeId, outcome: action.outcome, amount, reason }, context };
    const decided = await this.decide(payment, command);
    return decided.recorded.length > 0 ? `recorded ${decided.recorded.join(', ')}` : `dispute ${disputeId} already recorded`;
  }

  private async decide(payment: Payment, command: PaymentCommand): Promise<{ payment: Payment; recorded: string[] }> {
    const { state, events } = await this.runner.decide(streamName.payment(payment.paymentId), paymentDecider, command);
    if (state.status === 'NONE') throw new Error('unreachable: a decided payment exists');
    return { payment: state, recorded: events.map((event) => event.type) };
  }
}

/** A booking that refuses a reservation has already failed the payment through the settlement. */
function ignoreRejection(error: unknown): void {
  if (!isRejection(error)) throw error;
}
