export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './position.js';
export * from './serde.js';
export * from './upcasters.js';
export * from './hash-chain.js';
export { streamCategory } from './stored-event.js';
export { SqliteEventStore } from './sqlite/sqlite-event-store.adapter.js';
export type { SqliteEventStoreOptions } from './sqlite/sqlite-event-store.adapter.js';
