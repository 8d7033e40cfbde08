/**
 * The sandbox processor's memory: one SQLite file of its own. It must survive a restart of the
 * ledger, because exactly-once across crashes works by replaying idempotency keys, and a replay
 * is only safe if the processor still remembers the first answer. The CHECK constraints restate
 * the money invariants so that a bug in the sandbox fails loudly instead of inventing money.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CardDisplay } from '../payment-gateway.types.js';

type Db = Database.Database;

/** Written into the file header so that a foreign SQLite file is recognised and left alone. */
const APPLICATION_ID = 0x53425047;
const SCHEMA_VERSION = 1;

const schema = `
CREATE TABLE idempotency (
  key TEXT PRIMARY KEY, operation TEXT NOT NULL, fingerprint TEXT NOT NULL,
  result TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE TABLE customers (
  id TEXT PRIMARY KEY, ledger_customer_id TEXT NOT NULL, email TEXT, name TEXT, created_at TEXT NOT NULL);
CREATE TABLE payment_methods (
  id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id), token TEXT NOT NULL,
  card TEXT NOT NULL, attached INTEGER NOT NULL CHECK (attached IN (0, 1)), created_at TEXT NOT NULL);
CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('requires_capture', 'succeeded', 'canceled', 'failed')),
  currency TEXT NOT NULL, amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  authorized_minor INTEGER NOT NULL CHECK (authorized_minor BETWEEN 0 AND amount_minor),
  captured_minor INTEGER NOT NULL CHECK (captured_minor BETWEEN 0 AND authorized_minor),
  refunded_minor INTEGER NOT NULL CHECK (refunded_minor BETWEEN 0 AND captured_minor),
  capture_before TEXT, customer_id TEXT, payment_method_id TEXT, card TEXT NOT NULL,
  description TEXT, metadata TEXT, created_at TEXT NOT NULL);
CREATE TABLE refunds (
  id TEXT PRIMARY KEY, payment_id TEXT NOT NULL REFERENCES payments(id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0), reason TEXT, created_at TEXT NOT NULL);
CREATE TABLE connected_accounts (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, created_at TEXT NOT NULL);
`;

export type SandboxPaymentStatus = 'requires_capture' | 'succeeded' | 'canceled' | 'failed';

export interface IdempotencyRow {
  readonly operation: string;
  readonly fingerprint: string;
  readonly result: string;
}

export interface PaymentMethodRow {
  readonly id: string;
  readonly customerId: string;
  readonly token: string;
  readonly card: CardDisplay;
  readonly attached: boolean;
}

export interface PaymentRow {
  readonly id: string;
  readonly status: SandboxPaymentStatus;
  readonly currency: string;
  readonly amountMinor: number;
  readonly authorizedMinor: number;
  readonly capturedMinor: number;
  readonly refundedMinor: number;
  readonly captureBefore: string | null;
  readonly card: CardDisplay;
  /** The caller's metadata as JSON, as it came with the request. */
  readonly metadata: string | null;
}

export interface NewPayment extends PaymentRow {
  readonly customerId: string | null;
  readonly paymentMethodId: string | null;
  readonly description: string | null;
  readonly createdAt: string;
}

type PaymentChange = Pick<PaymentRow, 'status' | 'capturedMinor' | 'refundedMinor'>;

function open(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // FULL makes every commit durable before the caller is told a payment happened.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Db, file: string): void {
  const applicationId = Number(db.pragma('application_id', { simple: true }));
  const version = Number(db.pragma('user_version', { simple: true }));
  if (applicationId === APPLICATION_ID && version === SCHEMA_VERSION) return;
  const tables = Number(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get());
  if (applicationId !== 0 || version !== 0 || tables > 0) {
    throw new Error(
      `${file} is not a sandbox payment processor file of schema ${SCHEMA_VERSION}; it was left untouched`,
    );
  }
  db.transaction(() => {
    db.exec(schema);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    db.pragma(`application_id = ${APPLICATION_ID}`);
  }).immediate();
}

interface PaymentRecord {
  id: string;
  status: SandboxPaymentStatus;
  currency: string;
  amount_minor: number;
  authorized_minor: number;
  captured_minor: number;
  refunded_minor: number;
  capture_before: string | null;
  card: string;
  metadata: string | null;
}

export class SandboxStore {
  private readonly db: Db;

  constructor(file: string) {
    this.db = open(file);
  }

  /**
   * Runs `work` in one IMMEDIATE transaction, so that the check of an idempotency key, the money
   * movement and the recorded answer commit together or not at all, also across processes.
   */
  atomically<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  findIdempotency(key: string): IdempotencyRow | undefined {
    return this.db.prepare('SELECT operation, fingerprint, result FROM idempotency WHERE key = ?').get(key) as
      IdempotencyRow | undefined;
  }

  recordIdempotency(key: string, row: IdempotencyRow, recordedAt: string): void {
    this.db
      .prepare('INSERT INTO idempotency (key, operation, fingerprint, result, recorded_at) VALUES (?, ?, ?, ?, ?)')
      .run(key, row.operation, row.fingerprint, row.result, recordedAt);
  }

  insertCustomer(id: string, ledgerCustomerId: string, email: string | null, name: string | null, at: string): void {
    this.db
      .prepare('INSERT INTO customers (id, ledger_customer_id, email, name, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, ledgerCustomerId, email, name, at);
  }

  customerExists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM customers WHERE id = ?').get(id) !== undefined;
  }

  insertPaymentMethod(row: PaymentMethodRow, at: string): void {
    this.db
      .prepare(
        'INSERT INTO payment_methods (id, customer_id, token, card, attached, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(row.id, row.customerId, row.token, JSON.stringify(row.card), row.attached ? 1 : 0, at);
  }

  findPaymentMethod(id: string): PaymentMethodRow | undefined {
    const row = this.db
      .prepare('SELECT id, customer_id, token, card, attached FROM payment_methods WHERE id = ?')
      .get(id) as { id: string; customer_id: string; token: string; card: string; attached: number } | undefined;
    if (!row) return undefined;
    const card = JSON.parse(row.card) as CardDisplay;
    return { id: row.id, customerId: row.customer_id, token: row.token, card, attached: row.attached === 1 };
  }

  detachPaymentMethod(id: string): void {
    this.db.prepare('UPDATE payment_methods SET attached = 0 WHERE id = ?').run(id);
  }

  insertPayment(p: NewPayment): void {
    this.db
      .prepare(
        `INSERT INTO payments (id, status, currency, amount_minor, authorized_minor, captured_minor, refunded_minor,
           capture_before, customer_id, payment_method_id, card, description, metadata, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        p.id,
        p.status,
        p.currency,
        p.amountMinor,
        p.authorizedMinor,
        p.capturedMinor,
        p.refundedMinor,
        p.captureBefore,
        p.customerId,
        p.paymentMethodId,
        JSON.stringify(p.card),
        p.description,
        p.metadata,
        p.createdAt,
      );
  }

  findPayment(id: string): PaymentRow | undefined {
    const r = this.db.prepare('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRecord | undefined;
    if (!r) return undefined;
    return {
      id: r.id,
      status: r.status,
      currency: r.currency,
      amountMinor: r.amount_minor,
      authorizedMinor: r.authorized_minor,
      capturedMinor: r.captured_minor,
      refundedMinor: r.refunded_minor,
      captureBefore: r.capture_before,
      card: JSON.parse(r.card) as CardDisplay,
      metadata: r.metadata,
    };
  }

  updatePayment(id: string, change: PaymentChange): void {
    this.db
      .prepare('UPDATE payments SET status = ?, captured_minor = ?, refunded_minor = ? WHERE id = ?')
      .run(change.status, change.capturedMinor, change.refundedMinor, id);
  }

  insertRefund(id: string, paymentId: string, amountMinor: number, reason: string | null, at: string): void {
    this.db
      .prepare('INSERT INTO refunds (id, payment_id, amount_minor, reason, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, paymentId, amountMinor, reason, at);
  }

  upsertConnectedAccount(id: string, tenantId: string, at: string): void {
    this.db
      .prepare(
        'INSERT INTO connected_accounts (id, tenant_id, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
      )
      .run(id, tenantId, at);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
