/**
 * How far a projection is behind the log: the events it handles after its checkpoint (counted up
 * to LAG_SCAN_LIMIT, so a projection far behind costs one bounded read, and reports at least that
 * many), and the age of the oldest of them.
 */
import type { EventStore, Position } from '@ledger/event-store';
import type { Projection } from '@ledger/projections';

export const LAG_SCAN_LIMIT = 10_000;

export interface Lag {
  readonly lagEvents: number;
  /** Milliseconds since the oldest event not yet applied was recorded; 0 when caught up. */
  readonly lagMs: number;
}

export const CAUGHT_UP: Lag = { lagEvents: 0, lagMs: 0 };

export async function measureLag(events: EventStore, projection: Projection, position: Position | undefined, now = Date.now()): Promise<Lag> {
  const pending = await events.readAll({ filter: { eventTypes: projection.eventTypes }, maxCount: LAG_SCAN_LIMIT, ...(position ? { after: position } : {}) });
  const oldest = pending[0];
  return oldest ? { lagEvents: pending.length, lagMs: Math.max(0, now - oldest.recordedAt.getTime()) } : CAUGHT_UP;
}
