export { KurrentDbDouble } from './kurrentdb-double.js';
export type { KurrentDbDoubleOptions } from './kurrentdb-double.js';
export type { CallRecord, ClientKind, StallOptions, StallReply, SubscriptionEnding } from './double-context.js';
export type { DoubleFaults } from './double-context.js';
export type { ClientConnection } from './connection-front.js';
export type { StoredEvent } from './double-log.js';
