/** Typed failures of the event store port; adapters map their native errors onto these. */
import type { ExpectedRevision } from './event-store.port.js';

export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The stream is not at the revision the caller decided on; nothing was written. */
export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** `'no_stream'` when the stream does not exist. */
    readonly actual: ExpectedRevision,
  ) {
    super(`Stream "${streamName}" expected at revision ${String(expected)} but is at ${String(actual)}`);
  }
}

/** The batch or one of its events is not acceptable; nothing was written. */
export class InvalidEventError extends EventStoreError {
  readonly code = 'INVALID_EVENT';
  constructor(
    readonly reason: 'EMPTY_BATCH' | 'MISSING_TYPE' | 'INVALID_ID' | 'NOT_SERIALISABLE' | 'TOO_LARGE' | 'DUPLICATE_ID' | 'INVALID_STREAM',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A read named a position this store never hands out (a checkpoint from another adapter, or a
 * client's made-up cursor); nothing was read. It is the reader's mistake, not an outage.
 */
export class InvalidPositionError extends EventStoreError {
  readonly code = 'INVALID_POSITION';
  constructor(readonly position: unknown) {
    super(`Not a position of this event store: ${JSON.stringify(position)}`);
  }
}

/** The store's file or server cannot be used as it is; start-up must stop. */
export class EventStoreUnavailableError extends EventStoreError {
  readonly code = 'EVENT_STORE_UNAVAILABLE';
}

/**
 * An append was sent but its outcome could not be learned (the acknowledgement timed out or the
 * connection broke, and re-reading and retrying did not settle it): the events may or may not be
 * stored. It is an outage for the caller, hence an EventStoreUnavailableError; sending the same
 * events (same ids) at the same expected revision later is safe, because the store treats that as
 * the same append.
 */
export class AppendOutcomeUnknownError extends EventStoreUnavailableError {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly eventIds: readonly string[],
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`The outcome of the append to "${streamName}" at ${String(expected)} is unknown (${reason}); retry it with the same event ids`, { cause });
  }
}
