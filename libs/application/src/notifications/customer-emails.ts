/**
 * The e-mails a business sends its customers on request: the payment link ("Complete Payment")
 * and the add-card link. The GraphQL resolvers call these right after the command that created
 * the link, with the command's answer, because only that answer carries the link's secret token
 * (the ledger keeps its hash). Content is loaded from the event store, not from read models.
 *
 * Each e-mail's id is derived from its link, so asking twice sends once (see EmailDeliveries);
 * a repeat answers with the same e-mail and the status ALREADY_SENT.
 */
import { Injectable } from '@nestjs/common';
import { DomainError, paymentLinkDecider, streamName } from '@ledger/domain';
import type { Customer, PaymentLink, Tenant } from '@ledger/domain';
import { MailSettings, renderCardRequestEmail, renderPaymentLinkEmail } from '@ledger/mail';
import type { RenderedEmail } from '@ledger/mail';
import { readCardRequestToken } from '../cards/card-request-token.js';
import { CommandContexts } from '../command-contexts.js';
import type { Caller } from '../command-contexts.js';
import type { CardRequestResult } from '../commands/customer.commands.js';
import { linkIdOfToken, linkTokenMatches } from '../commands/payment-link-token.js';
import type { PaymentLinkSent } from '../commands/payment-link.commands.js';
import { DecisionRunner } from '../decision-runner.js';
import { deriveId } from '../ids.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { bookingsOf, linesOfLink, presentationOf } from './email-content.js';
import { EmailDeliveries } from './email-deliveries.js';
import type { Delivery } from './email-deliveries.js';

/** Stands in for the secret token where there is none: a preview, or a repeat that never had it. */
export const LINK_TOKEN_PLACEHOLDER = 'PREVIEW-the-secure-link-is-created-when-the-email-is-sent';

export interface EmailPreview {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/**
 * - `PREVIEW`: nothing was sent; the link shows LINK_TOKEN_PLACEHOLDER.
 * - `SENT`: sent now. `ALREADY_SENT`: an earlier request sent it; nothing was sent now.
 * - `NOT_SENT`: the link exists but its token was lost (a request resumed after a crash), so
 *   the e-mail cannot be sent; cancel the link and send a new one.
 */
export type CustomerEmailStatus = 'PREVIEW' | 'SENT' | 'ALREADY_SENT' | 'NOT_SENT';

export interface CustomerEmail extends EmailPreview {
  readonly status: CustomerEmailStatus;
  /** The Message-ID of the e-mail that went out, when one did. */
  readonly messageId?: string;
}

export function paymentLinkEmailId(linkId: string): string {
  return deriveId(linkId, 'payment-link-email');
}

export function cardRequestEmailId(requestId: string): string {
  return deriveId(requestId, 'card-request-email');
}

@Injectable()
export class CustomerEmails {
  constructor(
    private readonly reader: LedgerReader,
    private readonly runner: DecisionRunner,
    private readonly deliveries: EmailDeliveries,
    private readonly settings: MailSettings,
    private readonly contexts: CommandContexts,
  ) {}

  /** Renders the payment link e-mail and, unless `previewOnly`, sends it (once per link). */
  async paymentLink(caller: Caller, sent: PaymentLinkSent, options: { readonly previewOnly: boolean }): Promise<CustomerEmail> {
    const tenant = await this.reader.tenant(caller.tenant);
    if (options.previewOnly || sent.status === 'PREVIEW' || sent.linkId === undefined) {
      const bookings = await bookingsOf(this.reader, caller.tenant, sent.bookingIds);
      const customer = await this.reader.customer(caller.tenant, requireOneCustomer(bookings.map((booking) => booking.customerId)));
      const email = await this.renderLink(tenant, customer, sent, LINK_TOKEN_PLACEHOLDER);
      return { to: sent.email, ...email, status: 'PREVIEW' };
    }
    const link = await this.link(caller.tenant, sent.linkId);
    const customer = await this.reader.customer(caller.tenant, link.customerId);
    const emailId = paymentLinkEmailId(link.linkId);
    if (sent.token === undefined) {
      const email = await this.renderLink(tenant, customer, link, LINK_TOKEN_PLACEHOLDER);
      const status = (await this.deliveries.status(emailId, caller.tenant)) === 'SENT' ? 'ALREADY_SENT' : 'NOT_SENT';
      return { to: link.email, ...email, status };
    }
    requireLinkToken(sent.token, link);
    const email = await this.renderLink(tenant, customer, link, sent.token);
    const context = this.contexts.create(deriveId(emailId, 'send'), caller.tenant, caller.actor);
    const delivery = await this.deliveries.deliver({ emailId, kind: 'PAYMENT_LINK', context }, () =>
      Promise.resolve({ send: { to: link.email, ...email } }),
    );
    return answer(link.email, email, delivery);
  }

  /** Renders and sends the add-card e-mail for a request just made (once per request). */
  async cardRequest(caller: Caller, result: CardRequestResult): Promise<CustomerEmail> {
    const address = readCardRequestToken(result.token);
    if (address === undefined || address.tenant !== caller.tenant || address.requestId !== result.requestId) {
      throw new DomainError('VALIDATION_FAILED', 'The token is not the one of this card request', { field: 'token' });
    }
    const tenant = await this.reader.tenant(caller.tenant);
    const customer = await this.reader.customer(caller.tenant, address.customerId);
    if (customer.cardRequests[result.requestId] === undefined) {
      throw new DomainError('NOT_FOUND', `Card request ${result.requestId} does not exist`, { requestId: result.requestId });
    }
    const email = renderCardRequestEmail({
      ...presentationOf(tenant),
      businessName: tenant.name,
      customerName: customer.name,
      url: `${this.settings.publicUrl}/card/${encodeURIComponent(result.token)}`,
      expiresAt: result.expiresAt,
    });
    const emailId = cardRequestEmailId(result.requestId);
    const context = this.contexts.create(deriveId(emailId, 'send'), caller.tenant, caller.actor);
    const delivery = await this.deliveries.deliver({ emailId, kind: 'CARD_REQUEST', context }, () =>
      Promise.resolve({ send: { to: result.email, ...email } }),
    );
    return answer(result.email, email, delivery);
  }

  private async link(tenant: string, linkId: string): Promise<PaymentLink> {
    const { state } = await this.runner.load(streamName.paymentLink(linkId), paymentLinkDecider, tenant);
    if (state.status === 'NONE') throw new DomainError('NOT_FOUND', `Payment link ${linkId} does not exist`, { linkId });
    return state;
  }

  private async renderLink(
    tenant: Tenant,
    customer: Customer,
    link: Pick<PaymentLink, 'bookingIds' | 'amount' | 'expiresAt'>,
    token: string,
  ): Promise<RenderedEmail> {
    const bookings = await bookingsOf(this.reader, tenant.tenantId, link.bookingIds);
    return renderPaymentLinkEmail({
      ...presentationOf(tenant),
      businessName: tenant.name,
      customerName: customer.name,
      url: `${this.settings.publicUrl}/pay/${encodeURIComponent(token)}`,
      bookings: linesOfLink(bookings, link.amount),
      total: link.amount,
      expiresAt: link.expiresAt,
    });
  }
}

function requireOneCustomer(customerIds: readonly string[]): string {
  const [first] = customerIds;
  if (first === undefined || customerIds.some((id) => id !== first)) {
    throw new DomainError('VALIDATION_FAILED', 'A payment link is for the bookings of one customer', { field: 'bookingIds' });
  }
  return first;
}

/** A token of another link would send the customer somewhere else: refused before sending. */
function requireLinkToken(token: string, link: PaymentLink): void {
  if (linkIdOfToken(token) !== link.linkId || !linkTokenMatches(token, link.tokenHash)) {
    throw new DomainError('VALIDATION_FAILED', 'The token is not the one of this payment link', { field: 'token', linkId: link.linkId });
  }
}

function answer(to: string, email: RenderedEmail, delivery: Delivery): CustomerEmail {
  if (delivery.status === 'SKIPPED') return { to, ...email, status: 'NOT_SENT' };
  return { to, ...email, status: delivery.status, messageId: delivery.messageId };
}
