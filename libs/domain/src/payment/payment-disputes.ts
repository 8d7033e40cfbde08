import { DomainError } from '../shared/domain-error.js';
import { optionalText, requireInstant, requireOneOf, requireText } from '../shared/validation.js';
import { invalidState, requirePayment, requirePaymentAmount } from './payment-guards.js';
import type { RecordDisputeClosed, RecordDisputeOpened } from './payment.commands.js';
import { disputeOutcomes, type DisputeOpened, type PaymentEvent } from './payment.events.js';
import type { Payment, PaymentState } from './payment.state.js';

/*
 * Disputes are facts the processor reports: the ledger cannot refuse that a bank disputed a
 * charge, only that the report makes sense (a card payment that took money, an amount within
 * it). Both webhooks may arrive twice and in either order, so repeats decide nothing and a
 * close without an open records both.
 */

function requireDisputable(payment: Payment, amountMinor: number): void {
  // Only card money can be disputed; cash never met the processor.
  if (payment.status !== 'CAPTURED') throw invalidState(payment, 'dispute');
  if (amountMinor > payment.captured.amountMinor) {
    throw new DomainError('VALIDATION_FAILED', 'the disputed amount exceeds what was captured', {
      paymentId: payment.paymentId,
      amountMinor,
      capturedMinor: payment.captured.amountMinor,
    });
  }
}

function opened(data: RecordDisputeOpened['data']): DisputeOpened {
  const { paymentId, disputeId, amount, reason, evidenceDueBy } = data;
  const due = evidenceDueBy === undefined ? {} : { evidenceDueBy };
  return { type: 'DisputeOpened', data: { paymentId, disputeId, amount, reason, ...due } };
}

export function recordDisputeOpened(command: RecordDisputeOpened, state: PaymentState): PaymentEvent[] {
  const payment = requirePayment(state, command.data.paymentId);
  const { disputeId, amount, reason, evidenceDueBy } = command.data;
  requireText(disputeId, 'disputeId', 255);
  requireText(reason, 'reason', 100);
  if (optionalText(evidenceDueBy, 'evidenceDueBy', 40) !== undefined) requireInstant(evidenceDueBy, 'evidenceDueBy');
  requirePaymentAmount(payment, amount);
  // A redelivered or late "opened" report (even after the close) is the same dispute again.
  if (payment.disputes[disputeId] !== undefined) return [];
  requireDisputable(payment, amount.amountMinor);
  return [opened(command.data)];
}

export function recordDisputeClosed(command: RecordDisputeClosed, state: PaymentState): PaymentEvent[] {
  const payment = requirePayment(state, command.data.paymentId);
  const { paymentId, disputeId, outcome, amount, reason } = command.data;
  requireText(disputeId, 'disputeId', 255);
  requireText(reason, 'reason', 100);
  requireOneOf(outcome, disputeOutcomes, 'outcome');
  requirePaymentAmount(payment, amount);
  const existing = payment.disputes[disputeId];
  if (existing !== undefined && existing.status === outcome) return [];
  if (existing !== undefined && existing.status !== 'OPEN') {
    throw new DomainError('INVALID_STATE', `the dispute already closed as ${existing.status}`, { paymentId, disputeId });
  }
  const closed: PaymentEvent = { type: 'DisputeClosed', data: { paymentId, disputeId, outcome, amount } };
  if (existing !== undefined) return [closed];
  requireDisputable(payment, amount.amountMinor);
  return [opened({ paymentId, disputeId, amount, reason }), closed];
}
