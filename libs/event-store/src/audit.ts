/**
 * Whole-log audit: reads the global log as stored and checks every stream's hash chain in one
 * pass, keeping only the last hash of each stream in memory. Used by `ledger audit verify`.
 */
import type { EventStore } from './event-store.port.js';
import { checkLink } from './hash-chain.js';
import type { Position } from './position.js';

export interface BrokenLink {
  readonly streamName: string;
  readonly revision: number;
  readonly position: Position;
  readonly reason: string;
}

export interface LogAudit {
  readonly events: number;
  readonly streams: number;
  readonly broken: readonly BrokenLink[];
}

export async function auditLog(store: EventStore, onProgress?: (events: number) => void, pageSize = 2048): Promise<LogAudit> {
  const lastHash = new Map<string, string | null>();
  const broken: BrokenLink[] = [];
  let events = 0;
  for (let after: Position | undefined; ; ) {
    const page = await store.readAll({ raw: true, maxCount: pageSize, ...(after ? { after } : {}) });
    if (page.length === 0) break;
    for (const event of page) {
      const previous = event.revision === 0 ? null : lastHash.get(event.streamName);
      const problem =
        previous === undefined ? 'the events before it in its stream are missing from the log' : checkLink(event, previous);
      if (problem) broken.push({ streamName: event.streamName, revision: event.revision, position: event.position, reason: problem });
      // Continue from the recorded hash so one bad event is reported once, not for its whole stream.
      lastHash.set(event.streamName, event.chain.hash);
    }
    events += page.length;
    after = page[page.length - 1]!.position;
    onProgress?.(events);
  }
  return { events, streams: lastHash.size, broken };
}
