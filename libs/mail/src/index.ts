// The public API of the mail library: the Mailer port, its two adapters (SMTP for production,
// the file outbox as the embedded default), the factory and Nest module that choose between
// them, the e-mail templates, and test helpers (which load their development-only dependencies
// lazily). Everything else under src/ is internal.

export { Mailer, MailDeliveryError, MailMessageError } from './mail.port.js';
export type { MailMessage, SentMail } from './mail.port.js';
export { isMailAddress, messageIdFor } from './mail-composition.js';
export { SmtpMailer } from './smtp/smtp-mailer.adapter.js';
export type { SmtpMailerOptions } from './smtp/smtp-mailer.adapter.js';
export { OutboxMailer, outboxFileName } from './outbox/outbox-mailer.adapter.js';
export type { OutboxMailerOptions } from './outbox/outbox-mailer.adapter.js';
export { createMailer } from './mailer.factory.js';
export { MailModule, MailSettings, mailSettingsOf } from './mail.module.js';
export * from './templates/index.js';
export { parseEmail, readOutbox, startTestSmtpServer, TEST_SMTP_PASSWORD, TEST_SMTP_USER } from './testing/mail-testing.js';
export type { ReceivedEmail, TestSmtpServer } from './testing/mail-testing.js';
