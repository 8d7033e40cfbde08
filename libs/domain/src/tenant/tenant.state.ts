import { invariant, unreachable } from '../shared/decider.js';
import { offlinePaymentMethods } from '../shared/payment-method.js';
import type { PaymentSettings, StripeAccountState, TenantEvent } from './tenant.events.js';

/**
 * The settings a new business starts with. They are also written as an explicit
 * `PaymentSettingsUpdated` when the tenant is created, so changing these defaults later never
 * rewrites the history of existing tenants on replay.
 */
export const defaultPaymentSettings: PaymentSettings = {
  chargeTiming: 'MANUAL',
  notifyAdminsOnLinkPayment: true,
  offlineMethods: offlinePaymentMethods,
  autoCaptureBeforeExpiry: true,
};

export type StripeConnection =
  | Readonly<{ state: 'NOT_CONNECTED' }>
  | Readonly<{ state: StripeAccountState; accountId: string; chargesEnabled: boolean }>;

export type Tenant = Readonly<{
  status: 'ACTIVE';
  tenantId: string;
  slug: string;
  name: string;
  currency: string;
  timeZone: string;
  /** Where notices for the business's administrators go; null when none was given. */
  adminEmail: string | null;
  settings: PaymentSettings;
  stripe: StripeConnection;
}>;

export type TenantState = Readonly<{ status: 'NONE' }> | Tenant;

export const initialTenantState: TenantState = { status: 'NONE' };

/** What payment commands need to know before they may call the processor. */
export function stripeChargesEnabled(state: TenantState): boolean {
  return state.status === 'ACTIVE' && state.stripe.state === 'ACTIVE' && state.stripe.chargesEnabled;
}

export function evolveTenant(state: TenantState, event: TenantEvent): TenantState {
  if (event.type === 'TenantCreated') {
    invariant(state.status === 'NONE', 'a tenant is created once');
    const { tenantId, slug, name, currency, timeZone } = event.data;
    const stripe: StripeConnection = { state: 'NOT_CONNECTED' };
    const adminEmail = event.data.adminEmail ?? null;
    return { status: 'ACTIVE', tenantId, slug, name, currency, timeZone, adminEmail, settings: defaultPaymentSettings, stripe };
  }
  invariant(state.status === 'ACTIVE', `${event.type} before TenantCreated`);
  switch (event.type) {
    case 'PaymentSettingsUpdated': {
      const { chargeTiming, notifyAdminsOnLinkPayment, offlineMethods, autoCaptureBeforeExpiry } = event.data;
      return {
        ...state,
        settings: { chargeTiming, notifyAdminsOnLinkPayment, offlineMethods, autoCaptureBeforeExpiry },
      };
    }
    case 'StripeConnectStarted':
      return { ...state, stripe: { state: 'PENDING', accountId: event.data.accountId, chargesEnabled: false } };
    case 'StripeAccountUpdated': {
      const { accountId, chargesEnabled, state: accountState } = event.data;
      return { ...state, stripe: { state: accountState, accountId, chargesEnabled } };
    }
    default: {
      const _exhaustive: never = event;
      return unreachable(_exhaustive, 'tenant event');
    }
  }
}
