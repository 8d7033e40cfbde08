/**
 * Delivers through an SMTP server (SMTP_URL), with nodemailer. Timeouts are short on purpose:
 * a send that hangs must fail well within the lease the application's e-mail deliveries hold,
 * so that a retry never overlaps a send still in flight.
 */
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { composeMail } from '../mail-composition.js';
import { MailDeliveryError, Mailer } from '../mail.port.js';
import type { MailMessage, SentMail } from '../mail.port.js';

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://` (TLS from the start). */
  readonly url: string;
  readonly from: string;
  /** Connection, greeting and socket timeouts; 15 seconds by default. */
  readonly timeoutMs?: number;
}

export class SmtpMailer extends Mailer {
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpMailerOptions) {
    super();
    const timeoutMs = options.timeoutMs ?? 15_000;
    this.transport = nodemailer.createTransport({
      url: options.url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(message: MailMessage): Promise<SentMail> {
    const mail = composeMail(message, this.options.from);
    try {
      const info = (await this.transport.sendMail(mail)) as { messageId: string };
      return { messageId: info.messageId };
    } catch (error) {
      // The server's answer may quote the recipient, never credentials: the URL is not in it.
      throw new MailDeliveryError(`The SMTP server did not accept the e-mail: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}
