import { DomainError } from '../shared/domain-error.js';
import { requireCardDisplay } from '../shared/payment-method.js';
import { optionalText, requireInstant, requireText } from '../shared/validation.js';
import { invalidState, requirePayment, requirePaymentAmount } from './payment-guards.js';
import type {
  ExpireAuthorization,
  RecordAuthorization,
  RecordAuthorizationRelease,
  RecordCharge,
  RecordChargeFailure,
} from './payment.commands.js';
import type { PaymentEvent } from './payment.events.js';
import type { Payment, PaymentState } from './payment.state.js';

/*
 * Outcomes are facts reported by the processor, once by our handler and once by its webhook,
 * in either order. The processor payment id tells a duplicate (a no-op) from a contradiction
 * (a rejection); a contradiction means something outside the ledger went wrong.
 */

/** True when this processor payment is already recorded; throws when another one is. */
function matchesRecorded(payment: Payment, processorPaymentId: string): boolean {
  if (payment.processorPaymentId === null) return false;
  if (payment.processorPaymentId === processorPaymentId) return true;
  throw new DomainError('INVALID_STATE', 'another processor payment is already recorded', {
    paymentId: payment.paymentId,
    processorPaymentId: payment.processorPaymentId,
  });
}

export function recordAuthorization(command: RecordAuthorization, state: PaymentState): PaymentEvent[] {
  const payment = requirePayment(state, command.data.paymentId);
  const { paymentId, processorPaymentId, amount, captureBefore } = command.data;
  requireText(processorPaymentId, 'processorPaymentId', 255);
  requirePaymentAmount(payment, amount);
  requireInstant(captureBefore, 'captureBefore');
  if (payment.capture !== 'MANUAL') throw invalidState(payment, 'authorize (it is not a hold)');
  // A late authorization report after capture, release or expiry is the same fact arriving again.
  if (matchesRecorded(payment, processorPaymentId)) return [];
  if (payment.status !== 'INITIATED') throw invalidState(payment, 'authorize');
  if (amount.amountMinor > payment.amount.amountMinor) {
    throw new DomainError('VALIDATION_FAILED', 'authorization exceeds the initiated amount', {
      paymentId,
      amountMinor: amount.amountMinor,
    });
  }
  return [{ type: 'PaymentAuthorized', data: { paymentId, processorPaymentId, amount, captureBefore } }];
}

/** The most a charge may take: the hold for a manual capture, the request for an automatic one. */
function chargeLimitMinor(payment: Payment): number {
  if (payment.status === 'AUTHORIZED') return payment.authorized.amountMinor;
  if (payment.status === 'INITIATED' && payment.capture === 'AUTOMATIC') return payment.amount.amountMinor;
  throw invalidState(payment, 'capture');
}

export function recordCharge(command: RecordCharge, state: PaymentState): PaymentEvent[] {
  const payment = requirePayment(state, command.data.paymentId);
  const { paymentId, processorPaymentId, amount, card } = command.data;
  requireText(processorPaymentId, 'processorPaymentId', 255);
  requirePaymentAmount(payment, amount);
  if (card !== undefined) requireCardDisplay(card, 'card.');
  // Capturing a hold must name that hold; the same capture reported twice is a no-op.
  const recorded = matchesRecorded(payment, processorPaymentId);
  if (recorded && payment.status === 'CAPTURED') return [];
  const limitMinor = chargeLimitMinor(payment);
  if (amount.amountMinor > limitMinor) {
    throw new DomainError('AMOUNT_EXCEEDS_AUTHORIZED', 'capture exceeds the authorized amount', {
      paymentId,
      amountMinor: amount.amountMinor,
      authorizedMinor: limitMinor,
    });
  }
  const display =
    card === undefined
      ? {}
      : { card: { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear } };
  return [{ type: 'Charged', data: { paymentId, processorPaymentId, amount, ...display } }];
}

export function recordChargeFailure(command: RecordChargeFailure, state: PaymentState): PaymentEvent[] {
  const payment = requirePayment(state, command.data.paymentId);
  const { paymentId, failureCode, declineCode, message } = command.data;
  requireText(failureCode, 'failureCode', 100);
  requireText(message, 'message', 1000);
  const decline = optionalText(declineCode, 'declineCode', 100) === undefined ? {} : { declineCode };
  if (payment.status === 'FAILED') return [];
  if (payment.status !== 'INITIATED') throw invalidState(payment, 'fail');
  return [{ type: 'ChargeFailed', data: { paymentId, failureCode, ...decline, message } }];
}

export function recordAuthorizationRelease(command: RecordAuthorizationRelease, state: PaymentState): PaymentEvent[] {
  const payment = requirePayment(state, command.data.paymentId);
  // A hold that expired is gone just the same; releasing it again changes nothing.
  if (payment.status === 'RELEASED' || payment.status === 'EXPIRED') return [];
  if (payment.status !== 'AUTHORIZED') throw invalidState(payment, 'release');
  return [{ type: 'AuthorizationReleased', data: { paymentId: payment.paymentId } }];
}

export function expireAuthorization(command: ExpireAuthorization, state: PaymentState): PaymentEvent[] {
  const payment = requirePayment(state, command.data.paymentId);
  // The expiry timer routinely fires after the hold was captured or released; that is not an error.
  if (payment.status === 'CAPTURED' || payment.status === 'RELEASED' || payment.status === 'EXPIRED') return [];
  if (payment.status !== 'AUTHORIZED' || payment.captureBefore === null) throw invalidState(payment, 'expire');
  if (requireInstant(command.context.now, 'now') < requireInstant(payment.captureBefore, 'captureBefore')) {
    throw new DomainError('INVALID_STATE', 'the authorization has not expired yet', {
      paymentId: payment.paymentId,
      captureBefore: payment.captureBefore,
    });
  }
  return [{ type: 'AuthorizationExpired', data: { paymentId: payment.paymentId } }];
}
