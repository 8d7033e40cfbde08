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
import { causeOf, systemActor, tenantOf } from '../process-managers/manager-support.js';
import type { ProcessManager } from '../process-managers/process-manager-runner.js';
import { linesOfAllocations, presentationOf } from './email-content.js';
import { EmailDeliveries } from './email-deliveries.js';
import type { Composition, Delivery } from './email-deliveries.js';

export function adminNotificationEmailId(notificationId: string): string {
  return deriveId(notificationId, 'admin-notification-email');
}

@Injectable()
export class AdminNotificationMailer implements ProcessManager {
  readonly name = 'admin-notification-mailer';
  readonly eventTypes = ['AdminNotificationRequested'] as const;

  constructor(
    private readonly reader: LedgerReader,
    private readonly deliveries: EmailDeliveries,
    private readonly contexts: CommandContexts,
  ) {}

  async handle(event: RecordedEvent): Promise<string> {
    const tenantId = tenantOf(event);
    const notice = event.data as AdminNotificationRequested['data'];
    const emailId = adminNotificationEmailId(notice.notificationId);
    const context = this.contexts.create(deriveId(event.id, this.name), tenantId, systemActor(this.name), causeOf(event));
    const delivery = await this.deliveries.deliver({ emailId, kind: 'ADMIN_LINK_PAID', context }, () => this.compose(tenantId, notice, event));
    return describeDelivery(delivery, `notification ${notice.notificationId}`);
  }

  private async compose(tenantId: string, notice: AdminNotificationRequested['data'], event: RecordedEvent): Promise<Composition> {
    const tenant = await this.reader.tenant(tenantId);
    if (tenant.adminEmail === null) return { skip: 'the business has no admin e-mail address' };
    const customer = await this.reader.customer(tenantId, notice.customerId);
    const payment = await this.reader.payment(tenantId, notice.paymentId);
    const occurredAt = event.metadata.occurredAt;
    const email = renderLinkPaidAdminEmail({
      ...presentationOf(tenant),
      businessName: tenant.name,
      customerName: customer.name,
      customerEmail: customer.email,
      amount: notice.amount,
      bookings: await linesOfAllocations(this.reader, tenantId, payment.allocations),
      paidAt: typeof occurredAt === 'string' ? occurredAt : event.recordedAt.toISOString(),
      paymentId: notice.paymentId,
    });
    return { send: { to: tenant.adminEmail, ...email } };
  }
}

export function describeDelivery(delivery: Delivery, about: string): string {
  switch (delivery.status) {
    case 'SENT':
      return `sent ${about} as ${delivery.messageId}`;
    case 'ALREADY_SENT':
      return `already sent: ${about} as ${delivery.messageId}`;
    case 'SKIPPED':
      return `skipped ${about}: ${delivery.reason}`;
  }
}
