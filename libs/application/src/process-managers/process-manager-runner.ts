/**
 * Runs one process manager: follows the event store's global log from the manager's checkpoint,
 * hands it every event of the types it handles, and stores the checkpoint in the event store
 * itself (`checkpoint-<manager>`, one `CheckpointStored` per save, appended at the expected
 * revision), so it works on every adapter without a store of its own.
 *
 * Delivery is at least once: after a crash the events since the last save come again, which
 * the managers make harmless by deriving their command ids from the event's id.
 *
 * With a fence (the lease of one active runner per manager across instances, see
 * process-manager-leases.ts), the runner asks it before every event it acts on and every
 * checkpoint it stores, and first claims the checkpoint stream (`CheckpointClaimed`, appended at
 * the revision it read). Every later save is appended at the revision after its own, so a runner
 * whose stream was claimed by a newer holder has its save refused by the event store itself,
 * whatever its clock says; it then stops without acting further (`lost`).
 */
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventStore, WrongExpectedRevisionError } from '@ledger/event-store';
import type { EventSubscription, ExpectedRevision, Position, RecordedEvent, SubscriptionStatus } from '@ledger/event-store';
import { isRejection } from '../application-error.js';
import { deriveId } from '../ids.js';
import { checkpointStreamName, ProcessManagerFailure } from './process-manager.js';
import type { CheckpointClaimed, CheckpointStored, ProcessManager, RunnerFence, RunnerLogger } from './process-manager.js';

// The managers' contract has its own file; everything that imported it from here still does.
export * from './process-manager.js';

export interface ProcessManagerRunnerOptions {
  /** Store the checkpoint after this many events... */
  readonly checkpointEvery?: number;
  /** ...or this long after the last save, whichever comes first. */
  readonly checkpointIntervalMs?: number;
  readonly logger?: RunnerLogger;
  /** One active runner across instances: without it the runner assumes it is alone. */
  readonly fence?: RunnerFence;
}

export class ProcessManagerRunner {
  /** Events handled, and events skipped because their handling was rejected, since start. */
  readonly stats = { handled: 0, skipped: 0 };
  private readonly every: number;
  private readonly intervalMs: number;
  private readonly logger: RunnerLogger;
  private subscription: EventSubscription | undefined;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private position: Position | undefined;
  private saved: Position | undefined;
  private revision: ExpectedRevision = 'no_stream';
  private sinceSave = 0;
  private saving: Promise<void> = Promise.resolve();
  private failed: ProcessManagerFailure | undefined;
  private fenced = false;
  private readonly fence: RunnerFence | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly manager: ProcessManager,
    options: ProcessManagerRunnerOptions = {},
  ) {
    this.every = options.checkpointEvery ?? 100;
    this.intervalMs = options.checkpointIntervalMs ?? 1_000;
    this.logger = options.logger ?? new Logger(`ProcessManager:${manager.name}`);
    this.fence = options.fence;
  }

  get name(): string {
    return this.manager.name;
  }

  /** True once the fence refused an act or a save: another instance holds the manager now. */
  get lost(): boolean {
    return this.fenced;
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  /** Why the runner stopped on its own, if it did. */
  get failure(): ProcessManagerFailure | undefined {
    return this.failed;
  }

  /**
   * Where the subscription this runner follows the log with stands (for health and metrics), while
   * it runs; undefined when it is not running here, or on a store whose subscriptions do not say.
   */
  get subscriptionStatus(): SubscriptionStatus | undefined {
    return this.loop ? this.subscription?.status : undefined;
  }

  /** The position of the last event handled (or skipped); undefined before the first. */
  get checkpoint(): Position | undefined {
    return this.position;
  }

  /** Resumes after the stored checkpoint; resolves once the subscription is open, or at once when `lost`. */
  async start(): Promise<void> {
    if (this.loop) throw new Error(`Process manager ${this.manager.name} is already running`);
    this.failed = undefined;
    this.fenced = false;
    await this.loadCheckpoint();
    if (this.fence) await this.claim(this.fence);
    if (this.fenced) return;
    const after = this.position;
    this.subscription = this.store.subscribeToAll({ ...(after ? { after } : {}), filter: { eventTypes: this.manager.eventTypes } });
    this.loop = this.follow(this.subscription);
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
    this.logger.log(`Following the log of ${this.manager.eventTypes.join(', ')} from ${after ?? 'its start'}`);
  }

  /** Resolves when the runner stops (or found its lease lost), and rejects with the failure if it stopped on its own. */
  async stopped(): Promise<void> {
    await this.loop;
    if (this.failed) throw this.failed;
  }

  /** Stops after the event in hand, stores the checkpoint, and throws the failure that stopped it, if any. */
  async stop(): Promise<void> {
    const loop = this.loop;
    if (!loop) return;
    clearInterval(this.timer);
    await this.subscription?.close();
    await loop;
    this.loop = undefined;
    await this.flush();
    if (this.failed) throw this.failed;
  }

  private async follow(subscription: EventSubscription): Promise<void> {
    try {
      for await (const event of subscription) {
        if (this.fence && !(await this.fence.allows())) {
          this.lose('its lease is lost');
          break;
        }
        await this.deliver(event);
        this.position = event.position;
        if (++this.sinceSave >= this.every) await this.flush();
        if (this.failed || this.fenced) break;
      }
    } catch (error) {
      this.fail(error instanceof ProcessManagerFailure ? error : new ProcessManagerFailure(this.manager.name, undefined, error));
    } finally {
      clearInterval(this.timer);
    }
  }

  private async deliver(event: RecordedEvent): Promise<void> {
    // The filter runs in the store; the check here keeps a manager safe from a store that ignores it.
    if (!this.manager.eventTypes.includes(event.type)) return;
    try {
      const outcome = await this.manager.handle(event);
      this.stats.handled++;
      this.logger.log(`${event.type} ${event.id}: ${outcome}`);
    } catch (error) {
      if (!isRejection(error)) throw new ProcessManagerFailure(this.manager.name, event, error);
      // A rejection is an answer, not an outage: retrying the event would get the same one.
      this.stats.skipped++;
      this.logger.warn(`Skipped ${event.type} ${event.id} at ${event.position}: ${error.code} ${error.message}`);
    }
  }

  /** Stops acting at once; nothing more is stored. */
  private lose(why: string): void {
    if (this.fenced) return;
    this.fenced = true;
    this.logger.warn(`Stopped at ${this.position ?? 'its start'}: ${why}; another instance runs ${this.manager.name} now`);
    void this.subscription?.close();
  }

  private fail(failure: ProcessManagerFailure): void {
    this.failed ??= failure;
    this.logger.error(failure.message);
    void this.subscription?.close();
  }

  /** Saves are chained, so the loop and the timer never append at the same expected revision. */
  private flush(): Promise<void> {
    this.saving = this.saving.then(() => this.save()).catch((error: unknown) => this.fail(new ProcessManagerFailure(this.manager.name, undefined, error)));
    return this.saving;
  }

  private async save(): Promise<void> {
    const position = this.position;
    if (position === undefined || position === this.saved || this.fenced) return;
    if (this.fence && !(await this.fence.allows())) return this.lose('its lease is lost');
    const checkpoint: CheckpointStored = { type: 'CheckpointStored', data: { manager: this.manager.name, position } };
    if (!(await this.append(checkpoint, deriveId(checkpointStreamName(this.manager.name), position)))) return;
    this.saved = position;
    this.sinceSave = 0;
  }

  /** Marks the checkpoint stream as this holder's, so a former holder's late save is refused. */
  private async claim(fence: RunnerFence): Promise<void> {
    const claimed: CheckpointClaimed = { type: 'CheckpointClaimed', data: { manager: this.manager.name, owner: fence.owner, position: this.position ?? null } };
    // Random on purpose: two claims must collide on the revision, never pass as one retried append.
    await this.append(claimed, randomUUID());
  }

  /** Appends at the revision this runner wrote last; false (and lost) when another holder wrote since. */
  private async append(event: CheckpointStored | CheckpointClaimed, id: string): Promise<boolean> {
    const stream = checkpointStreamName(this.manager.name);
    try {
      const metadata = { actor: `SYSTEM:${this.manager.name}` };
      const result = await this.store.appendToStream(stream, [{ id, ...event, metadata }], { expectedRevision: this.revision });
      this.revision = result.nextExpectedRevision;
      return true;
    } catch (error) {
      // Alone, a conflict is a failure; under a fence it means a newer holder claimed the stream.
      if (!this.fence || !(error instanceof WrongExpectedRevisionError)) throw error;
      const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 }).catch(() => []);
      const owner = (last?.data as Partial<CheckpointClaimed['data']> | undefined)?.owner;
      // Two processes with one owner (two APIs on one embedded data directory) take turns for ever: say so.
      this.lose(
        owner === this.fence.owner
          ? `${stream} was claimed by another process with the same lease owner (${owner}); give each process its own`
          : `${stream} was claimed by ${owner ?? 'another instance'}`,
      );
      return false;
    }
  }

  private async loadCheckpoint(): Promise<void> {
    const [last] = await this.store.readStream(checkpointStreamName(this.manager.name), { direction: 'backwards', maxCount: 1 });
    this.revision = last ? last.revision : 'no_stream';
    this.position = (last?.data as CheckpointStored['data'] | CheckpointClaimed['data'] | undefined)?.position ?? undefined;
    this.saved = this.position;
    this.sinceSave = 0;
  }
}
