/**
 * Documents of the collections report. Type aliases, not interfaces, so they are assignable to
 * the projection interface's plain `Doc` records without casts.
 */
import type { PaymentMethod } from '@ledger/domain';
import type { MinorDigits } from '../exact-totals.js';

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
  /**
   * Exact decimal strings of integer minor units (since version 2): a tenant may collect any
   * number of amounts in a day, and a number would round past 2^53-1. The names match the API's
   * collections report rows.
   */
  collected: MinorDigits;
  refunded: MinorDigits;
  /** collected - refunded. */
  net: MinorDigits;
  currency: string;
  position: string;
};
