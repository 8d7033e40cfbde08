/**
 * Opening the read-model file safely. `openLedgerFile` in libs/event-store does the same for the
 * event log but is not part of that library's public index, so this is a small equivalent: a
 * foreign or corrupt file, another application's database or a newer schema stops start-up with
 * a message naming the file. Read models can be rebuilt from the log, yet a wrong DATA_DIR should
 * still be noticed rather than silently overwritten, so nothing here deletes or replaces a file.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ReadStoreUnavailableError } from '../read-store.errors.js';

type Db = Database.Database;

/** "LDRM" (ledger read models), written to the header so the file is recognised as ours. */
const APPLICATION_ID = 0x4c44524d;
const SQLITE_HEADER = 'SQLite format 3\u0000';
/** The page cache per connection, in KiB. */
const CACHE_SIZE_KIB = 65_536;

const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `CREATE TABLE projection_checkpoints (projection TEXT PRIMARY KEY, position TEXT NOT NULL) WITHOUT ROWID;`,
  },
  {
    version: 2,
    // One row per lease (e.g. one per projection): who holds it and until when (ms since epoch).
    sql: `CREATE TABLE leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;`,
  },
  {
    version: 3,
    // The fencing token of the current grant (see LeaseFence); an empty owner marks a released lease.
    sql: `ALTER TABLE leases ADD COLUMN token INTEGER NOT NULL DEFAULT 0;`,
  },
];

function refuse(file: string, problem: string): never {
  throw new ReadStoreUnavailableError(`${problem} (file: ${file}). The file was left untouched: point DATA_DIR at another directory or move the file away.`);
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

function migrate(db: Db, file: string): void {
  const applicationId = Number(db.pragma('application_id', { simple: true }));
  const version = Number(db.pragma('user_version', { simple: true }));
  const tableCount = Number(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get());
  if (applicationId !== APPLICATION_ID && (applicationId !== 0 || tableCount > 0)) refuse(file, 'The file is a SQLite database, but not the ledger read models');
  const latest = Math.max(...MIGRATIONS.map((m) => m.version));
  if (version > latest) refuse(file, `The file was written by a newer version (schema ${version}; this build knows ${latest})`);
  db.transaction(() => {
    for (const migration of MIGRATIONS.filter((m) => m.version > version)) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  }).immediate();
}

/** Opens (creating if absent) and migrates the read-model file, or refuses with a clear error. */
export function openReadModelFile(file: string): Db {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true });
    assertSqliteHeader(file);
  }
  let db: Db | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    // NORMAL is enough here: a lost last commit loses writes and their checkpoint together, and
    // the projection simply replays them from the log.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // Documents are keyed by ids in no particular order, so writes land all over the file; the
    // default 2 MiB page cache then rereads pages for most of them. 64 MiB holds far more.
    db.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
    migrate(db, file);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof ReadStoreUnavailableError) throw error;
    return refuse(file, `The database could not be opened: ${(error as Error).message}`);
  }
}
