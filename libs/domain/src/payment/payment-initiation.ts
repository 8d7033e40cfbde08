import { DomainError } from '../shared/domain-error.js';
import { assertPositiveAmount, moneyEquals } from '../shared/money.js';
import { cardPaymentMethods, type CardPaymentMethod, offlinePaymentMethods } from '../shared/payment-method.js';
import { optionalWrittenText, requireList, requireOneOf, requireText } from '../shared/validation.js';
import { requireAllocations } from './payment-allocations.js';
import type { InitiatePayment, RecordOfflinePayment } from './payment.commands.js';
import { captureModes, type PaymentEvent } from './payment.events.js';
import type { PaymentState } from './payment.state.js';

/**
 * Where the card comes from decides whether it may be saved: a card on file already is, a
 * one-time card never may be, a new card always is, and on a payment link the customer chooses.
 */
function requireCardChoice(method: CardPaymentMethod, cardId: string | undefined, saveCard: boolean): void {
  if (typeof saveCard !== 'boolean') {
    throw new DomainError('VALIDATION_FAILED', 'saveCard must be a boolean', { field: 'saveCard' });
  }
  if (method === 'CARD_ON_FILE') requireText(cardId, 'cardId', 128);
  else if (cardId !== undefined) {
    throw new DomainError('VALIDATION_FAILED', 'cardId is only for a card on file', { field: 'cardId', method });
  }
  const required: Partial<Record<CardPaymentMethod, boolean>> = {
    CARD_ON_FILE: false,
    ONE_TIME_CARD: false,
    NEW_CARD: true,
  };
  const expected = required[method];
  if (expected !== undefined && expected !== saveCard) {
    throw new DomainError('VALIDATION_FAILED', `saveCard must be ${String(expected)} for ${method}`, {
      field: 'saveCard',
      method,
    });
  }
}

export function initiatePayment(command: InitiatePayment, state: PaymentState): PaymentEvent[] {
  const { paymentId, customerId, allocations, amount, cardId, saveCard, idempotencyKey, processorAccountId } = command.data;
  if (state.status !== 'NONE') {
    // The same key is the same request retried; another key reusing the id is a conflict.
    if (state.idempotencyKey === idempotencyKey) return [];
    throw new DomainError('ALREADY_EXISTS', 'payment already exists', { paymentId });
  }
  requireText(paymentId, 'paymentId', 128);
  requireText(customerId, 'customerId', 128);
  requireText(idempotencyKey, 'idempotencyKey', 255);
  const method = requireOneOf(command.data.method, cardPaymentMethods, 'method');
  const capture = requireOneOf(command.data.capture, captureModes, 'capture');
  requireCardChoice(method, cardId, saveCard);
  assertPositiveAmount(amount);
  requireAllocations(allocations, amount);
  if (command.data.chargesEnabled !== true) {
    throw new DomainError('STRIPE_NOT_CONNECTED', 'the business has no processor account able to take card payments');
  }
  if (processorAccountId !== undefined) requireText(processorAccountId, 'processorAccountId', 255);
  const card = cardId === undefined ? {} : { cardId };
  const account = processorAccountId === undefined ? {} : { processorAccountId };
  return [
    {
      type: 'PaymentInitiated',
      data: { paymentId, customerId, allocations, amount, method, capture, ...card, saveCard, idempotencyKey, ...account },
    },
  ];
}

export function recordOfflinePayment(command: RecordOfflinePayment, state: PaymentState): PaymentEvent[] {
  const { paymentId, customerId, allocations, amount, reference, note, enabledMethods } = command.data;
  const method = requireOneOf(command.data.method, offlinePaymentMethods, 'method');
  if (state.status !== 'NONE') {
    // Recording the same collection again is a retry; anything else reusing the id is a conflict.
    const same = state.status === 'COLLECTED' && state.method === method && moneyEquals(state.amount, amount);
    if (same) return [];
    throw new DomainError('ALREADY_EXISTS', 'payment already exists', { paymentId });
  }
  requireText(paymentId, 'paymentId', 128);
  requireText(customerId, 'customerId', 128);
  requireList(enabledMethods, 'enabledMethods');
  if (!enabledMethods.includes(method)) {
    throw new DomainError('OFFLINE_METHOD_DISABLED', `${method} payments are turned off for this business`, { method });
  }
  assertPositiveAmount(amount);
  requireAllocations(allocations, amount);
  const details = {
    ...(optionalWrittenText(reference, 'reference', 200) === undefined ? {} : { reference }),
    ...(optionalWrittenText(note, 'note', 1000, 'lines') === undefined ? {} : { note }),
  };
  return [{ type: 'CashCollected', data: { paymentId, customerId, allocations, amount, method, ...details } }];
}
