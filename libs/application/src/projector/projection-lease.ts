/**
 * One projection's lease, as a projector host holds it: taken and renewed in the read store, and
 * judged locally against the time of the request that last took or renewed it. The store judges
 * expiry by its own clock (the MongoDB server's), and the request left before the store read that
 * clock, so the local deadline always falls before the store's expiry; the tenth of the lease
 * kept back covers a clock here that runs slow against the store's. Every batch is also fenced by
 * the grant's token, so a host that stalls past its deadline is refused by the store anyway.
 */
import type { LeaseFence, LeaseGrant, ReadStore } from '@ledger/read-store';

export interface LeaseSettings {
  /** Who this host is, unique per process (hostname, pid and a random part by default). */
  readonly owner: string;
  /** How long a lease lasts without renewal; a dead holder is replaced after at most this. */
  readonly ttlMs: number;
}

export const DEFAULT_LEASE_TTL_MS = 10_000;

export class ProjectionLease {
  readonly name: string;
  private grant: LeaseGrant | undefined;
  private validUntil = 0;

  /** `kind` names what the lease is for: `projection:<name>` by default (process managers and jobs use their own). */
  constructor(
    private readonly reads: ReadStore,
    projectionName: string,
    private readonly settings: LeaseSettings,
    kind = 'projection',
  ) {
    this.name = `${kind}:${projectionName}`;
  }

  /**
   * The current grant's fence, for every batch written under it. Before the first grant (or after
   * a failed renewal) its token is 0, which no store accepts: a fence that lets nothing through.
   */
  get fence(): LeaseFence {
    return { lease: this.name, owner: this.settings.owner, token: this.grant?.token ?? 0 };
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
    const grant = await this.reads.acquireLease({ lease: this.name, owner: this.settings.owner, ttlMs: this.settings.ttlMs }).catch(() => undefined);
    this.grant = grant;
    this.validUntil = grant ? asked + this.settings.ttlMs * 0.9 : 0;
    return grant !== undefined;
  }

  async release(): Promise<void> {
    if (!this.held()) return;
    const fence = this.fence;
    this.validUntil = 0;
    await this.reads.releaseLease(fence);
  }
}
