/**
 * One projection's lease, as a projector host holds it: taken and renewed in the read store, and
 * judged locally against the time of the request that last took or renewed it. The local
 * deadline keeps a margin under the store's expiry, so this host stops writing before any other
 * can take over, even when the two clocks disagree by less than the margin.
 */
import type { LeaseFence, ReadStore } from '@ledger/read-store';

export interface LeaseSettings {
  /** Who this host is, unique per process (hostname, pid and a random part by default). */
  readonly owner: string;
  /** How long a lease lasts without renewal; a dead holder is replaced after at most this. */
  readonly ttlMs: number;
}

export const DEFAULT_LEASE_TTL_MS = 10_000;

export class ProjectionLease {
  readonly fence: LeaseFence;
  private validUntil = 0;

  constructor(
    private readonly reads: ReadStore,
    projectionName: string,
    private readonly settings: LeaseSettings,
  ) {
    this.fence = { lease: `projection:${projectionName}`, owner: settings.owner };
  }

  /** True while this host may write: taken, renewed in time, and not released. */
  held(): boolean {
    return performance.now() < this.validUntil;
  }

  /** Past a third of the lease: time to renew. */
  due(): boolean {
    return performance.now() > this.validUntil - (this.settings.ttlMs * 2) / 3;
  }

  /** Takes or renews the lease; false when another host holds it. A store error counts as false. */
  async acquire(): Promise<boolean> {
    const asked = performance.now();
    const taken = await this.reads.acquireLease({ ...this.fence, ttlMs: this.settings.ttlMs }).catch(() => false);
    // A tenth of the lease is the margin for clock drift between hosts.
    this.validUntil = taken ? asked + this.settings.ttlMs * 0.9 : 0;
    return taken;
  }

  async release(): Promise<void> {
    if (!this.held()) return;
    this.validUntil = 0;
    await this.reads.releaseLease(this.fence);
  }
}
