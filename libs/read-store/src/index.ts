export * from './read-store.port.js';
export * from './read-store.errors.js';
export { SqliteReadStore } from './sqlite/sqlite-read-store.adapter.js';
export type { SqliteReadStoreOptions } from './sqlite/sqlite-read-store.adapter.js';
export { MongoReadStore } from './mongodb/mongodb-read-store.adapter.js';
export type { MongoReadStoreOptions } from './mongodb/mongodb-read-store.adapter.js';
export { createReadStore } from './read-store.factory.js';
export { encodeCursor, isWellFormedCursor } from './cursor.js';
