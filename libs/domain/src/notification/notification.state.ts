import { invariant } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import type { LinkPaidNotice, NotificationEvent } from './notification.events.js';

export type NotificationStatus = 'REQUESTED';

export type Notification = Readonly<{ status: NotificationStatus; notificationId: string; notice: LinkPaidNotice }>;

export type NotificationState = Readonly<{ status: 'NONE' }> | Notification;

export const initialNotificationState: NotificationState = { status: 'NONE' };

/** Notifications live beside the ledger's streams, in a category of their own without a dash. */
export const notificationCategory = 'notification';

export function notificationStreamName(notificationId: string): string {
  if (typeof notificationId !== 'string' || notificationId.trim() === '') {
    throw new DomainError('VALIDATION_FAILED', 'a notification stream needs a non-empty id', { category: notificationCategory });
  }
  return `${notificationCategory}-${notificationId}`;
}

export function evolveNotification(state: NotificationState, event: NotificationEvent): NotificationState {
  invariant(state.status === 'NONE', 'a notification is requested once');
  const { notificationId, ...notice } = event.data;
  return { status: 'REQUESTED', notificationId, notice };
}
