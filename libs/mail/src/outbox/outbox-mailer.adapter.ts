/**
 * The embedded default: every e-mail becomes an `.eml` file in DATA_DIR/outbox, the same RFC 822
 * message an SMTP server would have received (nodemailer's stream transport builds it), so it
 * opens in any mail client. Files are written to a temporary name, flushed and renamed, so a
 * reader never sees half a message. The name comes from the Message-ID: an e-mail sent again
 * under the same id replaces its file instead of adding a second one.
 */
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { composeMail } from '../mail-composition.js';
import { MailDeliveryError, Mailer } from '../mail.port.js';
import type { MailMessage, SentMail } from '../mail.port.js';

export interface OutboxMailerOptions {
  readonly dir: string;
  readonly from: string;
}

export class OutboxMailer extends Mailer {
  private readonly transport: Transporter;

  constructor(private readonly options: OutboxMailerOptions) {
    super();
    this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  get dir(): string {
    return this.options.dir;
  }

  async send(message: MailMessage): Promise<SentMail> {
    const mail = composeMail(message, this.options.from);
    const info = (await this.transport.sendMail(mail)) as { messageId: string; message: Buffer };
    try {
      await this.write(outboxFileName(info.messageId), info.message);
    } catch (error) {
      throw new MailDeliveryError(`Could not write the e-mail to ${this.options.dir}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    return { messageId: info.messageId };
  }

  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }

  private async write(name: string, content: Buffer): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    const target = join(this.options.dir, name);
    const temporary = join(this.options.dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

/** A readable, file-system-safe name that is the same for the same Message-ID. */
export function outboxFileName(messageId: string): string {
  const readable = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 100);
  const digest = createHash('sha256').update(messageId).digest('hex').slice(0, 12);
  return `${readable}.${digest}.eml`;
}
