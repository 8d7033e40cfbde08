import type { Command } from '../shared/decider.js';
import type { PaymentSettings, StripeAccountState } from './tenant.events.js';

export type CreateTenant = Command<
  'CreateTenant',
  {
    tenantId: string;
    slug: string;
    name: string;
    currency: string;
    timeZone: string;
    /** Where notices for the business's administrators go; none means they are not sent. */
    adminEmail?: string;
  }
>;

export type UpdatePaymentSettings = Command<'UpdatePaymentSettings', { tenantId: string } & PaymentSettings>;

/** The application has already created the connected account at the processor. */
export type StartStripeConnect = Command<'StartStripeConnect', { tenantId: string; accountId: string }>;

/** Translated from the processor's account webhook. */
export type UpdateStripeAccount = Command<
  'UpdateStripeAccount',
  { tenantId: string; accountId: string; chargesEnabled: boolean; state: StripeAccountState }
>;

export type TenantCommand = CreateTenant | UpdatePaymentSettings | StartStripeConnect | UpdateStripeAccount;
