/**
 * One projection as a projector host runs it: its runner, its lease, and the state that health
 * checks and metrics read. The host drives the loop (projector-host.ts); the slot decides what a
 * lease result or a failure means:
 *
 *   waiting --lease taken--> running --lease lost or superseded--> waiting
 *                             |   ^
 *   transient store failure   v   | after a pause that doubles per failure
 *                            retrying
 *                             |
 *   any other failure ------> failed (stays, visibly: a malformed event, a refused write)
 *
 * A transient failure (ReadStoreTransientError: a timeout, a lost connection, a write a majority
 * did not confirm; or EventStoreUnavailableError: the log could not be read, a KurrentDB restart,
 * election or dropped connection) leaves the stored checkpoint where it was; the next attempt
 * starts from it. Before the log's outages counted too, one blip of KurrentDB stopped every
 * projection of an instance for good (found by apps/api/src/production-faults.e2e.spec.ts).
 */
import type { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreUnavailableError } from '@ledger/event-store';
import type { EventStore } from '@ledger/event-store';
import type { Projection } from '@ledger/projections';
import { LeaseLostError, ReadStoreTransientError, type ReadStore } from '@ledger/read-store';
import { ProjectionLease, type LeaseSettings } from './projection-lease.js';
import type { Lag } from './projection-lag.js';
import { activeGeneration, dropGeneration } from './projection-registry.js';
import { ProjectionRunner, type ProjectionStatus } from './projection-runner.js';

/**
 * `running`: this host writes it; `retrying`: it does, but the read store failed transiently and
 * the next attempt is pending (`failure` says why); `waiting`: another host holds its lease;
 * `failed`: stopped on an error that retrying cannot cure (a malformed event, a refused write).
 */
export type ProjectionState = 'running' | 'retrying' | 'waiting' | 'failed' | 'stopped';

export interface ProjectorStatus extends ProjectionStatus, Partial<Lag> {
  readonly state: ProjectionState;
  /** Consecutive transient failures since the last good catch-up. */
  readonly retries: number;
}

export interface RetrySettings {
  /** The first pause after a transient store error; each further one doubles, up to maxMs. */
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { initialMs: 250, maxMs: 5_000 };

export class ProjectionSlot {
  runner: ProjectionRunner;
  readonly lease: ProjectionLease;
  state: ProjectionState = 'waiting';
  /** The last lag measured: zero after each completed catch-up, else what measureLag found. */
  lag: Lag | undefined;
  retries = 0;
  /** Why the projection is retrying or failed (the runner knows only the failures of its pages). */
  private failure: string | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly reads: ReadStore,
    projection: Projection,
    generation: string,
    lease: LeaseSettings,
    private readonly logger: Logger,
  ) {
    this.runner = new ProjectionRunner(events, reads, projection, undefined, generation);
    this.lease = new ProjectionLease(reads, projection.name, lease);
  }

  private get name(): string {
    return this.runner.projection.name;
  }

  /** This host holds the lease and writes the projection, whether or not its last attempt failed. */
  get leading(): boolean {
    return this.state === 'running' || this.state === 'retrying';
  }

  status(): ProjectorStatus {
    const status = this.runner.status();
    // A failure shows while it matters: retrying or stopped, not once another host runs the projection.
    const failing = this.state === 'retrying' || this.state === 'failed';
    return { ...status, failure: failing ? (this.failure ?? status.failure) : undefined, state: this.state, retries: this.retries, ...this.lag };
  }

  /** Takes the lease if it can; a fresh runner then starts from the stored checkpoint. */
  async tryToLead(): Promise<void> {
    if (!(await this.lease.acquire())) return;
    if (this.state !== 'waiting') return;
    this.runner = new ProjectionRunner(this.events, this.reads, this.runner.projection, undefined, this.runner.generation);
    this.runner.fence = this.lease.fence;
    this.state = 'running';
  }

  /**
   * Renews the lease; gives the projection up when that fails, or when the store granted a new
   * token (the lease lapsed and was taken again, perhaps by another host in between): the runner's
   * cached documents may be stale, so a fresh runner must start from the stored checkpoint.
   */
  async keepLease(): Promise<boolean> {
    const kept = (await this.lease.acquire()) && this.lease.fence.token === this.runner.fence?.token;
    if (!kept) this.lost();
    return kept;
  }

  /** Waits before the next attempt: initialMs, doubling per consecutive failure, up to maxMs. */
  async backOff(retry: RetrySettings, signal: AbortSignal): Promise<void> {
    const ms = Math.min(retry.maxMs, retry.initialMs * 2 ** Math.max(0, this.retries - 1));
    await sleep(ms, undefined, { signal }).catch(() => undefined);
    if (this.state === 'retrying') this.state = 'running';
  }

  /** After a good catch-up: no lag, no failure streak. */
  caughtUp(lag: Lag): void {
    this.lag = lag;
    if (this.retries > 0) this.logger.log(`Projection ${this.name}: the stores answer again; caught up`);
    this.retries = 0;
    this.failure = undefined;
  }

  /**
   * Moves to the registry's active generation when a rebuild switched it. The old collections
   * were dropped by the rebuild; dropping them again removes any page this host wrote after that.
   */
  async switchIfRebuilt(): Promise<void> {
    const { runner } = this;
    const active = await activeGeneration(this.reads, runner.projection);
    if (active === runner.generation) return;
    this.runner = new ProjectionRunner(this.events, this.reads, runner.projection, undefined, active);
    this.runner.fence = this.lease.fence;
    this.logger.log(`Projection ${runner.projection.name} now serves generation ${active} (was ${runner.generation})`);
    await dropGeneration(this.reads, runner.projection, runner.generation);
  }

  lost(): void {
    if (!this.leading) return;
    // The runner keeps its fence: a page it is still writing is refused by the store once another host holds the lease.
    this.state = 'waiting';
    this.retries = 0;
    this.failure = undefined;
    this.logger.warn(`Projection ${this.name}: lease lost; waiting to take it over again`);
  }

  /**
   * A catch-up failed: the lease is gone, the store may answer later, or the projection stops. A
   * transient failure never stops it, even when the lease was lost meanwhile (a renewal that
   * failed in the same outage): then it waits to take the lease again, like any other host.
   */
  failed(error: unknown): void {
    if (error instanceof LeaseLostError) return this.lost();
    if (error instanceof ReadStoreTransientError || error instanceof EventStoreUnavailableError) {
      if (!this.leading) return;
      this.failure = error.message;
      this.state = 'retrying';
      this.retries++;
      const store = error instanceof ReadStoreTransientError ? 'the read store' : 'the event store';
      this.logger.warn(`Projection ${this.name}: ${store} failed (${error.message}); attempt ${this.retries + 1} follows`);
      return;
    }
    this.state = 'failed';
    this.failure = (error as Error).message;
    this.logger.error(`Projection ${this.name} stopped: ${(error as Error).message}`);
  }
}
