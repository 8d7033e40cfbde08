// The read models behind the dashboard's booking, payment, customer and payment-link pages.
import type { Projection } from './projection.js';
import { bookingBalanceProjection } from './booking-balance/booking-balance.projection.js';
import { customerProfileProjection } from './customer-profile/customer-profile.projection.js';
import { paymentHistoryProjection } from './payment-history/payment-history.projection.js';
import { paymentLinksProjection } from './payment-links/payment-links.projection.js';

export { bookingBalanceProjection, customerProfileProjection, paymentHistoryProjection, paymentLinksProjection };
export type * from './booking-balance/booking-balance.document.js';
export type * from './customer-profile/customer-profile.document.js';
export type * from './payment-history/payment-history.document.js';
export type * from './payment-links/payment-links.document.js';

export const dashboardProjections: readonly Projection[] = [
  bookingBalanceProjection,
  paymentHistoryProjection,
  customerProfileProjection,
  paymentLinksProjection,
];
