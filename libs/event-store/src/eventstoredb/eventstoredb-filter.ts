/**
 * Translates the port's filter on the global log ("any listed event type OR any listed stream
 * category") into what EventStoreDB can do on the server, plus the exact check done here.
 *
 * An EventStoreDB filter looks at either the event type or the stream name, never both. When a
 * caller lists both types and categories, the server therefore only drops system events and the
 * OR is decided here, in the client. Two server-side filtered reads merged by position would move
 * fewer events, but they would make paging (`after`, `maxCount`) and live subscriptions much harder
 * to keep gap-free; the ledger's readers ask for one kind of filter at a time.
 *
 * The client-side check also runs when the server filtered already. It costs a Set lookup and makes
 * the result exact where regular expressions are not: .NET's `$` also matches before a final
 * newline, and system events or `$` streams must never reach a caller.
 */
import { eventTypeFilter, streamNameFilter } from '@kurrent/kurrentdb-client';
import type { Filter } from '@kurrent/kurrentdb-client';
import type { AllFilter } from '../event-store.port.js';
import { streamCategory } from '../stored-event.js';

export interface FilterPlan {
  /** Always set: without a caller's filter the server still leaves out system events. */
  readonly server: Filter;
  accepts(eventType: string, streamName: string): boolean;
}

/** Event types the server writes itself ($metadata, $>, $statsCollected, ...) start with a dollar. */
const NOT_A_SYSTEM_TYPE = '^[^$]';

export function isSystemEvent(eventType: string, streamName: string): boolean {
  return eventType.startsWith('$') || streamName.startsWith('$');
}

export function planFilter(filter: AllFilter | undefined): FilterPlan {
  const types = listed(filter?.eventTypes, 'eventTypes');
  const categories = listed(filter?.streamCategories, 'streamCategories');
  const inCategory = (streamName: string): boolean => categories.has(streamCategory(streamName));
  if (types.size > 0 && categories.size > 0) {
    return {
      server: eventTypeFilter({ regex: NOT_A_SYSTEM_TYPE }),
      accepts: (type, stream) => !isSystemEvent(type, stream) && (types.has(type) || inCategory(stream)),
    };
  }
  if (types.size > 0) {
    return {
      server: eventTypeFilter({ regex: `^(?:${alternatives(types)})$` }),
      accepts: (type, stream) => !isSystemEvent(type, stream) && types.has(type),
    };
  }
  if (categories.size > 0) {
    // A category is the part of the name before the first dash, or the whole name without one.
    return {
      server: streamNameFilter({ regex: `^(?:${alternatives(categories)})(?:-|$)` }),
      accepts: (type, stream) => !isSystemEvent(type, stream) && inCategory(stream),
    };
  }
  return { server: eventTypeFilter({ regex: NOT_A_SYSTEM_TYPE }), accepts: (type, stream) => !isSystemEvent(type, stream) };
}

function listed(values: readonly string[] | undefined, name: string): Set<string> {
  if (values === undefined) return new Set();
  const list: readonly unknown[] = values;
  if (!Array.isArray(list) || list.some((value) => typeof value !== 'string' || value.length === 0)) {
    throw new RangeError(`filter.${name} must be a list of non-empty strings, got ${JSON.stringify(values)}`);
  }
  return new Set<string>(values);
}

/** Escapes the characters that are special in both JavaScript and .NET regular expressions. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function alternatives(values: ReadonlySet<string>): string {
  return [...values].map(escapeRegex).join('|');
}
