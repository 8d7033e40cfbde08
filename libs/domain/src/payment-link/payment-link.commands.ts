import type { Command } from '../shared/decider.js';
import type { Money } from '../shared/money.js';

/** `chargesEnabled` comes from the tenant's processor account: a link nobody can pay is not sent. */
export type CreatePaymentLink = Command<
  'CreatePaymentLink',
  {
    linkId: string;
    customerId: string;
    bookingIds: readonly string[];
    amount: Money;
    tokenHash: string;
    email: string;
    expiresAt: string;
    chargesEnabled: boolean;
  }
>;

/** The customer pays through the link; decided before the card is charged. */
export type PayPaymentLink = Command<'PayPaymentLink', { linkId: string; paymentId: string }>;

/** The payment started through the link was charged. */
export type RecordPaymentLinkPaid = Command<'RecordPaymentLinkPaid', { linkId: string; paymentId: string }>;

/** Sent by a timer once `expiresAt` has passed. */
export type ExpirePaymentLink = Command<'ExpirePaymentLink', { linkId: string }>;

export type CancelPaymentLink = Command<'CancelPaymentLink', { linkId: string }>;

export type PaymentLinkCommand =
  CreatePaymentLink | PayPaymentLink | RecordPaymentLinkPaid | ExpirePaymentLink | CancelPaymentLink;
