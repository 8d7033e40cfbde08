/**
 * Runs one process manager: follows the event store's global log from the manager's checkpoint,
 * hands it every event of the types it handles, and stores the checkpoint in the event store
 * itself (`checkpoint-<manager>`, one `CheckpointStored` per save, appended at the expected
 * revision), so it works on every adapter without a store of its own.
 *
 * Delivery is at least once: after a crash the events since the last save come again, which
 * the managers make harmless by deriving their command ids from the event's id.
 */
import { Logger } from '@nestjs/common';
import { EventStore } from '@ledger/event-store';
import type { EventSubscription, ExpectedRevision, Position, RecordedEvent } from '@ledger/event-store';
import { isRejection } from '../application-error.js';
import { deriveId } from '../ids.js';

export interface ProcessManager {
  /** Names the checkpoint stream, so it never changes once the manager has run. */
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** Reacts to one event and says what it did, for the log. Must be idempotent. */
  handle(event: RecordedEvent): Promise<string>;
}

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ProcessManagerRunnerOptions {
  /** Store the checkpoint after this many events... */
  readonly checkpointEvery?: number;
  /** ...or this long after the last save, whichever comes first. */
  readonly checkpointIntervalMs?: number;
  readonly logger?: RunnerLogger;
}

export type CheckpointStored = { type: 'CheckpointStored'; data: { manager: string; position: Position } };

/** The runner stopped because the manager failed in a way that is not a business rejection. */
export class ProcessManagerFailure extends Error {
  override readonly name = 'ProcessManagerFailure';

  constructor(
    readonly manager: string,
    readonly event: Pick<RecordedEvent, 'id' | 'type' | 'streamName' | 'position'> | undefined,
    cause: unknown,
  ) {
    const at = event ? ` at ${event.type} ${event.id} on ${event.streamName} (position ${event.position})` : '';
    super(`Process manager ${manager} stopped${at}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export function checkpointStreamName(manager: string): string {
  return `checkpoint-${manager}`;
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

  constructor(
    private readonly store: EventStore,
    private readonly manager: ProcessManager,
    options: ProcessManagerRunnerOptions = {},
  ) {
    this.every = options.checkpointEvery ?? 100;
    this.intervalMs = options.checkpointIntervalMs ?? 1_000;
    this.logger = options.logger ?? new Logger(`ProcessManager:${manager.name}`);
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  /** Why the runner stopped on its own, if it did. */
  get failure(): ProcessManagerFailure | undefined {
    return this.failed;
  }

  /** The position of the last event handled (or skipped); undefined before the first. */
  get checkpoint(): Position | undefined {
    return this.position;
  }

  /** Resumes after the stored checkpoint; resolves once the subscription is open. */
  async start(): Promise<void> {
    if (this.loop) throw new Error(`Process manager ${this.manager.name} is already running`);
    this.failed = undefined;
    await this.loadCheckpoint();
    const after = this.position;
    this.subscription = this.store.subscribeToAll({ ...(after ? { after } : {}), filter: { eventTypes: this.manager.eventTypes } });
    this.loop = this.follow(this.subscription);
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
    this.logger.log(`Following the log of ${this.manager.eventTypes.join(', ')} from ${after ?? 'its start'}`);
  }

  /** Resolves when the runner stops, and rejects with the failure if it stopped on its own. */
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
        await this.deliver(event);
        this.position = event.position;
        if (++this.sinceSave >= this.every) await this.flush();
        if (this.failed) break;
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
    if (position === undefined || position === this.saved) return;
    const stream = checkpointStreamName(this.manager.name);
    const checkpoint: CheckpointStored = { type: 'CheckpointStored', data: { manager: this.manager.name, position } };
    const id = deriveId(stream, position);
    const result = await this.store.appendToStream(stream, [{ id, ...checkpoint, metadata: { actor: `SYSTEM:${this.manager.name}` } }], {
      expectedRevision: this.revision,
    });
    this.revision = result.nextExpectedRevision;
    this.saved = position;
    this.sinceSave = 0;
  }

  private async loadCheckpoint(): Promise<void> {
    const [last] = await this.store.readStream(checkpointStreamName(this.manager.name), { direction: 'backwards', maxCount: 1 });
    this.revision = last ? last.revision : 'no_stream';
    this.position = last ? (last.data as CheckpointStored['data']).position : undefined;
    this.saved = this.position;
    this.sinceSave = 0;
  }
}
