/**
 * The shared halves of every adapter: checking and encoding a batch before it is written, and
 * turning what was stored back into a RecordedEvent. Adapters only move these strings.
 */
import { InvalidEventError } from './event-store.errors.js';
import type { ChainLink, EventMetadata, NewEvent, RecordedEvent } from './event-store.port.js';
import { chainHash, withChainLink } from './hash-chain.js';
import type { Position } from './position.js';
import type { EventSerde } from './serde.js';

export interface PreparedEvent {
  readonly id: string;
  readonly type: string;
  readonly revision: number;
  readonly dataJson: string;
  /** Metadata as stored, including the chain link. */
  readonly metadataJson: string;
  readonly chain: ChainLink;
}

export interface StoredRow {
  readonly id: string;
  readonly type: string;
  readonly streamName: string;
  readonly revision: number;
  readonly position: Position;
  readonly dataJson: string;
  readonly metadataJson: string;
  /** Milliseconds since the epoch; a Date is made only when someone asks for it. */
  readonly recordedAtMs: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME_LENGTH = 255;

export function streamCategory(streamName: string): string {
  const dash = streamName.indexOf('-');
  return dash === -1 ? streamName : streamName.slice(0, dash);
}

export function assertStreamName(streamName: unknown): asserts streamName is string {
  if (typeof streamName !== 'string' || streamName.length === 0 || streamName.length > MAX_NAME_LENGTH || streamName.startsWith('$')) {
    throw new InvalidEventError('INVALID_STREAM', `Not a valid stream name: ${JSON.stringify(streamName)}`);
  }
}

/** Rejects a whole batch before anything is written, so a bad event never half-applies. */
export function assertValidBatch(streamName: string, events: readonly NewEvent[]): void {
  assertStreamName(streamName);
  // Array.isArray narrows a readonly array to any[], so the loop below uses this typed alias.
  const batch: readonly NewEvent[] = events;
  // Callers from plain JavaScript may pass anything; the type says an array, the check makes sure.
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventError('EMPTY_BATCH', `An append to "${streamName}" needs at least one event`);
  }
  const ids = new Set<string>();
  for (const [index, event] of batch.entries()) {
    const at = `event #${index} appended to "${streamName}"`;
    if (typeof event?.type !== 'string' || event.type.length === 0 || event.type.length > MAX_NAME_LENGTH || event.type.startsWith('$')) {
      throw new InvalidEventError('MISSING_TYPE', `The ${at} has no valid type`);
    }
    if (typeof event.id !== 'string' || !UUID.test(event.id)) {
      throw new InvalidEventError('INVALID_ID', `The ${at} needs a UUID id, got ${JSON.stringify(event.id)}`);
    }
    if (ids.has(event.id.toLowerCase())) throw new InvalidEventError('DUPLICATE_ID', `The ${at} repeats id ${event.id}`);
    ids.add(event.id.toLowerCase());
  }
}

/** An event checked and encoded, before its place in the stream is known. */
export interface EncodedEvent {
  readonly id: string;
  readonly type: string;
  readonly dataJson: string;
  readonly userMetadataJson: string;
}

/** Checks and encodes a batch; throws before anything is queued, so a bad batch writes nothing. */
export function encodeBatch(serde: EventSerde, streamName: string, events: readonly NewEvent[]): EncodedEvent[] {
  assertValidBatch(streamName, events);
  return events.map((event) => {
    if (event.metadata !== undefined && Object.hasOwn(event.metadata, '$chain')) {
      throw new InvalidEventError('NOT_SERIALISABLE', `Event ${event.id} carries "$chain" in its metadata; the store writes that key itself`);
    }
    const dataJson = serde.encode(event.data);
    const userMetadataJson = serde.encode(event.metadata ?? {});
    const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(userMetadataJson);
    if (bytes > serde.maxEventBytes) {
      throw new InvalidEventError('TOO_LARGE', `Event ${event.id} (${event.type}) is ${bytes} bytes; the limit is ${serde.maxEventBytes}`);
    }
    return { id: event.id.toLowerCase(), type: event.type, dataJson, userMetadataJson };
  });
}

/** Gives each encoded event its revision and chain link, once the stream's head is known. */
export function chainBatch(
  streamName: string,
  events: readonly EncodedEvent[],
  firstRevision: number,
  previousHash: string | null,
): PreparedEvent[] {
  let previous = previousHash;
  return events.map((event, index) => {
    const revision = firstRevision + index;
    const hash = chainHash(previous, {
      streamName,
      revision,
      id: event.id,
      type: event.type,
      dataJson: event.dataJson,
      metadataJson: event.userMetadataJson,
    });
    const chain: ChainLink = { previousHash: previous, hash };
    previous = hash;
    return { id: event.id, type: event.type, revision, dataJson: event.dataJson, metadataJson: withChainLink(event.userMetadataJson, chain), chain };
  });
}

const NO_LINK: ChainLink = { previousHash: null, hash: '' };

/**
 * An event read back. A class rather than a literal so that `recordedAt`, rarely read, is a
 * getter on the prototype instead of a Date allocated for every event of a long read.
 */
class LoggedEvent implements RecordedEvent {
  constructor(
    readonly id: string,
    readonly type: string,
    readonly data: unknown,
    readonly metadata: EventMetadata,
    readonly streamName: string,
    readonly revision: number,
    readonly position: Position,
    private readonly recordedAtMs: number,
    readonly chain: ChainLink,
  ) {}

  get recordedAt(): Date {
    return new Date(this.recordedAtMs);
  }
}

/**
 * Turns a stored row into a RecordedEvent. This is the hot path of every projection rebuild and
 * audit, so it allocates nothing it does not return. The chain link is the metadata's last key
 * (see withChainLink), and V8 undoes the addition of an object's last property cheaply, so
 * deleting it costs less than copying the rest into a new object.
 */
export function toRecordedEvent(serde: EventSerde, row: StoredRow, raw = false): RecordedEvent {
  const metadata = serde.decode(row.metadataJson) as Record<string, unknown>;
  const chain = (metadata.$chain as ChainLink | undefined) ?? NO_LINK;
  if (chain !== NO_LINK) delete metadata.$chain;
  let type = row.type;
  let data = serde.decode(row.dataJson);
  if (!raw && serde.upcasters.size > 0) ({ type, data } = serde.upcasters.upcast({ type, data }));
  return new LoggedEvent(row.id, type, data, metadata, row.streamName, row.revision, row.position, row.recordedAtMs, chain);
}
