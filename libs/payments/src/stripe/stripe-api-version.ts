/**
 * The one Stripe API version the ledger speaks, pinned in code rather than left to the account's
 * default: requests are sent in it (`Stripe-Version`), the adapter's mapping and the webhook
 * translation read objects as it renders them, and a webhook event rendered in another version is
 * not acted on. It is the version the installed `stripe` SDK is typed for; the type annotation
 * makes an SDK upgrade fail to compile until this line (and the webhook endpoints' version) is
 * changed on purpose.
 */
import type Stripe from 'stripe';

export const STRIPE_API_VERSION: Stripe.LatestApiVersion = '2026-10-28.endive';
