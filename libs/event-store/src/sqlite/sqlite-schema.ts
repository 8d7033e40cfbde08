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
  ],
};
