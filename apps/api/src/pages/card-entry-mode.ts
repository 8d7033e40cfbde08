/**
 * How the customer pages take a card. Without a Stripe key the sandbox processor is in use and
 * the page shows a test-card form whose script turns Stripe's test card numbers into test tokens
 * in the browser. With Stripe, the page mounts Stripe's Payment Element, which needs the
 * platform's publishable key; the card then never reaches this server at all.
 *
 * The publishable key is read here rather than in `@ledger/config` only because the pages are
 * its sole user so far; a malformed value still stops start-up with a message naming it.
 */
import { ConfigurationError } from '@ledger/config';
import type { Configuration } from '@ledger/config';

export type CardEntryMode =
  | { readonly kind: 'sandbox' }
  /** `publishableKey` is absent when Stripe is configured without one: the pages then say card entry is unavailable. */
  | { readonly kind: 'stripe'; readonly publishableKey?: string };

export const PUBLISHABLE_KEY_VARIABLE = 'STRIPE_PUBLISHABLE_KEY';

const publishableKeyPattern = /^pk_(test|live)_[A-Za-z0-9_]+$/;

export function cardEntryModeFor(config: Configuration, env: NodeJS.ProcessEnv = process.env): CardEntryMode {
  if (config.payments.kind === 'sandbox') return { kind: 'sandbox' };
  const key = env[PUBLISHABLE_KEY_VARIABLE]?.trim();
  if (key === undefined || key === '') return { kind: 'stripe' };
  if (!publishableKeyPattern.test(key)) {
    throw new ConfigurationError([`${PUBLISHABLE_KEY_VARIABLE} must be a Stripe publishable key (pk_test_..., pk_live_...)`]);
  }
  return { kind: 'stripe', publishableKey: key };
}
