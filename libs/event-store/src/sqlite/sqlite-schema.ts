/** The embedded event store's schema, as numbered migrations applied on start. */
import type { LedgerFileKind } from './sqlite-file.js';

export const EVENT_STORE_FILE: LedgerFileKind = {
  // "LDGE": ledger events.
  applicationId: 0x4c444745,
  description: "the ledger's event store",
  migrations: [
    {
      version: 1,
      sql: `
        CREATE TABLE events (
          position     INTEGER PRIMARY KEY AUTOINCREMENT,
          event_id     TEXT    NOT NULL UNIQUE,
          stream_name  TEXT    NOT NULL,
          revision     INTEGER NOT NULL,
          type         TEXT    NOT NULL,
          category     TEXT    NOT NULL,
          data         TEXT    NOT NULL,
          metadata     TEXT    NOT NULL,
          chain_hash   TEXT    NOT NULL,
          recorded_at  INTEGER NOT NULL,
          UNIQUE (stream_name, revision)
        );
        CREATE INDEX events_by_type ON events (type, position);
        CREATE INDEX events_by_category ON events (category, position);
        CREATE TABLE stream_metadata (
          stream_name  TEXT PRIMARY KEY,
          metadata     TEXT NOT NULL
        ) WITHOUT ROWID;
      `,
    },
    {
      // Filtered reads walk the log in position order (see the adapter), so these indexes only
      // cost every append two more index insertions.
      version: 2,
      sql: `
        DROP INDEX IF EXISTS events_by_type;
        DROP INDEX IF EXISTS events_by_category;
      `,
    },
    {
      // Event ids are no longer indexed globally. Ids are random UUIDs, so their index dirtied a
      // page per append at a random place; a retried append is recognised through its stream
      // (see findRepeatedAppend), which is all idempotency needs, as on EventStoreDB. SQLite cannot
      // drop a column's UNIQUE constraint, so the table is rebuilt, positions and all.
      version: 3,
      sql: `
        CREATE TABLE events_rebuilt (
          position     INTEGER PRIMARY KEY AUTOINCREMENT,
          event_id     TEXT    NOT NULL,
          stream_name  TEXT    NOT NULL,
          revision     INTEGER NOT NULL,
          type         TEXT    NOT NULL,
          category     TEXT    NOT NULL,
          data         TEXT    NOT NULL,
          metadata     TEXT    NOT NULL,
          chain_hash   TEXT    NOT NULL,
          recorded_at  INTEGER NOT NULL,
          UNIQUE (stream_name, revision)
        );
        INSERT INTO events_rebuilt SELECT position, event_id, stream_name, revision, type, category, data, metadata, chain_hash, recorded_at FROM events;
        DROP TABLE events;
        ALTER TABLE events_rebuilt RENAME TO events;
      `,
    },
  ],
};
