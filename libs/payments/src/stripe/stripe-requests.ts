/**
 * What every Stripe request carries, and how requests are observed. Kept in one place so that no
 * call can forget the idempotency key or the connected account.
 */
import type Stripe from 'stripe';
import type { GatewayCall, ProcessorAccount } from '../payment-gateway.types.js';
import { assertIdempotencyKey } from '../payment-gateway.validation.js';

export interface StripeRequestRecord {
  readonly method: string;
  readonly path: string;
  /** The connected account the request was made on behalf of; absent for the platform. */
  readonly account?: string;
  readonly idempotencyKey?: string;
}

export function observeRequests(stripe: Stripe, observer: (request: StripeRequestRecord) => void): void {
  // The SDK types `on` as `any`; this view restores the documented signature of its 'request' event.
  const events = stripe as unknown as { on(event: 'request', handler: (request: Stripe.RequestEvent) => void): void };
  events.on('request', (event) => {
    // stripe 23.1 reports a missing Stripe-Account header as the string 'undefined' in this event
    // (the header itself is not sent), so that value means "the platform".
    const account = event.account && event.account !== 'undefined' ? { account: event.account } : {};
    const idempotencyKey =
      event.idempotency_key && event.idempotency_key !== 'undefined' ? { idempotencyKey: event.idempotency_key } : {};
    // A read carries its filters in the URL; the record names the endpoint only, so that metrics
    // keep one series per endpoint and no filter value is copied into logs.
    const path = event.path.split('?')[0] ?? event.path;
    observer({ method: event.method, path, ...account, ...idempotencyKey });
  });
}

export function requestOptions(call: GatewayCall): Stripe.RequestOptions {
  assertIdempotencyKey(call.idempotencyKey);
  return { idempotencyKey: call.idempotencyKey, ...accountOptions(call.account) };
}

/** For reads, which Stripe does not key: an idempotency key on a GET has no effect there. */
export function accountOptions(account: ProcessorAccount): Stripe.RequestOptions {
  return account.accountId ? { stripeAccount: account.accountId } : {};
}
