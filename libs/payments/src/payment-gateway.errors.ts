/**
 * The only exceptions the payment gateway port throws. A decline is not among them: it is an
 * outcome the caller records. These are for when the processor could not answer, or refused the
 * request itself, and `retryable` tells the caller which of the two it is.
 */
export abstract class PaymentGatewayError extends Error {
  abstract readonly code: string;
  /** True when repeating the call with the same idempotency key may succeed. */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The processor could not be reached or failed on its side (network error, timeout, 5xx, rate
 * limit, a concurrent request holding the same key). The outcome is unknown, so the caller must
 * retry with the same idempotency key rather than record a failure.
 */
export class GatewayUnavailableError extends PaymentGatewayError {
  readonly code = 'GATEWAY_UNAVAILABLE';
  readonly retryable = true;
}

/**
 * The processor refused the request as invalid, so nothing happened at the processor. `code` and
 * `param` are the processor's own (Stripe's `resource_missing`, `amount_too_large`, ...).
 */
export class GatewayRequestError extends PaymentGatewayError {
  readonly retryable = false;

  constructor(
    readonly code: string,
    message: string,
    readonly param?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The idempotency key was already used for a different request; the first request stands. */
export class IdempotencyConflictError extends PaymentGatewayError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly retryable = false;

  constructor(
    readonly idempotencyKey: string | undefined,
    message = `Idempotency key ${idempotencyKey ?? '(unknown)'} was already used with different parameters`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
