/**
 * Leases in the read-model file (table `leases`), so several processes sharing the file agree on
 * who runs a projection. One statement per operation: SQLite runs each atomically, and a write
 * transaction excludes every other writer of the file, so two owners can never both take a lease.
 * Expiry is judged by the caller's clock (`now`), which is the clock of the machine holding the
 * file: every process using it runs on that machine.
 */
import type Database from 'better-sqlite3';
import type { LeaseFence, LeaseHolder, LeaseRequest } from '../read-store.port.js';

type Db = Database.Database;

export class SqliteLeases {
  private readonly take: Database.Statement;
  private readonly drop: Database.Statement;
  private readonly holder: Database.Statement;
  private readonly held: Database.Statement;

  constructor(db: Db) {
    // The upsert writes only when the lease is free, expired or already ours; `changes` says which.
    this.take = db.prepare(`INSERT INTO leases (name, owner, expires_at) VALUES (@lease, @owner, @expiresAt)
      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
      WHERE leases.owner = excluded.owner OR leases.expires_at <= @now`);
    this.drop = db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?');
    this.holder = db.prepare('SELECT owner, expires_at AS expiresAtMs FROM leases WHERE name = ?');
    this.held = db.prepare('SELECT 1 FROM leases WHERE name = ? AND owner = ? AND expires_at > ?').pluck();
  }

  acquire(request: LeaseRequest, now: number): boolean {
    return this.take.run({ lease: request.lease, owner: request.owner, expiresAt: now + request.ttlMs, now }).changes === 1;
  }

  release(fence: LeaseFence): void {
    this.drop.run(fence.lease, fence.owner);
  }

  holderOf(lease: string): LeaseHolder | undefined {
    return this.holder.get(lease) as LeaseHolder | undefined;
  }

  /** True while `owner` holds an unexpired lease; called inside the batch's transaction. */
  holds(fence: LeaseFence, now: number): boolean {
    return this.held.get(fence.lease, fence.owner, now) !== undefined;
  }
}
