/**
 * One active runner per process manager, and per periodic job, across every instance of the API:
 * the projections' lease mechanism (ProjectionLease over `ReadStore.acquireLease`), under the
 * names `process-manager:<name>` and `job:<name>`, with the same owner and ttl as this process's
 * projector host.
 *
 * - The holder renews each lease every third of its ttl, and before any act when a third has
 *   passed; it stops acting a tenth of the ttl before the lease could expire (ProjectionLease).
 * - An instance that finds a lease held waits, and tries again every tenth of the ttl: it takes
 *   over when the holder stops (its leases are released) or dies (the lease expires), so at most
 *   one ttl and a tenth after the holder's last renewal.
 * - A process manager's checkpoint writes are fenced in the event store as well (see
 *   process-manager-runner.ts): a new holder claims the checkpoint stream, so a former holder
 *   that has not noticed its loss cannot advance it.
 *
 * One instance of this class per process; every host registers its work here, so health checks
 * and metrics see the state of each (`status()`).
 */
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, SubscriptionStatus } from '@ledger/event-store';
import type { ReadStore } from '@ledger/read-store';
import { DEFAULT_LEASE_TTL_MS, ProjectionLease } from '../projector/projection-lease.js';
import type { LeaseSettings } from '../projector/projection-lease.js';
import { fenceOf, LeasedSlot } from './leased-slot.js';
import type { LeasedState } from './leased-slot.js';
import { PeriodicWork } from './periodic-work.js';
import type { JobLogger, PeriodicJob } from './periodic-work.js';
import type { ProcessManager } from './process-manager.js';
import { ProcessManagerRunner } from './process-manager-runner.js';
import type { ProcessManagerRunnerOptions } from './process-manager-runner.js';

export type { LeasedState } from './leased-slot.js';
export type { JobLogger, PeriodicJob } from './periodic-work.js';

export interface BackgroundStatus {
  readonly kind: 'process-manager' | 'job';
  readonly name: string;
  readonly state: LeasedState;
  /** Why it stopped, when `failed` or `retrying`. */
  readonly failure?: string;
  /** Consecutive store outages that stopped it here (see LeasedSlot). */
  readonly retries: number;
  /** Events handled and skipped since start (a job: runs completed and runs that failed). */
  readonly handled: number;
  readonly skipped: number;
  /** A process manager's subscription to the log, while it runs on this instance. */
  readonly subscription?: SubscriptionStatus;
}

/** Some leased work started and stopped together (a host's managers, the periodic jobs). */
export class LeasedGroup {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly logger = new Logger('Leases');

  constructor(
    readonly kind: BackgroundStatus['kind'],
    private readonly slots: readonly LeasedSlot[],
    private readonly ttlMs: number,
  ) {}

  /** Takes the free leases and starts that work now, then keeps renewing, or waiting to take over. */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.turn()));
    this.loops = this.slots.map((slot) => this.follow(slot));
  }

  /** Stops the work held here (storing its checkpoints) and releases its leases, for another instance to take at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
    const results = await Promise.allSettled(this.slots.map((slot) => slot.stop()));
    for (const result of results) if (result.status === 'rejected') this.logger.error(String(result.reason));
  }

  status(): BackgroundStatus[] {
    return this.slots.map((slot) => ({ kind: this.kind, ...slot.status() }));
  }

  private async follow(slot: LeasedSlot): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      // A holder renews every third of the ttl; a waiting instance looks every tenth, to take over soon after an expiry.
      await sleep(slot.state === 'running' ? this.ttlMs / 3 : this.ttlMs / 10, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      await slot.turn().catch(() => undefined);
    }
  }
}

export class ProcessManagerLeases {
  readonly settings: LeaseSettings;
  private readonly groups: LeasedGroup[] = [];

  /** `settings`: this process's lease owner (unique per process unless the app says otherwise) and ttl (10 s). */
  constructor(
    private readonly reads: ReadStore,
    settings: Partial<LeaseSettings> = {},
  ) {
    this.settings = {
      owner: settings.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      ttlMs: settings.ttlMs ?? DEFAULT_LEASE_TTL_MS,
    };
  }

  /** Runs each manager while this instance holds the lease `process-manager:<name>`. */
  managers(store: EventStore, managers: readonly ProcessManager[], options: Omit<ProcessManagerRunnerOptions, 'fence'> = {}): LeasedGroup {
    const slots = managers.map((manager) => {
      const lease = new ProjectionLease(this.reads, manager.name, this.settings, 'process-manager');
      const fence = fenceOf(lease, this.settings.owner);
      const logger = options.logger ?? new Logger(`ProcessManager:${manager.name}`);
      return new LeasedSlot(manager.name, lease, fence, new ProcessManagerRunner(store, manager, { ...options, logger, fence }), logger);
    });
    return this.register(new LeasedGroup('process-manager', slots, this.settings.ttlMs));
  }

  /** Runs each job every `everyMs` while this instance holds the lease `job:<name>`. */
  jobs(jobs: readonly PeriodicJob[], options: { readonly logger?: JobLogger } = {}): LeasedGroup {
    const slots = jobs.map((job) => {
      const lease = new ProjectionLease(this.reads, job.name, this.settings, 'job');
      const fence = fenceOf(lease, this.settings.owner);
      const logger = options.logger ?? new Logger(`Job:${job.name}`);
      return new LeasedSlot(job.name, lease, fence, new PeriodicWork(job, fence, logger), logger);
    });
    return this.register(new LeasedGroup('job', slots, this.settings.ttlMs));
  }

  /** Every process manager and job of this process, with its state here. */
  status(): BackgroundStatus[] {
    return this.groups.flatMap((group) => group.status());
  }

  private register(group: LeasedGroup): LeasedGroup {
    this.groups.push(group);
    return group;
  }
}
