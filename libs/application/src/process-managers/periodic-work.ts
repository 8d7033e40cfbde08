/**
 * A periodic job (payment reconciliation, hold expiry) as leased work: it runs at once when this
 * instance takes the job's lease and every `everyMs` after, for as long as it holds it. A run
 * still in progress is not started again. A run that fails is logged and counted, and the next
 * one tries again: each run is idempotent, so a failed run leaves nothing half done for good.
 *
 * The run is handed `leading`, which asks the fence; a long run (hold expiry works hold by hold)
 * asks it between steps and stops when this instance no longer holds the lease.
 */
import type { LeasedWork } from './leased-slot.js';
import type { RunnerFence, RunnerLogger } from './process-manager.js';

/** Run summaries go to `debug` when the logger has it (Nest's does). */
export type JobLogger = RunnerLogger & { debug?(message: string): void };

export interface PeriodicJob {
  /** Names the lease, `job:<name>`. */
  readonly name: string;
  readonly everyMs: number;
  /** One run; `leading()` is false once this instance no longer holds the job's lease. */
  run(leading: () => Promise<boolean>): Promise<unknown>;
}

export class PeriodicWork implements LeasedWork {
  readonly stats = { handled: 0, skipped: 0 };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private fenced = false;
  private ended: Promise<void> = Promise.resolve();
  private end: () => void = () => undefined;

  constructor(
    private readonly job: PeriodicJob,
    private readonly fence: RunnerFence,
    private readonly logger: JobLogger,
  ) {}

  get lost(): boolean {
    return this.fenced;
  }

  /** Runs once now, then every `everyMs`. */
  async start(): Promise<void> {
    this.fenced = false;
    this.ended = new Promise<void>((resolve) => (this.end = resolve));
    await this.runOnce();
    if (this.fenced) return;
    this.timer = setInterval(() => void this.runOnce(), this.job.everyMs);
    this.timer.unref();
  }

  /** Lets the run in hand finish; starts no other. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  stopped(): Promise<void> {
    return this.ended;
  }

  private runOnce(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    if (!(await this.leading())) return;
    try {
      const summary = await this.job.run(() => this.leading());
      this.stats.handled++;
      this.logger.debug?.(`${this.job.name}: ${JSON.stringify(summary)}`);
    } catch (error) {
      this.stats.skipped++;
      this.logger.error(`${this.job.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async leading(): Promise<boolean> {
    if (this.fenced) return false;
    if (await this.fence.allows()) return true;
    this.fenced = true;
    clearInterval(this.timer);
    this.end();
    return false;
  }
}
