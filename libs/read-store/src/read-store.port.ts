/**
 * The read side's storage: JSON documents keyed by a string, in named collections, written by
 * projections that follow the event log. Every write carries the log position of the event that
 * produced it, so delivery can be at-least-once while the effect is exactly-once: a write that is
 * not newer than what is stored changes nothing, and a projection's checkpoint never moves back.
 */
import type { Position } from '@ledger/event-store';

export type ReadDocument = Record<string, unknown>;

export interface DocumentWrite {
  readonly collection: string;
  readonly key: string;
  /** The document's new version, or `null` to delete it. */
  readonly doc: ReadDocument | null;
  /** The position of the event that produced this version. */
  readonly position: Position;
  /**
   * A hint from a writer that read the key first. `true`: it found no document; a store may then
   * insert directly, which is much cheaper than a guarded upsert on some servers, and must fall
   * back to the guarded write when a document (or tombstone) exists after all, so a wrong `true`
   * costs time, never data. `false`: it read a stored version (documents are never removed, only
   * tombstoned, until their collection is dropped), so the store need not create the key first.
   */
  readonly expectNew?: boolean;
}

export interface ApplyBatch {
  readonly writes: readonly DocumentWrite[];
  /** The position the projection has processed up to, including events that wrote nothing. */
  readonly checkpoint: Position;
  /**
   * Write only while this fence's token is the lease's current token, i.e. nobody took the lease
   * since `owner` was granted it: otherwise nothing is written and the batch fails with
   * LeaseLostError. SQLite checks inside the batch's transaction; MongoDB inside the batch's
   * transaction on a replica set, and just before the writes where it has no transactions.
   */
  readonly fence?: LeaseFence;
}

/**
 * A fencing token: one grant of a lease. The token grows every time the lease changes hands (or
 * is taken again after it lapsed or was released), never on a renewal by its live holder, so a
 * writer that was replaced, however late its batch arrives, carries a token that is no longer
 * the current one and is refused.
 */
export interface LeaseFence {
  readonly lease: string;
  readonly owner: string;
  readonly token: number;
}

export interface LeaseRequest {
  readonly lease: string;
  readonly owner: string;
  /** How long the lease lasts without a renewal. */
  readonly ttlMs: number;
}

export interface LeaseGrant extends LeaseFence {
  /** Milliseconds since the epoch, by the store's clock (see LeaseHolder). */
  readonly expiresAtMs: number;
}

export interface LeaseHolder {
  readonly owner: string;
  readonly token: number;
  /**
   * Milliseconds since the epoch, by the store's clock: the MongoDB server's, never a client's
   * (hosts' clocks disagree); the local clock for SQLite, whose processes share one machine.
   */
  readonly expiresAtMs: number;
}

export type WhereValue = string | number | boolean | null;

export interface FindQuery {
  /** Equality on top-level fields; `null` matches a missing field as well as an explicit null. */
  readonly where?: Readonly<Record<string, WhereValue>>;
  readonly range?: { readonly field: string; readonly gte?: string | number; readonly lt?: string | number };
  /**
   * Pages are ordered by this field, then by key. The field should hold one type (numbers or
   * strings) across the collection: both stores compare values of different types by type first.
   */
  readonly orderBy: { readonly field: string; readonly direction: 'asc' | 'desc' };
  /** Page size, 1 to MAX_PAGE_SIZE. */
  readonly first: number;
  /** The `endCursor` of the previous page. */
  readonly after?: string;
}

export interface Page<D> {
  readonly items: D[];
  readonly endCursor: string | undefined;
  readonly hasNextPage: boolean;
}

export const MAX_PAGE_SIZE = 1000;

export abstract class ReadStore {
  /**
   * Applies a projection's writes and moves its checkpoint forward. Writes not newer than the
   * stored version (or tombstone) of their document are ignored; so is a checkpoint older than
   * the stored one. Within one batch, the write with the newest position per document wins.
   */
  abstract apply(projection: string, batch: ApplyBatch): Promise<void>;
  /** The projection's checkpoint, or `undefined` before its first batch. */
  abstract checkpoint(projection: string): Promise<Position | undefined>;
  abstract get<D = ReadDocument>(collection: string, key: string): Promise<D | undefined>;
  /** The documents found, keyed by key; missing and deleted keys are absent from the map. */
  abstract getMany<D = ReadDocument>(collection: string, keys: readonly string[]): Promise<Map<string, D>>;
  /** Keyset pagination by (orderBy field, key): stable when documents are inserted between pages. */
  abstract find<D = ReadDocument>(collection: string, query: FindQuery): Promise<Page<D>>;
  /** Creates (if absent) an index on the given top-level fields, in order, followed by the key. */
  abstract ensureIndex(collection: string, fields: readonly string[]): Promise<void>;
  abstract dropCollection(collection: string): Promise<void>;
  /** The read-model collections, sorted by name, optionally only those starting with `prefix`. */
  abstract listCollections(prefix?: string): Promise<string[]>;
  /**
   * Takes the lease for `owner`, or renews it when `owner` holds it already: the grant when `owner`
   * holds it for `ttlMs` from now (by the store's clock), `undefined` when another owner holds an
   * unexpired lease. Atomic: of owners racing for a free or expired lease, exactly one gets it.
   * A renewal keeps the token; any other grant gets a larger token than the lease ever had.
   */
  abstract acquireLease(request: LeaseRequest): Promise<LeaseGrant | undefined>;
  /** Gives the grant up at once if it is still current (so a waiting owner need not wait for expiry). */
  abstract releaseLease(fence: LeaseFence): Promise<void>;
  /** Who holds the lease, expired or not; `undefined` when never taken or released. */
  abstract leaseHolder(lease: string): Promise<LeaseHolder | undefined>;
  abstract close(): Promise<void>;
}
