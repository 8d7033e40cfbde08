/**
 * Translation of Stripe's errors into the port's. A card error is a decline, which the port
 * reports as an outcome; everything else becomes one of the port's three exceptions, chosen by
 * whether the outcome is unknown (retry with the same key) or known not to have happened.
 */
import Stripe from 'stripe';
import { GatewayRequestError, GatewayUnavailableError, IdempotencyConflictError } from '../payment-gateway.errors.js';
import type { FailedOutcome } from '../payment-gateway.types.js';

const {
  StripeAPIError,
  StripeCardError,
  StripeConnectionError,
  StripeError,
  StripeIdempotencyError,
  StripeRateLimitError,
} = Stripe.errors;

/** The decline carried by a card error, or undefined when the error is not a decline. */
export function declineOf(error: unknown): FailedOutcome | undefined {
  if (!(error instanceof StripeCardError)) return undefined;
  const processorPaymentId = error.payment_intent?.id;
  return {
    status: 'failed',
    ...(processorPaymentId ? { processorPaymentId } : {}),
    failureCode: error.code ?? 'card_declined',
    ...(error.decline_code ? { declineCode: error.decline_code } : {}),
    message: error.message,
  };
}

/** A refusal Stripe reports as an invalid request, for operations where the port calls it an outcome. */
export function refusalOf(
  error: unknown,
  processorPaymentId: string,
  codes: ReadonlySet<string>,
): FailedOutcome | undefined {
  const decline = declineOf(error);
  if (decline) return { ...decline, processorPaymentId };
  if (!(error instanceof StripeError) || error.statusCode !== 400 || !error.code || !codes.has(error.code))
    return undefined;
  return { status: 'failed', processorPaymentId, failureCode: error.code, message: error.message };
}

/**
 * A 5xx from Stripe. Under an idempotency key Stripe stores it and replays it for 24 hours, so a
 * retry with the same key learns nothing new: the caller must read the outcome instead.
 */
export function isServerError(error: unknown): error is Stripe.errors.StripeError {
  return error instanceof StripeError && (error.statusCode ?? 0) >= 500;
}

/** A request Stripe refused with this error code (a 4xx with `code`). */
export function hasCode(error: unknown, code: string): boolean {
  return error instanceof StripeError && error.code === code;
}

export function toGatewayError(error: unknown, idempotencyKey: string | undefined): Error {
  if (!(error instanceof StripeError)) return error instanceof Error ? error : new Error(String(error));
  const cause = { cause: error };
  if (error instanceof StripeIdempotencyError)
    return new IdempotencyConflictError(idempotencyKey, error.message, cause);
  // 409 is Stripe's "a request with this key is still in flight"; like 429, 5xx and a lost
  // connection, the outcome is unknown and a later retry with the same key will tell.
  const status = error.statusCode ?? 0;
  const unknownOutcome = [StripeAPIError, StripeConnectionError, StripeRateLimitError].some(
    (kind) => error instanceof kind,
  );
  if (unknownOutcome || status === 409 || status >= 500) {
    return new GatewayUnavailableError(`Stripe is unavailable: ${error.message}`, cause);
  }
  return new GatewayRequestError(error.code ?? error.rawType ?? 'request_refused', error.message, error.param, cause);
}

/** Throws the port's error for a Stripe error met during a call made with this key. */
export function rethrow(error: unknown, call: { readonly idempotencyKey?: string }): never {
  throw toGatewayError(error, call.idempotencyKey);
}
