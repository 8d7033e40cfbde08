/**
 * How the sandbox answers "what became of the payment asked for with this key?": the answer its
 * `createPayment` recorded under the key, brought up to date with what happened to the payment
 * since (captured, released, or a hold that lapsed), which is what a PaymentIntent fetched from
 * Stripe would show. It only reads: nothing is recorded under the key, so a payment that never
 * arrived can still be sent with it.
 */
import { IdempotencyConflictError } from '../payment-gateway.errors.js';
import type { FailedOutcome, LookupPaymentInput, PaymentOutcome } from '../payment-gateway.types.js';
import { assertLookupPaymentInput } from '../payment-gateway.validation.js';
import type { PaymentRow, SandboxStore } from './sandbox-store.js';

/** The operation `createPayment` records its answers under in the idempotency table. */
export const CREATE_PAYMENT_OPERATION = 'payment_intents.create';

export function lookupSandboxPayment(
  store: SandboxStore,
  input: LookupPaymentInput,
  now: Date,
): PaymentOutcome | undefined {
  const key = input.idempotencyKey;
  assertLookupPaymentInput(input);
  const recorded = store.findIdempotency(key);
  if (!recorded) return undefined;
  if (recorded.operation !== CREATE_PAYMENT_OPERATION) {
    throw new IdempotencyConflictError(key, `Idempotency key ${key} was used for ${recorded.operation}, not a payment`);
  }
  const created = JSON.parse(recorded.result) as PaymentOutcome;
  const payment = created.processorPaymentId === undefined ? undefined : store.findPayment(created.processorPaymentId);
  // The payment and the answer are committed in one transaction, so one without the other is a
  // sandbox bug, never an outcome to report.
  if (!payment) throw new Error(`Sandbox invariant broken: no payment behind idempotency key ${key}`);
  if (!isFor(payment, input)) {
    // Answering "never received" here could release money that moved under this key, so a
    // mismatch is refused rather than reported as unknown.
    const message = `Idempotency key ${key} was used for another payment than ${input.paymentId}`;
    throw new IdempotencyConflictError(key, message);
  }
  return currentOutcome(created, payment, now);
}

/** The payment the key was used for carries the ledger's ids asked for (the tenant when given). */
function isFor(payment: PaymentRow, input: LookupPaymentInput): boolean {
  const metadata = payment.metadata === null ? {} : (JSON.parse(payment.metadata) as Record<string, string>);
  return metadata.paymentId === input.paymentId && (input.tenant === undefined || metadata.tenant === input.tenant);
}

/** A released or lapsed hold, worded as the Stripe adapter words a canceled PaymentIntent. */
function canceled(processorPaymentId: string): FailedOutcome {
  return {
    status: 'failed',
    processorPaymentId,
    failureCode: 'payment_canceled',
    message: 'The payment ended in status canceled.',
  };
}

function currentOutcome(created: PaymentOutcome, payment: PaymentRow, now: Date): PaymentOutcome {
  if (created.status === 'failed') return created;
  const card = { card: created.card, ...(created.savedCard ? { savedCard: created.savedCard } : {}) };
  switch (payment.status) {
    case 'succeeded': {
      const amountCaptured = { amountMinor: payment.capturedMinor, currency: payment.currency };
      return { status: 'succeeded', processorPaymentId: payment.id, amountCaptured, ...card };
    }
    case 'requires_capture':
      // Stripe cancels a hold on its own when it lapses; the sandbox notices only at the next
      // capture, so a lookup reports the lapse without writing it.
      if (payment.captureBefore !== null && now.getTime() < Date.parse(payment.captureBefore)) return created;
      return canceled(payment.id);
    case 'canceled':
      return canceled(payment.id);
    case 'failed':
      throw new Error(`Sandbox invariant broken: payment ${payment.id} failed after it was answered ${created.status}`);
    default: {
      const _exhaustive: never = payment.status;
      throw new Error(`Unknown sandbox payment status ${String(_exhaustive)}`);
    }
  }
}
