import type { Command } from '../shared/decider.js';
import type { LinkPaidNotice } from './notification.events.js';

/**
 * Sent by a process manager reacting to a fact. The id is derived from that fact, so the same
 * fact delivered twice asks for the same notification, which is then recorded once.
 */
export type RequestAdminNotification = Command<'RequestAdminNotification', { notificationId: string } & LinkPaidNotice>;

export type NotificationCommand = RequestAdminNotification;
