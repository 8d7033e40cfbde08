/**
 * Keeps every projection caught up with the log for as long as the process runs: each runner
 * catches up at start and then again whenever there may be more (every pollMs; a write made
 * here wakes it at once through `nudge`). A projection that fails stops alone, with its error
 * kept for health checks; the others go on.
 *
 * Each projection runs in its active generation (see projection-registry.ts), resolved at start
 * and looked up again before every catch-up, so a rebuild made elsewhere (the CLI) is picked up
 * without a restart. Queries name collections through `collectionFor`.
 */
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, EventSubscription, Position } from '@ledger/event-store';
import type { Projection } from '@ledger/projections';
import type { ReadStore } from '@ledger/read-store';
import { ProjectionRunner, versionedCollection } from './projection-runner.js';
import type { ProjectionStatus } from './projection-runner.js';
import { activeGeneration, dropGeneration } from './projection-registry.js';

export class ProjectorHost {
  private readonly logger = new Logger('Projector');
  private runners: ProjectionRunner[] = [];
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  /** Counts nudges, so a runner that was busy when one came catches up again instead of sleeping. */
  private nudges = 0;
  private watcher: EventSubscription | undefined;

  constructor(
    private readonly events: EventStore,
    readonly reads: ReadStore,
    private readonly projections: readonly Projection[],
    private readonly pollMs = 100,
  ) {}

  /** Catches every projection up once, then keeps them following the log in the background. */
  async start(): Promise<void> {
    const generations = await Promise.all(this.projections.map((projection) => activeGeneration(this.reads, projection)));
    this.runners = this.projections.map((projection, i) => new ProjectionRunner(this.events, this.reads, projection, undefined, generations[i]));
    await Promise.all(this.runners.map((runner) => runner.catchUp().catch((error: unknown) => this.stopped(runner, error))));
    this.loops = this.runners.flatMap((runner, i) => (runner.status().failure ? [] : [this.follow(i)]));
    this.loops.push(this.watch());
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

  /**
   * The read-store collection that serves one of a projection's collections now, e.g.
   * `bookings_v1_r2`. Before start, or for a projection this host does not run, the default.
   */
  collectionFor(projectionName: string, collection: string): string {
    const runner = this.runners.find((candidate) => candidate.projection.name === projectionName);
    if (runner) return runner.collection(collection);
    const projection = this.projections.find((candidate) => candidate.name === projectionName);
    if (!projection) throw new Error(`No projection named ${projectionName}`);
    return versionedCollection(projection, collection);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.watcher?.close();
    this.nudge();
    await Promise.allSettled(this.loops);
  }

  /** Asks the runners to look for new events now rather than at the next poll. */
  nudge(): void {
    this.nudges++;
    for (const wake of [...this.wakers]) wake();
  }

  status(): ProjectionStatus[] {
    return this.runners.map((runner) => runner.status());
  }

  /** Resolves once every running projection has processed the log up to `position`, or rejects after timeoutMs. */
  async caughtUpTo(position: Position, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.nudge();
    while (this.runners.some((runner) => !runner.status().failure && (runner.status().position ?? '') < position)) {
      // A projection whose events all lie before `position` has nothing newer to read.
      const behind = await Promise.all(this.runners.map((runner) => this.behind(runner, position)));
      if (!behind.some(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`read models did not reach ${position} within ${timeoutMs} ms`);
      await sleep(5);
    }
  }

  private async behind(runner: ProjectionRunner, position: Position): Promise<boolean> {
    const status = runner.status();
    if (status.failure) return false;
    const [next] = await this.events.readAll({
      filter: { eventTypes: runner.projection.eventTypes },
      maxCount: 1,
      ...(status.position ? { after: status.position } : {}),
    });
    return next !== undefined && next.position <= position;
  }

  private async follow(index: number): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      const runner = this.runners[index]!;
      const nudgesBefore = this.nudges;
      try {
        await this.switchIfRebuilt(index);
        await this.runners[index]!.catchUp();
      } catch (error) {
        this.stopped(runner, error);
        return;
      }
      if (this.nudges !== nudgesBefore) continue;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.pollMs);
        this.wakers.add(wake);
      });
    }
  }

  /**
   * Moves to the registry's active generation when a rebuild switched it. The old collections
   * were dropped by the rebuild; dropping them again removes any page this host wrote after that.
   */
  private async switchIfRebuilt(index: number): Promise<void> {
    const runner = this.runners[index]!;
    const active = await activeGeneration(this.reads, runner.projection);
    if (active === runner.generation) return;
    this.runners[index] = new ProjectionRunner(this.events, this.reads, runner.projection, undefined, active);
    this.logger.log(`Projection ${runner.projection.name} now serves generation ${active} (was ${runner.generation})`);
    await dropGeneration(this.reads, runner.projection, runner.generation);
  }

  private stopped(runner: ProjectionRunner, error: unknown): void {
    this.logger.error(`Projection ${runner.projection.name} stopped: ${(error as Error).message}`);
  }
}
