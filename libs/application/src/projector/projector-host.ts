/**
 * Keeps every projection caught up with the log for as long as the process runs: at start the
 * projections catch up together (one read of the log for all, see catchUpTogether), then each
 * follows on its own whenever there may be more (every pollMs; an append wakes it at once).
 * A projection that fails stops alone, with its error kept for health checks; the others go on.
 *
 * Only one host at a time runs a projection: each holds a lease per projection in the read store
 * (renewed every third of its ttl) and writes every batch fenced by it. A host that finds a lease
 * held waits and takes over when the holder releases it (a clean stop) or lets it expire (a
 * crash, a lost connection); a host that loses its lease stops writing at once and waits again.
 *
 * Each projection runs in its active generation (see projection-registry.ts), resolved at start
 * and looked up again before every catch-up, so a rebuild made elsewhere (the CLI) is picked up
 * without a restart. Queries name collections through `collectionFor`.
 */
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, EventSubscription, Position } from '@ledger/event-store';
import type { Projection } from '@ledger/projections';
import { LeaseLostError, type ReadStore } from '@ledger/read-store';
import { catchUpTogether } from './catch-up-together.js';
import { ProjectionLease, DEFAULT_LEASE_TTL_MS, type LeaseSettings } from './projection-lease.js';
import { CAUGHT_UP, measureLag, type Lag } from './projection-lag.js';
import { ProjectionRunner, versionedCollection } from './projection-runner.js';
import type { ProjectionStatus } from './projection-runner.js';
import { activeGeneration, dropGeneration } from './projection-registry.js';

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
}

/** How far a runner has got through the log: scanned past events it ignores, or applied. */
function reached(runner: ProjectionRunner): Position | undefined {
  const { scannedTo, position } = runner.status();
  return scannedTo ?? position;
}

/** `running`: this host writes it; `waiting`: another host holds its lease; `failed`: stopped on an error. */
export type ProjectionState = 'running' | 'waiting' | 'failed' | 'stopped';

export interface ProjectorStatus extends ProjectionStatus, Partial<Lag> {
  readonly state: ProjectionState;
}

interface Slot {
  runner: ProjectionRunner;
  readonly lease: ProjectionLease;
  state: ProjectionState;
  /** The last lag measured: zero after each completed catch-up, else what measureLag found. */
  lag: Lag | undefined;
}

export class ProjectorHost {
  private readonly logger = new Logger('Projector');
  private slots: Slot[] = [];
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
  }

  get owner(): string {
    return this.leaseSettings.owner;
  }

  /** Takes the leases it can, catches those projections up together, then follows the log. */
  async start(): Promise<void> {
    const generations = await Promise.all(this.projections.map((projection) => activeGeneration(this.reads, projection)));
    this.slots = this.projections.map((projection, i) => ({
      runner: new ProjectionRunner(this.events, this.reads, projection, undefined, generations[i]),
      lease: new ProjectionLease(this.reads, projection.name, this.leaseSettings),
      state: 'waiting',
      lag: undefined,
    }));
    await Promise.all(this.slots.map((slot) => this.tryToLead(slot)));
    const running = this.slots.filter((slot) => slot.state === 'running');
    await catchUpTogether(this.events, running.map((slot) => slot.runner), { onFailure: (runner, error) => this.stopped(this.slotOf(runner), error) });
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
      for (const slot of this.slots.filter((candidate) => candidate.state === 'running')) {
        if (!(await slot.lease.acquire())) this.lost(slot);
      }
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
    return this.slots.map((slot) => ({ ...slot.runner.status(), state: slot.state, ...slot.lag }));
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

  /** Takes the slot's lease if it can; a fresh runner then starts from the stored checkpoint. */
  private async tryToLead(slot: Slot): Promise<void> {
    if (!(await slot.lease.acquire())) return;
    if (slot.state !== 'waiting') return;
    slot.runner = new ProjectionRunner(this.events, this.reads, slot.runner.projection, undefined, slot.runner.generation);
    slot.runner.fence = slot.lease.fence;
    slot.state = 'running';
  }

  private async follow(slot: Slot): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted && slot.state !== 'failed') {
      const nudgesBefore = this.nudges;
      if (slot.state === 'waiting') {
        await this.tryToLead(slot);
        if (slot.state === 'waiting') {
          await slot.runner.resume().catch(() => undefined);
          await this.pause(this.leaseSettings.ttlMs / 3);
          continue;
        }
        this.logger.log(`Projection ${slot.runner.projection.name}: this host (${this.owner}) now runs it`);
      }
      if (!(await this.catchUp(slot))) continue;
      if (this.nudges === nudgesBefore) await this.pause(this.pollMs);
    }
  }

  /** One catch-up under the lease; false when the lease was lost or the projection failed. */
  private async catchUp(slot: Slot): Promise<boolean> {
    try {
      // Checked before every catch-up, and every batch is fenced by the store as well.
      if (slot.lease.due() && !(await slot.lease.acquire())) throw new LeaseLostError(slot.lease.fence.lease, this.owner);
      await this.switchIfRebuilt(slot);
      await slot.runner.catchUp();
      slot.lag = CAUGHT_UP;
      for (const wake of [...this.progressWaiters]) wake();
      return true;
    } catch (error) {
      if (error instanceof LeaseLostError) this.lost(slot);
      else this.stopped(slot, error);
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

  /**
   * Moves to the registry's active generation when a rebuild switched it. The old collections
   * were dropped by the rebuild; dropping them again removes any page this host wrote after that.
   */
  private async switchIfRebuilt(slot: Slot): Promise<void> {
    const { runner } = slot;
    const active = await activeGeneration(this.reads, runner.projection);
    if (active === runner.generation) return;
    slot.runner = new ProjectionRunner(this.events, this.reads, runner.projection, undefined, active);
    slot.runner.fence = slot.lease.fence;
    this.logger.log(`Projection ${runner.projection.name} now serves generation ${active} (was ${runner.generation})`);
    await dropGeneration(this.reads, runner.projection, runner.generation);
  }

  private slotOf(runner: ProjectionRunner): Slot {
    return this.slots.find((slot) => slot.runner === runner)!;
  }

  private lost(slot: Slot): void {
    if (slot.state !== 'running') return;
    // The runner keeps its fence: a page it is still writing is refused by the store once another host holds the lease.
    slot.state = 'waiting';
    this.logger.warn(`Projection ${slot.runner.projection.name}: lease lost; waiting to take it over again`);
  }

  private stopped(slot: Slot, error: unknown): void {
    if (error instanceof LeaseLostError) return this.lost(slot);
    slot.state = 'failed';
    this.logger.error(`Projection ${slot.runner.projection.name} stopped: ${(error as Error).message}`);
  }
}
