/**
 * How the customer pages take a card. Without a Stripe key the sandbox processor is in use and
 * the page shows a test-card form whose script turns Stripe's test card numbers into test tokens
 * in the browser. With Stripe, the page mounts Stripe's Payment Element, which needs the
 * platform's publishable key; the card then never reaches this server at all.
 */
import type { Configuration } from '@ledger/config';

export type CardEntryMode =
  | { readonly kind: 'sandbox' }
  /** `publishableKey` is absent when Stripe is configured without one: the pages then say card entry is unavailable. */
  | { readonly kind: 'stripe'; readonly publishableKey?: string };

export function cardEntryModeFor(config: Configuration): CardEntryMode {
  if (config.payments.kind === 'sandbox') return { kind: 'sandbox' };
  return config.payments.publishableKey ? { kind: 'stripe', publishableKey: config.payments.publishableKey } : { kind: 'stripe' };
}
