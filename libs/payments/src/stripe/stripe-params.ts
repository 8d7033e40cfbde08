/**
 * The PaymentIntent creation request for each kind of card source. The differences between them
 * carry the product's promises: a saved card is charged off-session, a card saved now is set up
 * for later off-session use, and a one-time card is neither attached to a customer nor set up for
 * reuse.
 */
import type Stripe from 'stripe';
import type { CreatePaymentInput } from '../payment-gateway.types.js';

export function paymentIntentParams(input: CreatePaymentInput): Stripe.PaymentIntentCreateParams {
  const base: Stripe.PaymentIntentCreateParams = {
    amount: input.amount.amountMinor,
    currency: input.amount.currency.toLowerCase(),
    // Explicit, because newer API versions default to `automatic_async`, which reports success
    // before the capture settles; the ledger wants the captured amount in the answer.
    capture_method: input.capture,
    confirm: true,
    // Server-side confirmation has no page to return to, so redirect-based methods are excluded.
    automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    expand: ['latest_charge', 'payment_method'],
    ...(input.description ? { description: input.description } : {}),
    ...(input.metadata ? { metadata: { ...input.metadata } } : {}),
  };
  const source = input.source;
  if (source.kind === 'saved') {
    // The customer is not present: Stripe then declines instead of asking for authentication.
    return {
      ...base,
      customer: source.processorCustomerId,
      payment_method: source.processorPaymentMethodId,
      off_session: true,
    };
  }
  // The customer is present but this server cannot show a 3-D Secure challenge, so a card that
  // asks for one fails now instead of leaving a payment waiting for an action nobody can take.
  const onSession = { ...base, payment_method: source.paymentMethodToken, error_on_requires_action: true };
  if (source.saveFor === undefined) return onSession;
  return { ...onSession, customer: source.saveFor, setup_future_usage: 'off_session' };
}
