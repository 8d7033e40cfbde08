/**
 * Keeps every projection caught up with the log for as long as the process runs: each runner
 * catches up at start and then again whenever there may be more (every pollMs; a write made
 * here wakes it at once through `nudge`). A projection that fails stops alone, with its error
 * kept for health checks; the others go on.
 */
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, Position } from '@ledger/event-store';
import type { Projection } from '@ledger/projections';
import type { ReadStore } from '@ledger/read-store';
import { ProjectionRunner } from './projection-runner.js';
import type { ProjectionStatus } from './projection-runner.js';

export class ProjectorHost {
  private readonly logger = new Logger('Projector');
  private readonly runners: ProjectionRunner[];
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly events: EventStore,
    readonly reads: ReadStore,
    projections: readonly Projection[],
    private readonly pollMs = 100,
  ) {
    this.runners = projections.map((projection) => new ProjectionRunner(events, reads, projection));
  }

  /** Catches every projection up once, then keeps them following the log in the background. */
  async start(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.catchUp().catch((error: unknown) => this.stopped(runner, error))));
    this.loops = this.runners.filter((runner) => !runner.status().failure).map((runner) => this.follow(runner));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.nudge();
    await Promise.allSettled(this.loops);
  }

  /** Asks the runners to look for new events now rather than at the next poll. */
  nudge(): void {
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

  private async follow(runner: ProjectionRunner): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        await runner.catchUp();
      } catch (error) {
        this.stopped(runner, error);
        return;
      }
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

  private stopped(runner: ProjectionRunner, error: unknown): void {
    this.logger.error(`Projection ${runner.projection.name} stopped: ${(error as Error).message}`);
  }
}
