/** What a customer page may show about the business: never more than its public face. */
import { stripeChargesEnabled } from '@ledger/domain';
import type { Tenant } from '@ledger/domain';

export interface BusinessSummary {
  readonly name: string;
  readonly currency: string;
  readonly timeZone: string;
  /** Whether the business can take cards at all (its processor account is able to charge). */
  readonly acceptsCards: boolean;
  /**
   * The business's connected processor account: Stripe.js must create the card there, since
   * every charge for this business is made on that account. Not a secret.
   */
  readonly processorAccountId?: string;
}

export function businessOf(tenant: Tenant): BusinessSummary {
  const summary = { name: tenant.name, currency: tenant.currency, timeZone: tenant.timeZone, acceptsCards: stripeChargesEnabled(tenant) };
  return tenant.stripe.state === 'NOT_CONNECTED' ? summary : { ...summary, processorAccountId: tenant.stripe.accountId };
}
