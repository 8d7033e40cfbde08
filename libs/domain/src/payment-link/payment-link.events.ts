import type { Event } from '../shared/decider.js';
import type { Money } from '../shared/money.js';

/** Only the hash of the secret link token is kept, so a leaked log cannot be used to pay or peek. */
export type PaymentLinkCreated = Event<
  'PaymentLinkCreated',
  {
    linkId: string;
    customerId: string;
    bookingIds: readonly string[];
    amount: Money;
    tokenHash: string;
    email: string;
    expiresAt: string;
  }
>;

/**
 * The customer pressed Pay while the link was payable. Recording the attempt before the card is
 * charged means a link that expires during the few seconds of the charge still accepts the
 * money that was already on its way, instead of refusing a payment the processor completed.
 */
export type PaymentLinkPaymentStarted = Event<'PaymentLinkPaymentStarted', { linkId: string; paymentId: string }>;

export type PaymentLinkPaid = Event<'PaymentLinkPaid', { linkId: string; paymentId: string }>;

export type PaymentLinkExpired = Event<'PaymentLinkExpired', { linkId: string }>;

export type PaymentLinkCancelled = Event<'PaymentLinkCancelled', { linkId: string }>;

export type PaymentLinkEvent =
  PaymentLinkCreated | PaymentLinkPaymentStarted | PaymentLinkPaid | PaymentLinkExpired | PaymentLinkCancelled;
