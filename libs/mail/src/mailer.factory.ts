/** Chooses the mailer the configuration names: SMTP with SMTP_URL, else the file outbox. */
import type { Configuration } from '@ledger/config';
import type { Mailer } from './mail.port.js';
import { OutboxMailer } from './outbox/outbox-mailer.adapter.js';
import { SmtpMailer } from './smtp/smtp-mailer.adapter.js';

export function createMailer(config: Pick<Configuration, 'mail'>): Mailer {
  const { transport, from } = config.mail;
  switch (transport.kind) {
    case 'smtp':
      return new SmtpMailer({ url: transport.url, from });
    case 'outbox':
      return new OutboxMailer({ dir: transport.dir, from });
  }
}
