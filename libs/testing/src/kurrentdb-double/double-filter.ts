/**
 * Server-side filters on $all, as KurrentDB applies them (EventFilter in its reader index): a
 * filter looks at the event type or the stream name, by regular expression (matched anywhere,
 * like .NET's Regex.Match) or by prefixes; on $all it is combined with the default filter, which
 * lets every event through except the server's own bookkeeping ($epoch-information and the
 * checkpoints and parked messages of persistent subscriptions to $all).
 *
 * A filtered read or subscription also has a search window (how many events it looks at per
 * page, 32 by default) and, for subscriptions, sends a checkpoint every `window * multiplier`
 * events it looked at.
 */
import type { StoredEvent } from './double-log.js';
import type { streamsPb } from './wire.js';

type FilterOptions = InstanceType<typeof streamsPb.ReadReq.Options.FilterOptions>;

export interface LogFilter {
  allows(event: StoredEvent): boolean;
  /** Events looked at between two checkpoints of a subscription; undefined without a filter. */
  readonly checkpointInterval: number | undefined;
}

const DEFAULT_SEARCH_WINDOW = 32;

function allowedOnAll(event: StoredEvent): boolean {
  const stream = event.streamName;
  if (!stream.startsWith('$')) return true;
  if (stream === '$epoch-information') return false;
  return !(stream.startsWith('$persistentsubscription-$all::') && (stream.endsWith('-checkpoint') || stream.endsWith('-parked')));
}

export const UNFILTERED: LogFilter = { allows: allowedOnAll, checkpointInterval: undefined };

/** Throws a RangeError for a filter KurrentDB would refuse as an invalid argument. */
export function logFilter(options: FilterOptions | undefined): LogFilter {
  if (!options) return UNFILTERED;
  const onType = options.hasEventType();
  const expression = onType ? options.getEventType() : options.getStreamIdentifier();
  if (!expression) throw new RangeError('A filter must name the event type or the stream name');
  const regex = expression.getRegex();
  const prefixes = expression.getPrefixList();
  const matches = regex ? matcher(regex) : (value: string): boolean => prefixes.some((prefix) => value.startsWith(prefix));
  const window = options.hasMax() ? options.getMax() : DEFAULT_SEARCH_WINDOW;
  const multiplier = options.getCheckpointintervalmultiplier();
  if (multiplier <= 0 || window <= 0) throw new RangeError('The checkpoint interval and the search window must be positive');
  return {
    allows: (event) => allowedOnAll(event) && matches(onType ? event.type : event.streamName),
    checkpointInterval: window * multiplier,
  };
}

function matcher(source: string): (value: string) => boolean {
  // JavaScript's RegExp stands in for .NET's: the patterns clients send (anchors, classes,
  // alternations) mean the same in both.
  const pattern = new RegExp(source);
  return (value) => pattern.test(value);
}
