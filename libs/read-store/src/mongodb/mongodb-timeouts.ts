/**
 * Bounds on every round trip the MongoDB adapter makes. The driver's single `timeoutMS` (client
 * side operation timeout) is a deprecated no-op since driver 7.8 (and 6.22), so the per-stage
 * options are used: the server gives up on an operation after `operationMs` (`maxTimeMS` on reads
 * and lease updates, `wtimeout` while waiting for a majority to acknowledge a write,
 * `maxCommitTimeMS` on a transaction), and the client gives up on a connection that stays silent
 * for `socketMs`, whatever the server is doing. Without them a majority write with a secondary
 * down waits forever while the projector's lease runs out.
 */
import type { MongoClientOptions } from 'mongodb';
import { ReadStoreUnavailableError } from '../read-store.errors.js';

export interface MongoTimeouts {
  /** Server-side limit per operation, including the wait for a majority of the replica set. */
  readonly operationMs: number;
  /** Client-side limit on any one round trip: a server that stops answering, a stalled network. */
  readonly socketMs: number;
  /** How long to look for a usable server, open a connection, or wait for a pooled one. */
  readonly serverSelectionMs: number;
}

/**
 * Well inside the projector's 10 s lease: a write that cannot be confirmed fails, and its batch is
 * retried, in a few seconds. The socket limit leaves room for a slow but answering server.
 */
export const DEFAULT_MONGO_TIMEOUTS: MongoTimeouts = { operationMs: 5_000, socketMs: 15_000, serverSelectionMs: 5_000 };

/**
 * The defaults with `given` over them. The client's socket limit must leave the server its own
 * limit and more: otherwise a slow but answering server is cut off mid-write, outcome unknown.
 */
export function timeoutsOf(given: Partial<MongoTimeouts> = {}): MongoTimeouts {
  const timeouts = { ...DEFAULT_MONGO_TIMEOUTS, ...given };
  if (timeouts.socketMs <= timeouts.operationMs) {
    throw new ReadStoreUnavailableError(
      `MONGODB_SOCKET_TIMEOUT_MS (${timeouts.socketMs}) must be longer than MONGODB_OPERATION_TIMEOUT_MS (${timeouts.operationMs}), which the server may use up before answering`,
    );
  }
  return timeouts;
}

export function clientOptions(timeouts: MongoTimeouts): MongoClientOptions {
  return {
    writeConcern: { w: 'majority', wtimeoutMS: timeouts.operationMs },
    socketTimeoutMS: timeouts.socketMs,
    serverSelectionTimeoutMS: timeouts.serverSelectionMs,
    connectTimeoutMS: timeouts.serverSelectionMs,
    waitQueueTimeoutMS: timeouts.serverSelectionMs,
  };
}
