import { DomainError } from '../shared/domain-error.js';
import { assertPositiveAmount, assertSameCurrency, type Money } from '../shared/money.js';
import type { Payment, PaymentState } from './payment.state.js';

/** A stream holding another id means the caller loaded the wrong stream: to it, ours is unknown. */
export function requirePayment(state: PaymentState, paymentId: string): Payment {
  if (state.status === 'NONE' || state.paymentId !== paymentId) {
    throw new DomainError('NOT_FOUND', 'unknown payment', { paymentId });
  }
  return state;
}

export function requirePaymentAmount(payment: Payment, amount: Money): void {
  assertPositiveAmount(amount);
  assertSameCurrency(amount, payment.amount.currency);
}

export function invalidState(payment: Payment, action: string): DomainError {
  return new DomainError('INVALID_STATE', `cannot ${action} a payment that is ${payment.status}`, {
    paymentId: payment.paymentId,
    status: payment.status,
  });
}
