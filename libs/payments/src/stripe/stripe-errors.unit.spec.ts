// Goal: pin down how Stripe's errors become the port's outcomes and exceptions: a decline is an
// outcome, an unknown outcome is retryable, a refusal keeps Stripe's code and param.
// Method: the SDK's own error classes, built in memory as the SDK builds them from a response.
import Stripe from 'stripe';
import { GatewayRequestError, GatewayUnavailableError, IdempotencyConflictError } from '../payment-gateway.errors.js';
import { declineOf, refusalOf, toGatewayError } from './stripe-errors.js';

describe('Stripe errors', () => {
  const { StripeAPIError, StripeCardError, StripeConnectionError, StripeIdempotencyError, StripeInvalidRequestError } =
    Stripe.errors;

  it('turns a card error into a decline outcome carrying the PaymentIntent id', () => {
    const error = new StripeCardError({
      type: 'card_error',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
      payment_intent: { id: 'pi_9' } as Stripe.PaymentIntent,
    });
    expect(declineOf(error)).toEqual({
      status: 'failed',
      processorPaymentId: 'pi_9',
      failureCode: 'card_declined',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    });
  });

  it('turns a capture refused for the state of the payment into a failed outcome', () => {
    const error = new StripeInvalidRequestError({
      type: 'invalid_request_error',
      statusCode: 400,
      code: 'amount_too_large',
      message: 'Too large.',
    });
    expect(refusalOf(error, 'pi_1', new Set(['amount_too_large']))).toEqual({
      status: 'failed',
      processorPaymentId: 'pi_1',
      failureCode: 'amount_too_large',
      message: 'Too large.',
    });
    expect(refusalOf(error, 'pi_1', new Set())).toBeUndefined();
  });

  it.each([
    [
      'a lost connection',
      'GatewayUnavailableError',
      new StripeConnectionError({ type: 'api_error', message: 'ECONNRESET' }),
      GatewayUnavailableError,
    ],
    [
      'a 500',
      'GatewayUnavailableError',
      new StripeAPIError({ type: 'api_error', statusCode: 500, message: 'boom' }),
      GatewayUnavailableError,
    ],
    [
      'a key still in flight (409)',
      'GatewayUnavailableError',
      new StripeAPIError({
        type: 'invalid_request_error',
        statusCode: 409,
        code: 'idempotency_key_in_use',
        message: 'in use',
      }),
      GatewayUnavailableError,
    ],
    [
      'a key reused with other parameters',
      'IdempotencyConflictError',
      new StripeIdempotencyError({ type: 'idempotency_error', statusCode: 400, message: 'reused' }),
      IdempotencyConflictError,
    ],
  ])('maps %s to %s', (_label, _name, error, expected) => {
    expect(toGatewayError(error, 'k')).toBeInstanceOf(expected);
  });

  it("keeps Stripe's code and param on a refused request", () => {
    const error = new StripeInvalidRequestError({
      type: 'invalid_request_error',
      statusCode: 400,
      code: 'resource_missing',
      param: 'payment_method',
      message: "No such PaymentMethod: 'pm_x'",
    });
    const mapped = toGatewayError(error, 'k');
    expect(mapped).toBeInstanceOf(GatewayRequestError);
    expect(mapped).toMatchObject({ code: 'resource_missing', param: 'payment_method', retryable: false });
  });
});
