/**
 * What a process manager is, and what its runner records: the checkpoint events on
 * `checkpoint-<manager>`, the fence a leased runner asks, and the failure that stops a runner.
 */
import type { Position, RecordedEvent } from '@ledger/event-store';

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

/** What a leased runner asks before it acts or writes. */
export interface RunnerFence {
  /** Who holds the lease; recorded in the claim on the checkpoint stream. */
  readonly owner: string;
  /** True while the lease is held (renewing it when due); false once it is lost. */
  allows(): Promise<boolean>;
}

export type CheckpointStored = { type: 'CheckpointStored'; data: { manager: string; position: Position } };
/** A new holder's mark on the checkpoint stream: saves appended at older revisions are refused. */
export type CheckpointClaimed = { type: 'CheckpointClaimed'; data: { manager: string; owner: string; position: Position | null } };

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
