/**
 * One piece of background work (a process manager's runner, a periodic job) that runs on one
 * instance at a time: a slot holds the work's lease (the projections' ProjectionLease, kept in
 * the read store) and runs the work only while it holds it.
 *
 *   waiting --lease taken--> running --lease lost--> waiting
 *      ^                        |  |--a store outage--> retrying --after a pause--> (takes the lease again, or waiting)
 *      |                        |  \--the work failed--> failed (the lease is released)
 *      |                        \--stop()--> stopped (the work stores its checkpoint, then the lease is released)
 *
 * The work itself asks the slot's fence before every act and every write; a work that finds its
 * lease gone (`lost`) stops on its own, and the slot goes back to waiting. A failed work stays
 * failed on this instance, visibly (health, metrics), and gives its lease up at once so another
 * instance, whose mail relay or connection may be fine, can take over.
 *
 * A store outage is not a failure of the work: an event store that could not be reached or whose
 * append's outcome is unknown (a KurrentDB restart or election), or a read store that timed out.
 * Before, one such blip while a checkpoint was being saved stopped the manager for good. Now the
 * slot stops the work, gives the lease up (another instance may reach the store), and after a
 * pause that doubles per consecutive outage (in turns of the group's loop: 1, 2, 4 ... 32) tries
 * to take it again; the work resumes from its stored checkpoint, and redelivery is harmless
 * because the managers derive their command ids from the event's id.
 *
 * Every change of state goes through one queue, so a renewal, a loss reported by the work and a
 * stop never interleave: a work is never started while its previous run is still stopping.
 */
import { EventStoreUnavailableError } from '@ledger/event-store';
import type { SubscriptionStatus } from '@ledger/event-store';
import { ReadStoreTransientError } from '@ledger/read-store';
import type { ProjectionLease } from '../projector/projection-lease.js';
import type { RunnerFence, RunnerLogger } from './process-manager.js';

/**
 * `running`: this instance holds the lease; `waiting`: another does (or nobody yet); `retrying`:
 * stopped by a store outage, to run again after a pause; `failed`: stopped on an error.
 */
export type LeasedState = 'running' | 'waiting' | 'retrying' | 'failed' | 'stopped';

/** The longest pause between attempts after store outages, in turns of the group's loop. */
const MAX_PAUSE_TURNS = 32;

/** What a slot runs while it holds the lease. */
export interface LeasedWork {
  /** Begins under the lease; afterwards `lost` says whether it found its lease taken meanwhile. */
  start(): Promise<void>;
  /** Stops, storing only what its fence still allows; rejects with the failure that stopped it, if any. */
  stop(): Promise<void>;
  /** Settles when the work ends on its own: resolves once it found its lease lost, rejects on a failure. */
  stopped(): Promise<void>;
  readonly lost: boolean;
  /** Events handled and skipped (for a job: runs completed and runs that failed). */
  readonly stats: { readonly handled: number; readonly skipped: number };
  /** The subscription it follows the log with, while it runs (a process manager; a job has none). */
  readonly subscriptionStatus?: SubscriptionStatus | undefined;
}

/** What a slot shows health checks and metrics. */
export interface SlotStatus {
  readonly name: string;
  readonly state: LeasedState;
  readonly failure?: string;
  /** Consecutive store outages since the work last ran through a renewal. */
  readonly retries: number;
  readonly handled: number;
  readonly skipped: number;
  /** The work's subscription, while it runs here. */
  readonly subscription?: SubscriptionStatus;
}

/** The fence a work asks: the lease while it is held, renewed in the store whenever it is due. */
export function fenceOf(lease: ProjectionLease, owner: string): RunnerFence {
  return { owner, allows: () => (lease.due() ? lease.acquire() : Promise.resolve(lease.held())) };
}

export class LeasedSlot {
  private current: LeasedState = 'waiting';
  private failure: string | undefined;
  /** Bumped on every change, so a late report from a work's earlier run is ignored. */
  private generation = 0;
  private queue: Promise<void> = Promise.resolve();
  private retries = 0;
  /** Turns left to wait before the next attempt, while `retrying`. */
  private pauseTurns = 0;

  constructor(
    readonly name: string,
    readonly lease: ProjectionLease,
    private readonly fence: RunnerFence,
    private readonly work: LeasedWork,
    private readonly logger: RunnerLogger,
  ) {}

  get state(): LeasedState {
    return this.current;
  }

  status(): SlotStatus {
    const { handled, skipped } = this.work.stats;
    const subscription = this.current === 'running' ? this.work.subscriptionStatus : undefined;
    const failure = this.current === 'failed' || this.current === 'retrying' ? this.failure : undefined;
    return { name: this.name, state: this.current, ...(failure ? { failure } : {}), retries: this.retries, handled, skipped, ...(subscription ? { subscription } : {}) };
  }

  /** One turn of the slot's loop: take the lease when it is free (after any pause), renew it while held. */
  turn(): Promise<void> {
    return this.serially(async () => {
      if (this.current === 'retrying' && this.pauseTurns-- > 0) return;
      if (this.current === 'waiting' || this.current === 'retrying') {
        if (await this.lease.acquire()) await this.lead();
        // Another instance runs it now (or the lease store is out too): wait like any other instance.
        else this.current = 'waiting';
      } else if (this.current === 'running') {
        if (await this.lease.acquire()) this.retries = 0;
        else await this.lose('its lease could not be renewed');
      }
    });
  }

  /** Stops the work (it stores its last checkpoint while the lease still allows) and releases the lease. */
  stop(): Promise<void> {
    return this.serially(async () => {
      const was = this.current;
      this.generation++;
      if (was !== 'failed') this.current = 'stopped';
      try {
        if (was === 'running') await this.work.stop();
      } finally {
        await this.lease.release().catch(() => undefined);
      }
    });
  }

  private async lead(): Promise<void> {
    try {
      await this.work.start();
    } catch (error) {
      return this.fail(error);
    }
    // A former holder wrote after this one read: the next turn reads again and claims again.
    if (this.work.lost) return this.work.stop().catch((error: unknown) => this.fail(error));
    this.current = 'running';
    const generation = ++this.generation;
    this.logger.log(`Running on this instance (${this.fence.owner}), under the lease ${this.lease.name}`);
    this.work.stopped().then(
      () => this.serially(() => (generation === this.generation && this.work.lost ? this.lose('another instance holds its lease') : Promise.resolve())),
      (error: unknown) => this.serially(() => (generation === this.generation ? this.fail(error) : Promise.resolve())),
    );
  }

  private async lose(why: string): Promise<void> {
    if (this.current !== 'running') return;
    this.current = 'waiting';
    this.generation++;
    this.logger.warn(`Stopped here: ${why}; waiting to take it over again`);
    // The fence refuses every write now, so stopping stores nothing; only a failure can surface.
    await this.work.stop().catch((error: unknown) => this.fail(error));
  }

  private async fail(error: unknown): Promise<void> {
    if (this.current === 'failed' || this.current === 'stopped') return;
    if (isOutage(error)) return this.retryLater(error);
    this.current = 'failed';
    this.generation++;
    this.failure = error instanceof Error ? error.message : String(error);
    this.logger.error(this.failure);
    await this.work.stop().catch(() => undefined);
    await this.lease.release().catch(() => undefined);
  }

  /** A store outage: the work stops and the lease is given up; the slot tries again after a pause. */
  private async retryLater(error: unknown): Promise<void> {
    this.current = 'retrying';
    this.generation++;
    this.retries++;
    this.pauseTurns = Math.min(2 ** (this.retries - 1), MAX_PAUSE_TURNS);
    this.failure = (error as Error).message;
    this.logger.warn(`Stopped here by a store outage (${this.failure}); attempt ${this.retries + 1} in ${this.pauseTurns} turns`);
    await this.work.stop().catch(() => undefined);
    await this.lease.release().catch(() => undefined);
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** An outage of a store, directly or as the cause of the work's failure: retrying may cure it. */
function isOutage(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof EventStoreUnavailableError || cause instanceof ReadStoreTransientError) return true;
  }
  return false;
}
