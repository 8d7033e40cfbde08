/** Checks of the plain arguments every adapter receives, with the same messages everywhere. */
import type { ExpectedRevision } from './event-store.port.js';

export function assertExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'no_stream') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new RangeError(`expectedRevision must be 'no_stream' or a revision (a non-negative integer), got ${JSON.stringify(expected)}`);
}

export function pageSize(requested: number | undefined, fallback: number): number {
  if (requested === undefined) return fallback;
  if (!Number.isSafeInteger(requested) || requested < 1) {
    throw new RangeError(`maxCount must be a positive integer, got ${JSON.stringify(requested)}`);
  }
  return requested;
}
