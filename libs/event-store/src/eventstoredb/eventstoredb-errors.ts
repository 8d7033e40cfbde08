/**
 * How the KurrentDB client's failures read for the port. Three kinds matter:
 * - answers: the server decided (wrong expected version, append too large, access denied, a
 *   deleted stream); they map to the port's typed errors and are never retried;
 * - transient failures with an unknown outcome: the acknowledgement timed out (KurrentDB answers
 *   Timeout when a write's commit or prepare phase outlives its deadline, and drops silently a
 *   retry whose original write is not yet replicated, "IdempotentNotReady", which the client then
 *   sees as a timeout too), the connection broke, the call was cancelled or ended in an unknown
 *   state. An append may or may not have been written: re-read, then retry with the same ids;
 * - not-leader answers: nothing was done, and the client has already reconnected to the leader
 *   the server named, so a retry goes there.
 */
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  convertToCommandError,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, InvalidEventError, WrongExpectedRevisionError } from '../event-store.errors.js';
import type { ExpectedRevision } from '../event-store.port.js';
import { toActualRevision } from './eventstoredb-mapping.js';

/** The adapter's own deadline passed before the client reported anything (see eventstoredb-append.ts). */
export class AcknowledgementTimeout extends Error {
  override readonly name = 'AcknowledgementTimeout';
  constructor(timeoutMs: number) {
    super(`no acknowledgement within ${timeoutMs} ms`);
  }
}

/**
 * The client's typed error for a failure, when it has one. Some paths (the server-features call
 * made before the first append on a channel, for one) reject with grpc-js's raw status error.
 */
function normalised(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || !('code' in error) || typeof error.code !== 'number') return error;
  return convertToCommandError(error as unknown as Parameters<typeof convertToCommandError>[0]);
}

/** Failures after which an operation may be retried: its outcome is unknown, or it was not done. */
export function isTransient(raw: unknown): boolean {
  const error = normalised(raw);
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError ||
    error instanceof UnknownError ||
    error instanceof NotLeaderError ||
    error instanceof AcknowledgementTimeout
  );
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const name = error.constructor.name === 'Error' ? error.name : error.constructor.name;
  return error.message ? `${name}: ${error.message}` : name;
}

/** Maps the client's failures of an append onto the port's typed errors; others pass unchanged. */
export function toAppendError(raw: unknown, streamName: string, expected: ExpectedRevision): unknown {
  const error = normalised(raw);
  if (error instanceof WrongExpectedVersionError) {
    return new WrongExpectedRevisionError(streamName, expected, toActualRevision(error.actualState));
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new InvalidEventError(
      'TOO_LARGE',
      `The batch appended to "${streamName}" is larger than the server accepts in one append (${error.maxAppendSize} bytes)`,
    );
  }
  if (error instanceof StreamDeletedError) {
    return new EventStoreUnavailableError(`The stream "${streamName}" was deleted on the server; the ledger never deletes streams`, { cause: error });
  }
  return toReadError(error);
}

/** An unreachable, refusing or timing-out server is the port's EventStoreUnavailableError; others pass unchanged. */
export function toReadError(raw: unknown): unknown {
  const error = normalised(raw);
  if (error instanceof AccessDeniedError) {
    return new EventStoreUnavailableError(`The EventStoreDB server refused access: ${error.message}`, { cause: error });
  }
  if (isTransient(error)) {
    return new EventStoreUnavailableError(`The EventStoreDB server cannot be reached: ${describeError(error)}`, { cause: error });
  }
  return error;
}
