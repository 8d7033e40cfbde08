// Requests to tell people something (e-mails to a business's administrators), recorded as facts
// so a sender can deliver them later and retry without losing or repeating one.
export { decideNotification, notificationDecider } from './notification.decider.js';
export {
  evolveNotification,
  initialNotificationState,
  notificationCategory,
  notificationStreamName,
} from './notification.state.js';
export type { Notification, NotificationState, NotificationStatus } from './notification.state.js';
export { adminNotificationKinds } from './notification.events.js';
export type * from './notification.events.js';
export type * from './notification.commands.js';
