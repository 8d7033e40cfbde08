/**
 * Leases in the read-model file (table `leases`), so several processes sharing the file agree on
 * who runs a projection. One statement per operation: SQLite runs each atomically, and a write
 * transaction excludes every other writer of the file, so two owners can never both take a lease.
 * Expiry is judged by the caller's clock (`now`), which is the clock of the machine holding the
 * file: every process using it runs on that machine. A release keeps the row (with an empty
 * owner) so the next grant's token is still larger than every earlier one.
 */
import type Database from 'better-sqlite3';
import type { LeaseFence, LeaseGrant, LeaseHolder, LeaseRequest } from '../read-store.port.js';

type Db = Database.Database;

export class SqliteLeases {
  private readonly take: Database.Statement;
  private readonly drop: Database.Statement;
  private readonly holder: Database.Statement;
  private readonly held: Database.Statement;

  constructor(db: Db) {
    // The upsert writes only when the lease is free, expired, released or already ours; RETURNING
    // says whether it did. A live holder renewing keeps its token; every other grant takes the next.
    this.take = db.prepare(`INSERT INTO leases (name, owner, expires_at, token) VALUES (@lease, @owner, @expiresAt, 1)
      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,
        token = CASE WHEN leases.owner = excluded.owner AND leases.expires_at > @now THEN leases.token ELSE leases.token + 1 END
      WHERE leases.owner = excluded.owner OR leases.owner = '' OR leases.expires_at <= @now
      RETURNING token, expires_at AS expiresAtMs`);
    this.drop = db.prepare(`UPDATE leases SET owner = '', expires_at = 0 WHERE name = ? AND owner = ? AND token = ?`);
    this.holder = db.prepare(`SELECT owner, token, expires_at AS expiresAtMs FROM leases WHERE name = ? AND owner <> ''`);
    this.held = db.prepare('SELECT 1 FROM leases WHERE name = ? AND owner = ? AND token = ? AND token > 0').pluck();
  }

  acquire(request: LeaseRequest, now: number): LeaseGrant | undefined {
    const row = this.take.get({ lease: request.lease, owner: request.owner, expiresAt: now + request.ttlMs, now }) as
      { token: number; expiresAtMs: number } | undefined;
    return row ? { lease: request.lease, owner: request.owner, token: row.token, expiresAtMs: row.expiresAtMs } : undefined;
  }

  release(fence: LeaseFence): void {
    this.drop.run(fence.lease, fence.owner, fence.token);
  }

  holderOf(lease: string): LeaseHolder | undefined {
    return this.holder.get(lease) as LeaseHolder | undefined;
  }

  /**
   * True while the fence's grant is the lease's current one; called inside the batch's
   * transaction. Expiry alone does not refuse: until another owner takes the lease (which moves
   * the token on) no one else writes, and the holder stops itself before its lease can lapse.
   */
  holds(fence: LeaseFence): boolean {
    return this.held.get(fence.lease, fence.owner, fence.token) !== undefined;
  }
}
