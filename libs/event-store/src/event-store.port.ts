/**
 * The event store port: the one place where the ledger's facts are kept.
 *
 * Both adapters (SQLite, the embedded default, and EventStoreDB/KurrentDB in production)
 * implement this class and pass the same contract suite. Nest uses the abstract class
 * itself as the injection token.
 */
import type { Position } from './position.js';

/**
 * Metadata beside an event's data. The store does not interpret it; the application writes
 * `commandId`, `correlationId`, `causationId`, `actor`, `tenant` and `occurredAt`, and the store
 * adds `$chain`, which it returns separately as `RecordedEvent.chain`.
 */
export type EventMetadata = Readonly<Record<string, unknown>>;

/** An event as a caller hands it in. The id is the caller's idempotency key for this event. */
export interface NewEvent<Data = unknown> {
  readonly id: string;
  readonly type: string;
  readonly data: Data;
  readonly metadata?: EventMetadata;
}

/** The integrity record every stored event carries in its metadata (see hash-chain.ts). */
export interface ChainLink {
  readonly previousHash: string | null;
  readonly hash: string;
}

export interface RecordedEvent<Data = unknown> {
  readonly id: string;
  readonly type: string;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly streamName: string;
  /** Zero-based index of the event in its stream. */
  readonly revision: number;
  /** Opaque, totally ordered position in the global log. */
  readonly position: Position;
  readonly recordedAt: Date;
  readonly chain: ChainLink;
}

/** `'no_stream'` for a stream that must not exist yet, otherwise the revision of its last event. */
export type ExpectedRevision = 'no_stream' | number;

export interface AppendResult {
  /** Revision of the last event of the stream after the append: the next expected revision. */
  readonly nextExpectedRevision: number;
  /** Position of the last event appended. */
  readonly position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: Direction;
  /** Inclusive; defaults to the first event (forwards) or the last event (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
  /** Return events as stored, without upcasting (audits and hash-chain checks need this). */
  readonly raw?: boolean;
}

/** Server-side filter on the global log: an event passes if it matches any listed type or category. */
export interface AllFilter {
  readonly eventTypes?: readonly string[];
  /** Stream categories: the part of the stream name before the first dash. */
  readonly streamCategories?: readonly string[];
}

export interface ReadAllOptions {
  readonly direction?: Direction;
  /** Exclusive: events strictly after (forwards) or before (backwards) this position. */
  readonly after?: Position;
  readonly maxCount?: number;
  readonly filter?: AllFilter;
  readonly raw?: boolean;
}

export interface SubscribeToAllOptions {
  /** Checkpoint: deliver events strictly after it. Omitted means from the very beginning. */
  readonly after?: Position;
  readonly filter?: AllFilter;
  /** How many events are fetched ahead of the consumer at most. */
  readonly bufferSize?: number;
}

/**
 * Where a subscription stands. `catching-up` and `live` are healthy; `reconnecting` means it lost
 * its server and is resuming from its last position after a pause; `failed` means it gave up
 * (its iteration then ends with the error); `closed` means its consumer closed it.
 */
export type SubscriptionState = 'catching-up' | 'live' | 'reconnecting' | 'failed' | 'closed';

/** A snapshot for health checks and metrics; read it as often as needed, it costs nothing. */
export interface SubscriptionStatus {
  readonly state: SubscriptionState;
  /** The position of the last event handed to the consumer; undefined before the first. */
  readonly position: Position | undefined;
  /** How many times it was re-opened after losing its server, since it started (a counter). */
  readonly reconnects: number;
  /** Why it last lost its server, or why it failed. */
  readonly lastError: string | undefined;
  /** When `state` last changed. */
  readonly since: Date;
}

/**
 * A catch-up subscription. It is pull-based: the next page is fetched only when the consumer
 * has taken the previous one, which is the back-pressure. It reads history, then switches to
 * live delivery without gaps or duplicates, and ends only when closed, or with an error once it
 * has given up resuming (then `status.state` is `failed`).
 */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
  /**
   * Where the subscription stands, for readiness checks and metrics. Both adapters provide it;
   * it is optional only so that a test's stand-in subscription need not.
   */
  readonly status?: SubscriptionStatus;
}

export interface StreamMetadata {
  readonly tenant?: string;
  readonly [key: string]: unknown;
}

export abstract class EventStore {
  /** Appends all events to one stream atomically, or none. */
  abstract appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;

  /** Reads one stream; a missing stream reads as empty. */
  abstract readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Reads one page of the global log. */
  abstract readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  abstract subscribeToAll(options?: SubscribeToAllOptions): EventSubscription;

  abstract setStreamMetadata(streamName: string, metadata: StreamMetadata): Promise<void>;

  /** Returns `undefined` when the stream has no metadata. */
  abstract getStreamMetadata(streamName: string): Promise<StreamMetadata | undefined>;

  /** Position of the newest event in the log, or undefined when the log is empty. */
  abstract headPosition(): Promise<Position | undefined>;

  abstract close(): Promise<void>;
}
