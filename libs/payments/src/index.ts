// The public API of the payments library: the PaymentGateway port, its errors and data, and its
// two adapters (Stripe for production, the SQLite-backed sandbox as the embedded default).
// Everything else under src/ is internal and may be reorganised freely.

export { PaymentGateway } from './payment-gateway.port.js';
export {
  GatewayRequestError,
  GatewayUnavailableError,
  IdempotencyConflictError,
  PaymentGatewayError,
} from './payment-gateway.errors.js';
export type * from './payment-gateway.types.js';

export { SandboxPaymentGateway } from './sandbox/sandbox-payment-gateway.adapter.js';
export type { SandboxPaymentGatewayOptions } from './sandbox/sandbox-payment-gateway.adapter.js';
export { SANDBOX_CARD_EXPIRY, sandboxCardTokens } from './sandbox/sandbox-cards.js';
export { HOLD_LIFETIME_MS as SANDBOX_HOLD_LIFETIME_MS } from './sandbox/sandbox-payments.js';

export { StripePaymentGateway } from './stripe/stripe-payment-gateway.adapter.js';
export { STRIPE_API_VERSION } from './stripe/stripe-api-version.js';
export { UNKNOWN_HOLD_LIFETIME_MS as STRIPE_UNKNOWN_HOLD_LIFETIME_MS } from './stripe/stripe-mapping.js';
export type { StripePaymentGatewayOptions, StripeRequestRecord } from './stripe/stripe-payment-gateway.adapter.js';
export { createPaymentGateway } from './payment-gateway.factory.js';
