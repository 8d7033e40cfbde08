/**
 * What the mailers that follow the log share: one e-mail per fact, whose command context
 * derives from the event (so handling it again is the same delivery), and a line for the
 * process manager's log saying what became of it.
 */
import type { RecordedEvent } from '@ledger/event-store';
import type { CommandContexts } from '../command-contexts.js';
import { deriveId } from '../ids.js';
import { causeOf, systemActor, tenantOf } from '../process-managers/manager-support.js';
import type { Composition, Delivery, EmailDeliveries, EmailKind } from './email-deliveries.js';

export interface EventEmail {
  readonly emailId: string;
  readonly kind: EmailKind;
  /** For the log line, e.g. `receipt for payment p-1`. */
  readonly about: string;
}

export async function mailForEvent(
  services: { readonly deliveries: EmailDeliveries; readonly contexts: CommandContexts },
  manager: string,
  event: RecordedEvent,
  email: EventEmail,
  compose: () => Promise<Composition>,
): Promise<string> {
  const context = services.contexts.create(deriveId(event.id, manager), tenantOf(event), systemActor(manager), causeOf(event));
  const delivery = await services.deliveries.deliver({ emailId: email.emailId, kind: email.kind, context }, compose);
  return describeDelivery(delivery, email.about);
}

/** When the fact happened, as the e-mail states it. */
export function occurredAtOf(event: RecordedEvent): string {
  const occurredAt = event.metadata.occurredAt;
  return typeof occurredAt === 'string' ? occurredAt : event.recordedAt.toISOString();
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
