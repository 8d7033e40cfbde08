// E-mail in the application: what is sent to customers on request, the process managers that
// send administrators' notices and receipts, and the recorded deliveries behind all of them.
import { AdminNotificationMailer } from './admin-notification-mailer.js';
import { CustomerEmails } from './customer-emails.js';
import { EmailDeliveries } from './email-deliveries.js';
import { ReceiptMailer } from './receipt-mailer.js';

export * from './admin-notification-mailer.js';
export * from './customer-emails.js';
export * from './email-deliveries.js';
export * from './receipt-mailer.js';

/** The process managers that send e-mail; ProcessManagerHost runs them. */
export const mailingManagers = [AdminNotificationMailer, ReceiptMailer];

/** Everything here that Nest provides; they need `Mailer` and `MailSettings` from MailModule. */
export const notificationServices = [EmailDeliveries, CustomerEmails, ...mailingManagers];
