/**
 * Documents of the collections report. Type aliases, not interfaces, so they are assignable to
 * the projection interface's plain `Doc` records without casts.
 */
import type { PaymentMethod } from '@ledger/domain';

/** A tenant's time zone and currency, kept here because the day a payment lands on depends on them. */
export type CollectionsTenantDocument = {
  tenant: string;
  tenantId: string;
  timeZone: string;
  currency: string;
  position: string;
};

/** Charged and Refunded do not carry the method, so each payment's method is remembered here. */
export type CollectionsPaymentIndexDocument = {
  tenant: string;
  paymentId: string;
  method: PaymentMethod;
  currency: string;
  position: string;
};

/** One tenant, one day in the tenant's time zone, one method. Key `${tenant}:${day}:${method}`. */
export type CollectionsDailyDocument = {
  tenant: string;
  /** `yyyy-mm-dd` in the tenant's time zone. */
  day: string;
  method: PaymentMethod;
  /** Payments that took money (charges and offline collections); refunds do not count. */
  count: number;
  /** Amounts are integer minor units; the names match the API's collections report rows. */
  collected: number;
  refunded: number;
  /** collected - refunded. */
  net: number;
  currency: string;
  position: string;
};
