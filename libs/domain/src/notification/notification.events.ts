import type { Event } from '../shared/decider.js';
import type { Money } from '../shared/money.js';

/** Why the business's administrators are told something; each kind has its own e-mail. */
export const adminNotificationKinds = ['LINK_PAID'] as const;
export type AdminNotificationKind = (typeof adminNotificationKinds)[number];

/** A customer paid through a payment link: the facts the e-mail to the administrators shows. */
export type LinkPaidNotice = Readonly<{
  kind: 'LINK_PAID';
  linkId: string;
  paymentId: string;
  customerId: string;
  amount: Money;
  bookingIds: readonly string[];
}>;

/**
 * The request is recorded, not the e-mail: the sender delivers it later and may retry, so a
 * notification asked for while the mail server is down is not lost.
 */
export type AdminNotificationRequested = Event<'AdminNotificationRequested', { notificationId: string } & LinkPaidNotice>;

export type NotificationEvent = AdminNotificationRequested;
