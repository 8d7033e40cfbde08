import type { Event } from '../shared/decider.js';
import type { OfflinePaymentMethod } from '../shared/payment-method.js';

export const chargeTimings = ['AT_BOOKING', 'PRE_AUTHORIZE', 'AFTER_SERVICE', 'MANUAL'] as const;
export type ChargeTiming = (typeof chargeTimings)[number];

export type PaymentSettings = Readonly<{
  chargeTiming: ChargeTiming;
  notifyAdminsOnLinkPayment: boolean;
  /** Kept in the canonical order of `offlinePaymentMethods`, so equal sets compare equal. */
  offlineMethods: readonly OfflinePaymentMethod[];
  autoCaptureBeforeExpiry: boolean;
}>;

export type StripeAccountState = 'PENDING' | 'ACTIVE';

/** `adminEmail` was added later and is absent when none was given (and in older events). */
export type TenantCreated = Event<
  'TenantCreated',
  { tenantId: string; slug: string; name: string; currency: string; timeZone: string; adminEmail?: string }
>;

export type PaymentSettingsUpdated = Event<'PaymentSettingsUpdated', { tenantId: string } & PaymentSettings>;

export type StripeConnectStarted = Event<'StripeConnectStarted', { tenantId: string; accountId: string }>;

export type StripeAccountUpdated = Event<
  'StripeAccountUpdated',
  { tenantId: string; accountId: string; chargesEnabled: boolean; state: StripeAccountState }
>;

export type TenantEvent = TenantCreated | PaymentSettingsUpdated | StripeConnectStarted | StripeAccountUpdated;
