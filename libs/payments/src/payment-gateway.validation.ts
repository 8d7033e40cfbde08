/**
 * Checks both adapters make before any money moves. The domain already validated the command;
 * these guard the boundary so a float or a lower-case currency can never reach a processor.
 */
import { GatewayRequestError } from './payment-gateway.errors.js';
import type { LookupPaymentInput, Money } from './payment-gateway.types.js';

const currencyPattern = /^[A-Z]{3}$/;

export function assertPositiveMinorUnits(amountMinor: number, param: string): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw new GatewayRequestError(
      'parameter_invalid_integer',
      `${param} must be a positive integer count of minor units`,
      param,
    );
  }
}

export function assertMoney(amount: Money): void {
  assertPositiveMinorUnits(amount.amountMinor, 'amount');
  if (!currencyPattern.test(amount.currency)) {
    throw new GatewayRequestError('invalid_currency', 'currency must be an upper-case ISO-4217 code', 'currency');
  }
}

export function assertIdempotencyKey(idempotencyKey: string): void {
  // Stripe accepts keys of up to 255 characters; the sandbox keeps the same limit so a key that
  // works in development also works in production.
  if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > 255) {
    throw new GatewayRequestError(
      'idempotency_key_invalid',
      'idempotencyKey must be 1 to 255 characters',
      'idempotency_key',
    );
  }
}

export function assertLookupPaymentInput(input: LookupPaymentInput): void {
  assertIdempotencyKey(input.idempotencyKey);
  // The id is looked for at the processor; an empty one would match nothing and so read as
  // "never received", which would release money that may have moved. Stripe's metadata values
  // hold at most 500 characters, so a longer id can never have been sent.
  const { paymentId } = input;
  if (typeof paymentId !== 'string' || paymentId.length === 0 || paymentId.length > 500) {
    throw new GatewayRequestError('parameter_invalid_string', 'paymentId must be 1 to 500 characters', 'paymentId');
  }
  // Without a valid start, a read of "everything created since" could begin after the payment and
  // so prove an absence that is not one.
  const since = input.createdSince;
  if (since !== undefined && (typeof since !== 'string' || Number.isNaN(Date.parse(since)))) {
    throw new GatewayRequestError('parameter_invalid_timestamp', 'createdSince must be an ISO-8601 instant', 'createdSince');
  }
}
