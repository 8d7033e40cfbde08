/**
 * Keeps every projection caught up with the log for as long as the process runs: at start the
 * projections catch up together (one read of the log for all, see catchUpTogether), then each
 * follows on its own whenever there may be more (every pollMs; an append wakes it at once).
 * A projection that fails stops alone, with its error kept for health checks; the others go on.
 * A read store failing only for now is retried with growing pauses instead (projection-slot.ts).
 *
 * Only one host at a time runs a projection: each holds a lease per projection in the read store
 * (renewed every third of its ttl) and writes every batch fenced by its token. A host that finds
 * a lease held waits and takes over when the holder releases it (a clean stop) or lets it expire
 * (a crash, a lost connection); a host that loses its lease stops writing at once and waits again.
 *
 * Each projection runs in its active generation (see projection-registry.ts), resolved at start
 * and looked up again before every catch-up, so a rebuild made elsewhere (the CLI) is picked up
 * without a restart. Queries name collections through `collectionFor`.
 */
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, EventSubscription, Position, SubscriptionStatus } from '@ledger/event-store';
import type { Projection } from '@ledger/projections';
import type { ReadStore } from '@ledger/read-store';
import { catchUpTogether } from './catch-up-together.js';
import { DEFAULT_LEASE_TTL_MS, type LeaseSettings } from './projection-lease.js';
import { CAUGHT_UP, measureLag } from './projection-lag.js';
import { versionedCollection, type ProjectionRunner } from './projection-runner.js';
import { activeGeneration } from './projection-registry.js';
import { DEFAULT_RETRY, ProjectionSlot, type ProjectorStatus, type RetrySettings } from './projection-slot.js';

export { DEFAULT_RETRY, type ProjectionState, type ProjectorStatus, type RetrySettings } from './projection-slot.js';

/** Resolves after `ms`, or sooner when one of `waiters` is called (each call wakes everyone waiting). */
function wakeable(waiters: Set<() => void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      waiters.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    waiters.add(wake);
  });
}

/** The longest a read-your-writes wait sleeps between checks; runners finishing wake it sooner. */
const POLL_WAITERS_MS = 20;

export interface ProjectorHostOptions {
  readonly pollMs?: number;
  /** This host's lease owner id and the lease ttl; defaults: a unique id, 10 seconds. */
  readonly lease?: Partial<LeaseSettings>;
  /** Pauses between attempts after a transient store error; defaults: DEFAULT_RETRY. */
  readonly retry?: Partial<RetrySettings>;
}

/** How far a runner has got through the log: scanned past events it ignores, or applied. */
function reached(runner: ProjectionRunner): Position | undefined {
  const { scannedTo, position } = runner.status();
  return scannedTo ?? position;
}

export class ProjectorHost {
  private readonly logger = new Logger('Projector');
  private slots: ProjectionSlot[] = [];
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  /** Waits in caughtUpTo, woken whenever a runner finishes a catch-up. */
  private readonly progressWaiters = new Set<() => void>();
  /** Counts nudges, so a runner that was busy when one came catches up again instead of sleeping. */
  private nudges = 0;
  private watcher: EventSubscription | undefined;
  private readonly pollMs: number;
  private readonly leaseSettings: LeaseSettings;
  private readonly retry: RetrySettings;

  constructor(
    private readonly events: EventStore,
    readonly reads: ReadStore,
    private readonly projections: readonly Projection[],
    options: number | ProjectorHostOptions = {},
  ) {
    const settings = typeof options === 'number' ? { pollMs: options } : options;
    this.pollMs = settings.pollMs ?? 100;
    this.leaseSettings = {
      owner: settings.lease?.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      ttlMs: settings.lease?.ttlMs ?? DEFAULT_LEASE_TTL_MS,
    };
    this.retry = { ...DEFAULT_RETRY, ...settings.retry };
  }

  get owner(): string {
    return this.leaseSettings.owner;
  }

  /** Takes the leases it can, catches those projections up together, then follows the log. */
  async start(): Promise<void> {
    const generations = await Promise.all(this.projections.map((projection) => activeGeneration(this.reads, projection)));
    this.slots = this.projections.map((projection, i) => new ProjectionSlot(this.events, this.reads, projection, generations[i]!, this.leaseSettings, this.logger));
    await Promise.all(this.slots.map((slot) => slot.tryToLead()));
    const running = this.slots.filter((slot) => slot.state === 'running');
    await catchUpTogether(this.events, running.map((slot) => slot.runner), { onFailure: (runner, error) => this.slotOf(runner).failed(error) });
    for (const slot of running) if (slot.state === 'running') slot.lag = CAUGHT_UP;
    this.loops = this.slots.map((slot) => this.follow(slot));
    this.loops.push(this.watch(), this.renew());
  }

  /**
   * Wakes the runners whenever an event they handle is appended, so a read model follows a
   * write within milliseconds instead of at the next poll; the poll remains as a safety net.
   */
  private async watch(): Promise<void> {
    const eventTypes = [...new Set(this.projections.flatMap((projection) => projection.eventTypes))];
    const head = await this.events.headPosition();
    this.watcher = this.events.subscribeToAll({ filter: { eventTypes }, bufferSize: 256, ...(head ? { after: head } : {}) });
    if (this.abort.signal.aborted) return this.watcher.close();
    try {
      for await (const _event of this.watcher) this.nudge();
    } catch (error) {
      if (!this.abort.signal.aborted) this.logger.warn(`Watching the log stopped (${(error as Error).message}); polling every ${this.pollMs} ms`);
    }
  }

  /** Renews the held leases every third of their ttl; one that cannot be renewed is given up. */
  private async renew(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      await sleep(this.leaseSettings.ttlMs / 3, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      for (const slot of this.slots.filter((candidate) => candidate.leading)) await slot.keepLease();
    }
  }

  /**
   * The read-store collection that serves one of a projection's collections now, e.g.
   * `bookings_v1_r2`. Before start, or for a projection this host does not run, the default.
   */
  collectionFor(projectionName: string, collection: string): string {
    const slot = this.slots.find((candidate) => candidate.runner.projection.name === projectionName);
    if (slot) return slot.runner.collection(collection);
    const projection = this.projections.find((candidate) => candidate.name === projectionName);
    if (!projection) throw new Error(`No projection named ${projectionName}`);
    return versionedCollection(projection, collection);
  }

  /** Stops following, waits for the pages in hand, and releases the leases so another host takes over at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.watcher?.close();
    this.nudge();
    await Promise.allSettled(this.loops);
    await Promise.allSettled(this.slots.map((slot) => slot.lease.release()));
    for (const slot of this.slots) if (slot.state !== 'failed') slot.state = 'stopped';
  }

  /** Asks the runners to look for new events now rather than at the next poll. */
  nudge(): void {
    this.nudges++;
    for (const wake of [...this.wakers]) wake();
  }

  /**
   * Per projection: position, state and the lag last known (zero right after a completed
   * catch-up; `undefined` before any measurement). `measureLag` measures it now.
   */
  status(): ProjectorStatus[] {
    return this.slots.map((slot) => slot.status());
  }

  /** Where the subscription that wakes the runners stands; undefined before start. Failed, the runners only poll. */
  watcherStatus(): SubscriptionStatus | undefined {
    return this.watcher?.status;
  }

  /** Measures every projection's lag against the log now (one bounded read each) and returns the status. */
  async measureLag(): Promise<ProjectorStatus[]> {
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.state !== 'running') await slot.runner.resume();
        slot.lag = await measureLag(this.events, slot.runner.projection, slot.runner.status().position);
      }),
    );
    return this.status();
  }

  /** Resolves once every running projection has processed the log up to `position`, or rejects after timeoutMs. */
  async caughtUpTo(position: Position, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.nudge();
    for (;;) {
      // A stopped host (the app is shutting down) will not get further: waiting would only delay the answer.
      if (this.abort.signal.aborted) throw new Error('the projector host is stopped');
      // Another host writes a waiting projection: its progress is in the store.
      await Promise.all(this.slots.filter((slot) => slot.state === 'waiting').map((slot) => slot.runner.resume()));
      const live = this.slots.filter((slot) => slot.state !== 'failed' && (reached(slot.runner) ?? '') < position);
      if (live.length === 0) return;
      // A projection whose events all lie before `position` has nothing newer to read.
      const behind = await Promise.all(live.map((slot) => this.behind(slot.runner, position)));
      if (!behind.some(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`read models did not reach ${position} within ${timeoutMs} ms`);
      await this.progressOr(POLL_WAITERS_MS);
    }
  }

  private async behind(runner: ProjectionRunner, position: Position): Promise<boolean> {
    const from = reached(runner);
    const [next] = await this.events.readAll({
      filter: { eventTypes: runner.projection.eventTypes },
      maxCount: 1,
      ...(from ? { after: from } : {}),
    });
    return next !== undefined && next.position <= position;
  }

  private async follow(slot: ProjectionSlot): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted && slot.state !== 'failed') {
      const nudgesBefore = this.nudges;
      if (slot.state === 'retrying') await slot.backOff(this.retry, signal);
      if (slot.state === 'waiting') {
        await slot.tryToLead();
        if (slot.state === 'waiting') {
          await slot.runner.resume().catch(() => undefined);
          await this.pause(this.leaseSettings.ttlMs / 3);
          continue;
        }
        this.logger.log(`Projection ${slot.runner.projection.name}: this host (${this.owner}) now runs it`);
      }
      if (signal.aborted || !(await this.catchUp(slot))) continue;
      if (this.nudges === nudgesBefore) await this.pause(this.pollMs);
    }
  }

  /** One catch-up under the lease; false when the lease was lost or the projection failed. */
  private async catchUp(slot: ProjectionSlot): Promise<boolean> {
    try {
      // Checked before every catch-up, and every batch is fenced by the store as well.
      if (slot.lease.due() && !(await slot.keepLease())) return false;
      await slot.switchIfRebuilt();
      await slot.runner.catchUp();
      slot.caughtUp(CAUGHT_UP);
      for (const wake of [...this.progressWaiters]) wake();
      return true;
    } catch (error) {
      slot.failed(error);
      return false;
    }
  }

  /** Resolves when a runner has made progress, or after `ms` at the latest. */
  private progressOr(ms: number): Promise<void> {
    return wakeable(this.progressWaiters, ms);
  }

  private pause(ms: number): Promise<void> {
    return wakeable(this.wakers, ms);
  }

  private slotOf(runner: ProjectionRunner): ProjectionSlot {
    return this.slots.find((slot) => slot.runner === runner)!;
  }
}
