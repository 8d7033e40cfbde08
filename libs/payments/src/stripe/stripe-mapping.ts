/**
 * Translation of Stripe objects into the port's outcomes. It reads only fields Stripe documents
 * and tolerates missing or unexpanded ones, because the same code must also map stripe-mock's
 * fixed fixtures, whose statuses and amounts do not follow the request.
 */
import type Stripe from 'stripe';
import { GatewayUnavailableError } from '../payment-gateway.errors.js';
import type {
  CancelOutcome,
  CaptureOutcome,
  CardDisplay,
  FailedOutcome,
  HoldCanceled,
  HoldCaptured,
  Money,
  PaymentOutcome,
  RefundResult,
  SaveCardOutcome,
} from '../payment-gateway.types.js';

/**
 * How long a hold is assumed capturable when Stripe does not say (no `capture_before` on the
 * charge). Stripe documents seven days for most card-not-present authorisations, but only four
 * days and eighteen hours for a merchant-initiated one on Visa (a saved card charged off-session),
 * and which applies is not known here: the shorter bound is taken, so a hold is never treated as
 * live after it may have lapsed.
 */
export const UNKNOWN_HOLD_LIFETIME_MS = (4 * 24 + 18) * 60 * 60 * 1000;

const unknownCard: CardDisplay = { brand: 'unknown', last4: '0000', expMonth: 1, expYear: 1970 };

type CardFields = { brand: string | null; last4: string | null; exp_month: number; exp_year: number };

function displayOf(card: CardFields): CardDisplay {
  return {
    brand: card.brand ?? 'unknown',
    last4: card.last4 ?? '0000',
    expMonth: card.exp_month,
    expYear: card.exp_year,
  };
}

function expanded<T extends { id: string }>(value: string | T | null | undefined): T | undefined {
  return value !== null && typeof value === 'object' ? value : undefined;
}

export function idOf(value: string | { id: string } | null | undefined): string | undefined {
  return typeof value === 'string' ? value : (value?.id ?? undefined);
}

/** The card as charged (from the charge), else as saved (from the payment method). */
export function cardOfIntent(intent: Stripe.PaymentIntent): CardDisplay | undefined {
  const chargeCard = expanded(intent.latest_charge)?.payment_method_details?.card;
  if (chargeCard) return displayOf(chargeCard);
  const methodCard = expanded(intent.payment_method)?.card;
  return methodCard ? displayOf(methodCard) : undefined;
}

export function cardOfPaymentMethod(method: Stripe.PaymentMethod | undefined): CardDisplay {
  return method?.card ? displayOf(method.card) : unknownCard;
}

export function moneyOf(amountMinor: number, currency: string): Money {
  return { amountMinor, currency: currency.toUpperCase() };
}

function captureBeforeOf(intent: Stripe.PaymentIntent): string {
  const charge = expanded(intent.latest_charge);
  const captureBefore = charge?.payment_method_details?.card?.capture_before;
  if (typeof captureBefore === 'number') return new Date(captureBefore * 1000).toISOString();
  const authorizedAtMs = (charge?.created ?? intent.created) * 1000;
  return new Date(authorizedAtMs + UNKNOWN_HOLD_LIFETIME_MS).toISOString();
}

function failureOfIntent(intent: Stripe.PaymentIntent): FailedOutcome {
  const error = intent.last_payment_error;
  const failureCode =
    intent.status === 'requires_action' ? 'authentication_required' : (error?.code ?? `payment_${intent.status}`);
  return {
    status: 'failed',
    processorPaymentId: intent.id,
    failureCode,
    ...(error?.decline_code ? { declineCode: error.decline_code } : {}),
    message: error?.message ?? `The payment ended in status ${intent.status}.`,
  };
}

/**
 * Maps a confirmed PaymentIntent. `saveFor` (the customer the card was saved for) is set only when
 * the card was meant to be kept, so a one-time card's payment-method id never leaves this function.
 */
export function paymentOutcomeOf(
  intent: Stripe.PaymentIntent,
  card: CardDisplay,
  saveFor: string | undefined,
): PaymentOutcome {
  const methodId = idOf(intent.payment_method);
  const saved =
    saveFor !== undefined && methodId
      ? { savedCard: { processorPaymentMethodId: methodId, processorCustomerId: saveFor, ...card } }
      : {};
  switch (intent.status) {
    case 'succeeded':
      return {
        status: 'succeeded',
        processorPaymentId: intent.id,
        amountCaptured: moneyOf(intent.amount_received, intent.currency),
        card,
        ...saved,
      };
    case 'requires_capture':
      return {
        status: 'requires_capture',
        processorPaymentId: intent.id,
        amountAuthorized: moneyOf(intent.amount_capturable, intent.currency),
        captureBefore: captureBeforeOf(intent),
        card,
        ...saved,
      };
    case 'processing':
      throw stillProcessing(intent);
    default:
      return failureOfIntent(intent);
  }
}

/**
 * The customer a payment saved its card for, read back from the PaymentIntent itself: only a new
 * card being saved is sent with `setup_future_usage`, never a one-time or an already saved card.
 */
export function savedForOf(intent: Stripe.PaymentIntent): string | undefined {
  return intent.setup_future_usage ? idOf(intent.customer) : undefined;
}

/**
 * A payment Stripe is still processing may yet succeed, so recording it as failed could lose
 * money that moved. The caller keeps its intent open and retries; the final state also arrives by
 * webhook (`payment_intent.succeeded` / `payment_intent.payment_failed`).
 */
function stillProcessing(intent: Stripe.PaymentIntent): GatewayUnavailableError {
  return new GatewayUnavailableError(
    `Payment ${intent.id} is still processing at Stripe; its outcome is not known yet`,
  );
}

export function captureOutcomeOf(intent: Stripe.PaymentIntent): CaptureOutcome {
  if (intent.status === 'processing') throw stillProcessing(intent);
  if (intent.status !== 'succeeded') return failureOfIntent(intent);
  return {
    status: 'succeeded',
    processorPaymentId: intent.id,
    amountCaptured: moneyOf(intent.amount_received, intent.currency),
  };
}

export function cancelOutcomeOf(intent: Stripe.PaymentIntent): CancelOutcome {
  return intent.status === 'canceled' ? { status: 'canceled', processorPaymentId: intent.id } : failureOfIntent(intent);
}

/**
 * A hold that is no longer live, as read back after a capture or release met it in another state:
 * its money taken (`succeeded`) or let go (`canceled`). Undefined for any other state, in which
 * the request that met it changed nothing.
 */
export function settledHoldOf(intent: Stripe.PaymentIntent): HoldCaptured | HoldCanceled | undefined {
  if (intent.status === 'processing') throw stillProcessing(intent);
  if (intent.status === 'canceled') return { status: 'canceled', processorPaymentId: intent.id };
  if (intent.status !== 'succeeded') return undefined;
  return { status: 'succeeded', processorPaymentId: intent.id, amountCaptured: moneyOf(intent.amount_received, intent.currency) };
}

export function saveCardOutcomeOf(
  setupIntent: Stripe.SetupIntent,
  method: Stripe.PaymentMethod | undefined,
  processorCustomerId: string,
): SaveCardOutcome {
  const methodId = idOf(setupIntent.payment_method);
  if (setupIntent.status === 'succeeded' && methodId) {
    const ids = { processorPaymentMethodId: methodId, processorCustomerId };
    return { status: 'saved', card: { ...ids, ...cardOfPaymentMethod(method) } };
  }
  const error = setupIntent.last_setup_error;
  const failureCode =
    setupIntent.status === 'requires_action'
      ? 'authentication_required'
      : (error?.code ?? `setup_${setupIntent.status}`);
  return {
    status: 'failed',
    failureCode,
    ...(error?.decline_code ? { declineCode: error.decline_code } : {}),
    message: error?.message ?? `Saving the card ended in status ${setupIntent.status}.`,
  };
}

export function refundResultOf(refund: Stripe.Refund): RefundResult {
  const amount = moneyOf(refund.amount, refund.currency);
  switch (refund.status) {
    case 'succeeded':
      return { processorRefundId: refund.id, status: 'succeeded', amount };
    case 'failed':
    case 'canceled':
      return {
        processorRefundId: refund.id,
        status: 'failed',
        amount,
        failureCode: refund.failure_reason ?? refund.status,
      };
    default:
      // `pending`, `requires_action` and a missing status all mean the money has not moved yet;
      // the final state arrives by webhook (`refund.updated`).
      return { processorRefundId: refund.id, status: 'pending', amount };
  }
}
