import { DomainError } from '../shared/domain-error.js';
import { optionalText, optionalWrittenText, requireText } from '../shared/validation.js';
import { invalidState, requirePayment, requirePaymentAmount } from './payment-guards.js';
import type { RecordRefund, RecordRefundFailure, RequestRefund } from './payment.commands.js';
import type { PaymentEvent } from './payment.events.js';
import { type Payment, type PaymentRefund, type PaymentState, refundableAmount } from './payment.state.js';

/*
 * Refunds are new money movements, never edits. A requested refund counts against what is
 * refundable at once, so two concurrent requests cannot together return more than was taken.
 */

function requireTaken(payment: Payment): void {
  if (payment.status !== 'CAPTURED' && payment.status !== 'COLLECTED') throw invalidState(payment, 'refund');
}

function requireRefundable(payment: Payment, amountMinor: number): void {
  const refundableMinor = refundableAmount(payment).amountMinor;
  if (amountMinor > refundableMinor) {
    throw new DomainError('AMOUNT_EXCEEDS_REFUNDABLE', 'refund exceeds what is left to refund', {
      paymentId: payment.paymentId,
      amountMinor,
      refundableMinor,
    });
  }
}

function requireRefund(payment: Payment, refundId: string): PaymentRefund {
  const refund = payment.refunds[refundId];
  if (refund === undefined)
    throw new DomainError('NOT_FOUND', 'unknown refund', { paymentId: payment.paymentId, refundId });
  return refund;
}

export function requestRefund(command: RequestRefund, state: PaymentState): PaymentEvent[] {
  const payment = requirePayment(state, command.data.paymentId);
  const { paymentId, refundId, amount, reason } = command.data;
  requireText(refundId, 'refundId', 128);
  requirePaymentAmount(payment, amount);
  const why = optionalWrittenText(reason, 'reason', 500, 'lines') === undefined ? {} : { reason };
  const existing = payment.refunds[refundId];
  if (existing !== undefined) {
    if (existing.amountMinor === amount.amountMinor) return [];
    throw new DomainError('ALREADY_EXISTS', 'refund already requested with another amount', { refundId });
  }
  requireTaken(payment);
  requireRefundable(payment, amount.amountMinor);
  return [{ type: 'RefundRequested', data: { paymentId, refundId, amount, ...why } }];
}

export function recordRefund(command: RecordRefund, state: PaymentState): PaymentEvent[] {
  const payment = requirePayment(state, command.data.paymentId);
  const { paymentId, refundId, processorRefundId, amount } = command.data;
  requireText(refundId, 'refundId', 128);
  requirePaymentAmount(payment, amount);
  const processor =
    optionalText(processorRefundId, 'processorRefundId', 255) === undefined ? {} : { processorRefundId };
  if (payment.status === 'CAPTURED' && processorRefundId === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'a card refund needs the processor refund id', {
      field: 'processorRefundId',
    });
  }
  requireTaken(payment);
  const existing = payment.refunds[refundId];
  if (existing?.status === 'REFUNDED') return [];
  if (existing?.status === 'FAILED') throw new DomainError('INVALID_STATE', 'the refund already failed', { refundId });
  if (existing === undefined) requireRefundable(payment, amount.amountMinor);
  else if (existing.amountMinor !== amount.amountMinor) {
    throw new DomainError('VALIDATION_FAILED', 'refunded amount differs from the requested amount', {
      refundId,
      amountMinor: amount.amountMinor,
      requestedMinor: existing.amountMinor,
    });
  }
  return [{ type: 'Refunded', data: { paymentId, refundId, ...processor, amount } }];
}

export function recordRefundFailure(command: RecordRefundFailure, state: PaymentState): PaymentEvent[] {
  const payment = requirePayment(state, command.data.paymentId);
  const { paymentId, refundId, failureCode } = command.data;
  requireText(failureCode, 'failureCode', 100);
  const refund = requireRefund(payment, refundId);
  if (refund.status === 'FAILED') return [];
  if (refund.status === 'REFUNDED')
    throw new DomainError('INVALID_STATE', 'the refund already succeeded', { refundId });
  return [{ type: 'RefundFailed', data: { paymentId, refundId, failureCode } }];
}
