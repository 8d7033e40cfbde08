/**
 * Work the ledger does on its own in embedded mode: resuming interrupted payments, and capturing
 * or expiring holds before they lapse, at start-up and every minute after. Each run is idempotent, so overlapping or repeated runs are harmless;
 * a run still in progress is not started again.
 */
import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { HoldExpiryMonitor, PaymentReconciler } from '@ledger/application';

interface Job {
  readonly name: string;
  readonly everyMs: number;
  readonly run: () => Promise<unknown>;
}

@Injectable()
export class PeriodicJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PeriodicJobs.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly reconciler: PaymentReconciler,
    private readonly holds: HoldExpiryMonitor,
  ) {}

  private jobs(): Job[] {
    return [
      { name: 'payment reconciliation', everyMs: 60_000, run: () => this.reconciler.reconcile() },
      { name: 'hold expiry', everyMs: 60_000, run: () => this.holds.runOnce() },
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const job of this.jobs()) {
      await this.runOnce(job);
      const timer = setInterval(() => void this.runOnce(job), job.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Jobs finish before the stores they use close (in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    this.timers.forEach(clearInterval);
    await Promise.allSettled(this.running.values());
  }

  private runOnce(job: Job): Promise<void> {
    const current = this.running.get(job.name);
    if (current) return current;
    const run = job
      .run()
      .then((summary) => this.logger.debug(`${job.name}: ${JSON.stringify(summary)}`))
      .catch((error: unknown) => this.logger.error(`${job.name} failed: ${(error as Error).message}`))
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }
}
