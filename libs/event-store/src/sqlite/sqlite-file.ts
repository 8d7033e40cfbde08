/**
 * Opening the embedded store's file safely. The file is the ledger's only copy of its facts, so
 * anything unexpected (not SQLite, another program's database, a newer schema, corruption)
 * stops start-up with a message naming the file. Nothing here ever deletes or replaces a file.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { EventStoreUnavailableError } from '../event-store.errors.js';

type Db = Database.Database;

const SQLITE_HEADER = 'SQLite format 3\u0000';

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export interface LedgerFileKind {
  /** Written into the file header (`PRAGMA application_id`) so a foreign file is recognised. */
  readonly applicationId: number;
  readonly description: string;
  readonly migrations: readonly Migration[];
}

function refuse(file: string, problem: string): never {
  throw new EventStoreUnavailableError(
    `${problem} (file: ${file}). The file was left untouched: restore it from a backup or point DATA_DIR at another directory.`,
  );
}

function assertSqliteHeader(file: string): void {
  if (!existsSync(file) || statSync(file).size === 0) return;
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_HEADER) refuse(file, 'The file is not a SQLite database (corrupt or foreign)');
}

function configure(db: Db, file: string): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (String(mode).toLowerCase() !== 'wal') refuse(file, `Could not switch the database to WAL mode (got ${String(mode)})`);
  // FULL makes every commit fsync the WAL, so an acknowledged append survives power loss.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // A larger page cache keeps the indexes' upper pages in memory under heavy appends and long
  // reads; it does not change durability.
  db.pragma('cache_size = -65536');
}

function migrate(db: Db, file: string, kind: LedgerFileKind): void {
  const applicationId = Number(db.pragma('application_id', { simple: true }));
  const version = Number(db.pragma('user_version', { simple: true }));
  const tableCount = Number(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get());
  if (applicationId !== kind.applicationId && (applicationId !== 0 || tableCount > 0)) {
    refuse(file, `The file is a SQLite database, but not ${kind.description}`);
  }
  const latest = Math.max(...kind.migrations.map((m) => m.version));
  if (version > latest) refuse(file, `The file was written by a newer version (schema ${version}; this build knows ${latest})`);
  db.transaction(() => {
    for (const migration of kind.migrations.filter((m) => m.version > version).sort((a, b) => a.version - b.version)) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
    db.pragma(`application_id = ${kind.applicationId}`);
  }).immediate();
}

/** Opens (creating if absent) and migrates a ledger SQLite file, or refuses with a clear error. */
export function openLedgerFile(file: string, kind: LedgerFileKind): Db {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true });
    assertSqliteHeader(file);
  }
  let db: Db | undefined;
  try {
    db = new Database(file);
    configure(db, file);
    migrate(db, file, kind);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof EventStoreUnavailableError) throw error;
    return refuse(file, `The database could not be opened: ${(error as Error).message}`);
  }
}
