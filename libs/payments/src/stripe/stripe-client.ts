/**
 * The `stripe` SDK client the adapter speaks through: pinned to the ledger's API version, with
 * the retries and timeout the ledger's retry policy expects, and optionally pointed at a
 * Stripe-compatible endpoint (stripe-mock, or the fault server in front of it).
 */
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from './stripe-api-version.js';
import { observeRequests, type StripeRequestRecord } from './stripe-requests.js';

export interface StripePaymentGatewayOptions {
  readonly secretKey: string;
  /** Only to point at a Stripe-compatible endpoint such as stripe-mock. */
  readonly host?: string;
  readonly port?: number;
  readonly protocol?: 'http' | 'https';
  /**
   * The SDK's own retries reuse our idempotency key, so one is safe; more would hide an outage
   * from the ledger's retry policy, which owns retries. Default 1.
   */
  readonly maxNetworkRetries?: number;
  readonly timeoutMs?: number;
  /** The kind of account a tenant gets when it has none yet; `standard` has its own dashboard. */
  readonly connectAccountType?: 'standard' | 'express';
  /** Observes every request as it is sent, for metrics and audit logs. */
  readonly onRequest?: (request: StripeRequestRecord) => void;
  /** Pages of a hundred a lookup reads before it reports the payment's fate unproven. Default 20. */
  readonly lookupMaxPages?: number;
}

export function stripeClient(options: StripePaymentGatewayOptions): Stripe {
  const stripe = new Stripe(options.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
    timeout: options.timeoutMs ?? 30_000,
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
  });
  if (options.onRequest) observeRequests(stripe, options.onRequest);
  return stripe;
}
