/**
 * Maps the driver's failures onto the port's typed errors, so the projector can tell "try again
 * later" (ReadStoreTransientError) from a real fault (anything else, which stops a projection
 * visibly). Transient: the network (resets, timeouts, an unreachable server), a primary stepping
 * down or shutting down, the server's own time limit, a transaction the server asks to retry, and
 * every write-concern failure: the write was applied on the primary but not confirmed by a
 * majority, so a step-down may still roll it back and it must not count as written.
 */
import {
  MongoBulkWriteError,
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoWriteConcernError,
} from 'mongodb';
import { ReadStoreError, ReadStoreTransientError } from '../read-store.errors.js';

type Reason = ReadStoreTransientError['reason'];

/** Server codes that mean "this node cannot do it now" (SDAM's state-change and shutdown errors). */
const FAILOVER_CODES = new Set([10107, 13435, 13436, 11602, 189, 91, 11600, 10058]);
/** HostUnreachable, HostNotFound, NetworkTimeout, SocketException. */
const CONNECTION_CODES = new Set([6, 7, 89, 9001]);
/** MaxTimeMSExpired, ExceededTimeLimit, LockTimeout. */
const TIMEOUT_CODES = new Set([50, 262, 24]);
/** WriteConflict: another writer changed a document this transaction changes. */
const CONFLICT_CODES = new Set([112]);
const WAIT_QUEUE_TIMEOUT = 'MongoWaitQueueTimeoutError';

/** True when a write was applied but not acknowledged as asked (`writeConcernError`). */
export function writeConcernFailed(error: unknown): boolean {
  if (error instanceof MongoWriteConcernError) return true;
  if (error instanceof MongoBulkWriteError) return error.result?.getWriteConcernError() !== undefined;
  return error instanceof MongoServerError && typeof (error as { writeConcernError?: unknown }).writeConcernError === 'object';
}

function reasonOf(error: MongoError | undefined): Reason | undefined {
  if (!error) return undefined;
  if (writeConcernFailed(error)) return 'WRITE_CONCERN';
  if (error instanceof MongoNetworkTimeoutError || error instanceof MongoOperationTimeoutError || error.name === WAIT_QUEUE_TIMEOUT) return 'TIMEOUT';
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return 'CONNECTION';
  const code = typeof error.code === 'number' ? error.code : undefined;
  if (code !== undefined && TIMEOUT_CODES.has(code)) return 'TIMEOUT';
  if (code !== undefined && FAILOVER_CODES.has(code)) return 'FAILOVER';
  if (code !== undefined && CONNECTION_CODES.has(code)) return 'CONNECTION';
  if ((code !== undefined && CONFLICT_CODES.has(code)) || error.hasErrorLabel(MongoErrorLabel.TransientTransactionError)) return 'CONFLICT';
  if (error.hasErrorLabel(MongoErrorLabel.UnknownTransactionCommitResult)) return 'WRITE_CONCERN';
  return undefined;
}

/** The typed error for a driver failure; anything it does not recognise comes back unchanged. */
export function toReadStoreError(error: unknown): unknown {
  if (error instanceof ReadStoreError || !(error instanceof MongoError)) return error;
  const reason = reasonOf(error) ?? reasonOf(wrappedCause(error));
  return reason ? new ReadStoreTransientError(reason, `MongoDB: ${error.message}`, { cause: error }) : error;
}

/**
 * A bulk write that failed as a whole (a reset or a timeout mid-call, before any server answer)
 * is a MongoBulkWriteError built from the underlying error, which it keeps as `errorResponse`.
 */
function wrappedCause(error: MongoError): MongoError | undefined {
  const cause = (error as { errorResponse?: unknown }).errorResponse;
  return error instanceof MongoBulkWriteError && cause instanceof MongoError && cause !== error ? cause : undefined;
}

/** Runs a store operation, turning driver failures into the port's errors. */
export async function mapped<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toReadStoreError(error);
  }
}
