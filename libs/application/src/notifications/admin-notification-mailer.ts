/**
 * Delivers the administrators' notices that LinkPaidNotifier records (`AdminNotificationRequested`)
 * to the address the business gave when its tenant was created. Without an address the notice
 * is recorded as skipped, so it is visibly accounted for rather than silently dropped. The e-mail
 * id is derived from the notification id, so the event handled twice sends one e-mail.
 */
import { Injectable } from '@nestjs/common';
import type { AdminNotificationRequested } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import { renderLinkPaidAdminEmail } from '@ledger/mail';
import { CommandContexts } from '../command-contexts.js';
import { deriveId } from '../ids.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { tenantOf } from '../process-managers/manager-support.js';
import type { ProcessManager } from '../process-managers/process-manager-runner.js';
import { linesOfAllocations, presentationOf } from './email-content.js';
import { EmailDeliveries } from './email-deliveries.js';
import type { Composition } from './email-deliveries.js';
import { mailForEvent, occurredAtOf } from './event-mailing.js';

export function adminNotificationEmailId(notificationId: string): string {
  return deriveId(notificationId, 'admin-notification-email');
}

@Injectable()
export class AdminNotificationMailer implements ProcessManager {
  readonly name = 'admin-notification-mailer';
  readonly eventTypes = ['AdminNotificationRequested'] as const;

  constructor(
    private readonly reader: LedgerReader,
    readonly deliveries: EmailDeliveries,
    readonly contexts: CommandContexts,
  ) {}

  async handle(event: RecordedEvent): Promise<string> {
    const notice = event.data as AdminNotificationRequested['data'];
    const email = { emailId: adminNotificationEmailId(notice.notificationId), kind: 'ADMIN_LINK_PAID' as const, about: `notification ${notice.notificationId}` };
    return mailForEvent(this, this.name, event, email, () => this.compose(tenantOf(event), notice, event));
  }

  private async compose(tenantId: string, notice: AdminNotificationRequested['data'], event: RecordedEvent): Promise<Composition> {
    const tenant = await this.reader.tenant(tenantId);
    if (tenant.adminEmail === null) return { skip: 'the business has no admin e-mail address' };
    const customer = await this.reader.customer(tenantId, notice.customerId);
    const payment = await this.reader.payment(tenantId, notice.paymentId);
    const email = renderLinkPaidAdminEmail({
      ...presentationOf(tenant),
      businessName: tenant.name,
      customerName: customer.name,
      customerEmail: customer.email,
      amount: notice.amount,
      bookings: await linesOfAllocations(this.reader, tenantId, payment.allocations),
      paidAt: occurredAtOf(event),
      paymentId: notice.paymentId,
    });
    return { send: { to: tenant.adminEmail, ...email } };
  }
}
