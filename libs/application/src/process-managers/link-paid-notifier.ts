/**
 * Tells the business's administrators that a customer paid through a payment link, unless the
 * business turned that off (`notifyAdminsOnLinkPayment`, as set when the link was paid). It
 * records the request as a fact on a notification stream whose id is derived from the link,
 * which is paid at most once, so the same event handled twice requests one notification; the
 * e-mail sender delivers what was requested.
 */
import { Injectable } from '@nestjs/common';
import { DomainError, notificationDecider, notificationStreamName, paymentLinkDecider, streamName } from '@ledger/domain';
import type { PaymentLinkPaid } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import type { RecordedEvent } from '@ledger/event-store';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { deriveId } from '../ids.js';
import { causeOf, systemActor, tenantAsOf, tenantOf } from './manager-support.js';
import type { ProcessManager } from './process-manager-runner.js';

export function linkPaidNotificationId(linkId: string): string {
  return deriveId(linkId, 'link-paid-notification');
}

@Injectable()
export class LinkPaidNotifier implements ProcessManager {
  readonly name = 'link-paid-notifier';
  readonly eventTypes = ['PaymentLinkPaid'] as const;

  constructor(
    private readonly store: EventStore,
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
  ) {}

  async handle(event: RecordedEvent): Promise<string> {
    const tenantId = tenantOf(event);
    const { linkId, paymentId } = event.data as PaymentLinkPaid['data'];
    const tenant = await tenantAsOf(this.store, tenantId, event);
    if (!tenant.settings.notifyAdminsOnLinkPayment) return 'not requested: turned off in the settings';
    const { state: link } = await this.runner.load(streamName.paymentLink(linkId), paymentLinkDecider, tenantId);
    if (link.status === 'NONE') throw new DomainError('NOT_FOUND', `Payment link ${linkId} does not exist`, { linkId });
    const notificationId = linkPaidNotificationId(linkId);
    const context = this.contexts.create(deriveId(event.id, this.name), tenantId, systemActor(this.name), causeOf(event));
    const { customerId, amount, bookingIds } = link;
    const data = { notificationId, kind: 'LINK_PAID' as const, linkId, paymentId, customerId, amount, bookingIds };
    const { events } = await this.runner.decide(notificationStreamName(notificationId), notificationDecider, {
      type: 'RequestAdminNotification',
      data,
      context,
    });
    return events.length > 0 ? `requested notification ${notificationId}` : `already requested: notification ${notificationId}`;
  }
}
