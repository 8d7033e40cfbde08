import { DomainError } from '../shared/domain-error.js';
import { type Decider, unreachable } from '../shared/decider.js';
import { assertPositiveAmount, moneyEquals } from '../shared/money.js';
import { requireDistinct, requireList, requireOneOf, requireText } from '../shared/validation.js';
import type { NotificationCommand, RequestAdminNotification } from './notification.commands.js';
import { adminNotificationKinds, type LinkPaidNotice, type NotificationEvent } from './notification.events.js';
import { evolveNotification, initialNotificationState, type NotificationState } from './notification.state.js';

function sameNotice(left: LinkPaidNotice, right: LinkPaidNotice): boolean {
  return (
    left.kind === right.kind &&
    left.linkId === right.linkId &&
    left.paymentId === right.paymentId &&
    left.customerId === right.customerId &&
    moneyEquals(left.amount, right.amount) &&
    left.bookingIds.join() === right.bookingIds.join()
  );
}

function requestAdminNotification(command: RequestAdminNotification, state: NotificationState): NotificationEvent[] {
  const { notificationId, ...notice } = command.data;
  if (state.status !== 'NONE') {
    // The same fact handled again (at-least-once delivery) asks for what was already asked.
    if (sameNotice(state.notice, notice)) return [];
    throw new DomainError('ALREADY_EXISTS', 'another notification was requested under this id', { notificationId });
  }
  requireText(notificationId, 'notificationId', 128);
  const kind = requireOneOf(notice.kind, adminNotificationKinds, 'kind');
  const linkId = requireText(notice.linkId, 'linkId', 128);
  const paymentId = requireText(notice.paymentId, 'paymentId', 128);
  const customerId = requireText(notice.customerId, 'customerId', 128);
  assertPositiveAmount(notice.amount);
  requireList(notice.bookingIds, 'bookingIds', 1);
  notice.bookingIds.forEach((bookingId, index) => requireText(bookingId, `bookingIds[${index}]`, 128));
  requireDistinct(notice.bookingIds, 'bookingIds');
  const { amount, bookingIds } = notice;
  return [
    { type: 'AdminNotificationRequested', data: { notificationId, kind, linkId, paymentId, customerId, amount, bookingIds } },
  ];
}

export function decideNotification(command: NotificationCommand, state: NotificationState): NotificationEvent[] {
  switch (command.type) {
    case 'RequestAdminNotification':
      return requestAdminNotification(command, state);
    default: {
      const _exhaustive: never = command.type;
      return unreachable(_exhaustive, 'notification command');
    }
  }
}

export const notificationDecider: Decider<NotificationCommand, NotificationEvent, NotificationState> = {
  initialState: initialNotificationState,
  decide: decideNotification,
  evolve: evolveNotification,
};
