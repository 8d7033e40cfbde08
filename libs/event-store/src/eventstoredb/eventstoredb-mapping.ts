/**
 * The pure translations between the port and the KurrentDB client: positions, expected
 * revisions and events in both directions (errors are in eventstoredb-errors.ts). Nothing here
 * talks to a server.
 *
 * How events are stored, and why: the client serialises `application/json` event data itself
 * (`JSON.stringify(event.data)`, in both `append` and `batchAppend`), so raw JSON text cannot be
 * handed to it as JSON; it only passes bytes through unchanged for `application/octet-stream`
 * data and for metadata given as a plain `Uint8Array`. We therefore append with `binaryEvent`,
 * whose data and metadata are the UTF-8 bytes of `dataJson` and `metadataJson`: the server
 * stores exactly what `encodeBatch`/`chainBatch` produced, and on reading a binary event the
 * client returns the data bytes untouched. Metadata is different on the way back: the client
 * always `JSON.parse`s it when it can. Re-serialising that with `JSON.stringify` gives back the
 * stored text byte for byte, because the stored text is itself `JSON.stringify` output (our serde
 * plus `withChainLink`), and parse-then-stringify is the identity on such text: the same key order,
 * shortest number forms and canonical string escapes.
 */
import { BACKWARDS, FORWARDS, NO_STREAM, binaryEvent } from '@kurrent/kurrentdb-client';
import type {
  AppendStreamState,
  BinaryEventType,
  Position as ClientPosition,
  CurrentStreamState,
  Direction as ClientDirection,
  EventData,
  RecordedEvent as ClientRecordedEvent,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError } from '../event-store.errors.js';
import type { Direction, ExpectedRevision, RecordedEvent } from '../event-store.port.js';
import { decodePosition, encodePosition } from '../position.js';
import type { Position } from '../position.js';
import type { EventSerde } from '../serde.js';
import { toRecordedEvent } from '../stored-event.js';
import type { PreparedEvent, StoredRow } from '../stored-event.js';

export type { ClientRecordedEvent };

/** Servers before 22.6 report this instead of a position for events read from a stream. */
const NO_POSITION = 0xffff_ffff_ffff_ffffn;

export function toClientPosition(position: Position): ClientPosition {
  const [commit, prepare] = decodePosition(position, 2);
  return { commit: commit!, prepare: prepare! };
}

/** Commit first, then prepare: events of one append share a commit position and differ by prepare. */
export function fromClientPosition(position: ClientPosition): Position {
  return encodePosition(position.commit, position.prepare);
}

export function positionOf(event: ClientRecordedEvent): Position {
  if (!event.position || event.position.commit === NO_POSITION) {
    throw new EventStoreUnavailableError(
      `Event ${event.id} in "${event.streamId}" was read without its log position; the ledger needs EventStoreDB/KurrentDB 22.6 or later`,
    );
  }
  return fromClientPosition(event.position);
}

export function toClientDirection(direction: Direction | undefined): ClientDirection {
  return direction === 'backwards' ? BACKWARDS : FORWARDS;
}

/** Every append states what it expects; the client's default (ANY) is never used. */
export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  return expected === 'no_stream' ? NO_STREAM : BigInt(expected);
}

export function toEventData(event: PreparedEvent): EventData {
  return binaryEvent<BinaryEventType>({
    id: event.id,
    type: event.type,
    data: Buffer.from(event.dataJson, 'utf8'),
    // binaryEvent copies a Buffer into a plain Uint8Array, which the client sends verbatim.
    metadata: Buffer.from(event.metadataJson, 'utf8'),
  });
}

/** The `$chain.hash` of a stored event, or null for an event written without our chain link. */
export function chainHashOf(event: ClientRecordedEvent): string | null {
  const metadata = event.metadata;
  if (!isPlainObject(metadata) || !isPlainObject(metadata.$chain)) return null;
  const hash = metadata.$chain.hash;
  return typeof hash === 'string' && hash.length > 0 ? hash : null;
}

export function fromClientEvent(serde: EventSerde, event: ClientRecordedEvent, raw = false): RecordedEvent {
  const row: StoredRow = {
    id: event.id,
    type: event.type,
    streamName: event.streamId,
    revision: Number(event.revision),
    position: positionOf(event),
    dataJson: 'null',
    metadataJson: metadataText(event.metadata),
    recordedAtMs: event.created.getTime(),
  };
  // A JSON event was written by another tool; the client has parsed its data already.
  if (event.isJson) return toRecordedEvent(serde, { ...row, dataJson: JSON.stringify(event.data) }, raw);
  const bytes = event.data;
  try {
    return toRecordedEvent(serde, { ...row, dataJson: utf8(bytes) }, raw);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // Binary data that is not JSON (another tool's protobuf, say) is handed over as its bytes, never upcast.
    return { ...toRecordedEvent(serde, row, true), data: bytes };
  }
}

function metadataText(metadata: unknown): string {
  // Undefined means no metadata; bytes mean metadata that is not JSON. Neither can be ours.
  return isPlainObject(metadata) ? JSON.stringify(metadata) : '{}';
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function toActualRevision(state: CurrentStreamState): ExpectedRevision {
  // Deleted and tombstoned streams report negative revisions; for the port they do not exist.
  return typeof state === 'bigint' && state >= 0n ? Number(state) : 'no_stream';
}
