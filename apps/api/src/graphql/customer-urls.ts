/**
 * The customer's secure links (pay and add-card pages) and the e-mails that carry them. The
 * token exists only in the answer to the command that created the link, so the e-mail is sent
 * right here, before the answer leaves; the mail service records each send once.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CustomerEmails } from '@ledger/application';
import type { Caller, CardRequestResult, PaymentLinkSent } from '@ledger/application';
import type { Configuration } from '@ledger/config';
import { CONFIGURATION } from './graphql.tokens.js';

export interface SentEmail {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

@Injectable()
export class CustomerUrls {
  constructor(
    @Inject(CONFIGURATION) private readonly config: Configuration,
    @Inject(CustomerEmails) private readonly emails: CustomerEmails,
  ) {}

  payUrl(token: string): string {
    return `${this.config.publicUrl.replace(/\/$/, '')}/pay/${encodeURIComponent(token)}`;
  }

  cardUrl(token: string): string {
    return `${this.config.publicUrl.replace(/\/$/, '')}/card/${encodeURIComponent(token)}`;
  }

  /** Sends the payment link e-mail (unless previewing) and answers with exactly what it says. */
  async sendPaymentLink(caller: Caller, sent: PaymentLinkSent, previewOnly: boolean): Promise<SentEmail> {
    const { to, subject, html, text } = await this.emails.paymentLink(caller, sent, { previewOnly });
    return { to, subject, html, text };
  }

  async sendCardRequest(caller: Caller, result: CardRequestResult): Promise<void> {
    await this.emails.cardRequest(caller, result);
  }
}
